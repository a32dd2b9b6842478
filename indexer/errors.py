"""Named exceptions of the project; the web app maps them to HTTP statuses."""


class OfstedSearchError(Exception):
    """Base class of every error we raise on purpose."""


class UnreadableFile(OfstedSearchError):
    """A source file that cannot be read; the message says why."""


class NotAReport(UnreadableFile):
    """A readable file that is not an inspection report (a README, a source note, a web page
    saved under a .pdf name): a build lists it under `not_reports` and does not fail."""


class BadRequest(OfstedSearchError):
    """A search request that cannot be answered as asked; the message says why."""


class QueryTooCostly(BadRequest):
    """A query beyond a cost bound (wildcard expansion, deadline); the message says which."""


class QueryUnanswerable(BadRequest):
    """A query both evaluators failed on (the fast path, then Whoosh's own matchers raised):
    the message asks for it to be put another way; the failure is logged."""


class PageTooCostly(OfstedSearchError):
    """A report page or export that ran past its time limit (webui.deadline); a 503."""


class BuildRefused(OfstedSearchError):
    """A build that did nothing (a path that does not exist, another build running, the
    index could not be written); the index is untouched."""


class IndexMissing(OfstedSearchError):
    """No index has been built at the configured location."""


class IndexEmpty(OfstedSearchError):
    """The index exists but holds no reports; the message says how to fill it."""


class NotFound(OfstedSearchError):
    """A report id that is not in the index."""


class IndexDamaged(IndexMissing):
    """An index whose served files are damaged and no earlier intact version of it is on
    disk (a 503); the message names the damaged file."""


class IndexOutdated(IndexMissing):
    """An index this version cannot serve (written in another format): rebuild it."""


class FetchRefused(OfstedSearchError):
    """A fetch that did nothing (a links file without links, an unknown authority, an
    output folder that cannot be written); the message says why."""
