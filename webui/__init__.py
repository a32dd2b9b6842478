"""The Flask front end: `create_app()` builds the app from defaults, then the environment
(`OFSTED_INDEX`, `OFSTED_BASE_URL`, `OFSTED_PROXY_FIX`, `OFSTED_SEARCH_DEADLINE`,
`OFSTED_FAST_PATH`, `OFSTED_PAGE_DEADLINE`, `OFSTED_ANSWER_CACHE`, `OFSTED_MAX_ACTIVE`,
`OFSTED_COSTLY_*`, `OFSTED_EXPORT_CACHE`),
then the test config, and opens one SearchIndex per app.

Production: gunicorn -w 2 -b 127.0.0.1:8000 'webui:create_app()'
"""
from __future__ import annotations

import os

from flask import Flask, current_app
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from indexer.api import SearchIndex
from webui.admission import Admission
from webui.answer_cache import AnswerCache

DEFAULTS = {
    "OFSTED_INDEX": "index",  # index directory (python -m indexer build --index DIR)
    "EXPORT_CAP": 5000,  # most passages one CSV/JSON export returns
    "SITE_NAME": "Search Ofsted children's services inspections",
    # scheme://host[:port] of absolute links (exports, feeds, citations); when unset they use
    # the address the server listens on, never the request's Host header (webui/links.py)
    "OFSTED_BASE_URL": "",
    # number of trusted proxies in front: their X-Forwarded-* headers are believed (Werkzeug's
    # ProxyFix) and absolute links use the forwarded host; 0 = no proxy trusted
    "OFSTED_PROXY_FIX": 0,
    "OFSTED_SEARCH_DEADLINE": 2.0,  # seconds one search may take before a 400 says so
    # 0: Whoosh's own matchers answer every query instead of the numpy evaluator
    # (indexer.search.evaluator); for diagnosis and for tests of the fallback
    "OFSTED_FAST_PATH": 1,
    # seconds one report page or export may take to build before a 503 says so (webui/deadline.py)
    "OFSTED_PAGE_DEADLINE": 10.0,
    # /api/search answers remembered per worker, keyed on the generation and the whole
    # request (webui/answer_cache.py); 0 = off
    "OFSTED_ANSWER_CACHE": 256,
    # requests one worker has in progress at once; one more gets 503 with Retry-After at
    # once (webui/admission.py); 0 = no bound
    "OFSTED_MAX_ACTIVE": 32,
    # costly requests (exports, result pages over 50, wildcard searches; webui/costly.py):
    # seconds of a worker one client address may spend a second on average (0 = no
    # limits), and at once; beyond, 429 with Retry-After
    "OFSTED_COSTLY_SHARE": 0.05,
    "OFSTED_COSTLY_BURST": 2.0,
    # seconds a second all clients together may spend (at once: OFSTED_COSTLY_BURST), and
    # how many costly requests may be in progress at once in the whole server; beyond,
    # 503 with Retry-After
    "OFSTED_COSTLY_TOTAL": 0.15,
    "OFSTED_COSTLY_AT_ONCE": 1,
    # seconds a refusal of a costly request waits before it is sent, under the gevent
    # worker only (a client asking again at once asks about once a second); 0 = at once
    "OFSTED_COSTLY_HOLD": 1.0,
    # megabytes of export bodies remembered per worker (webui/export_cache.py); 0 = none
    "OFSTED_EXPORT_CACHE": 64,
}
ENVIRONMENT = ("OFSTED_INDEX", "OFSTED_BASE_URL", "OFSTED_PROXY_FIX", "OFSTED_SEARCH_DEADLINE",
               "OFSTED_FAST_PATH", "OFSTED_PAGE_DEADLINE", "OFSTED_ANSWER_CACHE",
               "OFSTED_MAX_ACTIVE", "OFSTED_COSTLY_SHARE", "OFSTED_COSTLY_BURST",
               "OFSTED_COSTLY_TOTAL", "OFSTED_COSTLY_AT_ONCE", "OFSTED_COSTLY_HOLD",
               "OFSTED_EXPORT_CACHE")
PRODUCTION_COMMAND = "gunicorn -w 2 -b 127.0.0.1:8000 'webui:create_app()'"


class SafeJSONProvider(DefaultJSONProvider):
    """Keeps key order and writes <, > and & as \\u escapes: the same JSON once parsed,
    but never markup a browser could sniff."""

    sort_keys = False

    def dumps(self, obj, **kwargs) -> str:
        text = super().dumps(obj, **kwargs)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.json = SafeJSONProvider(app)
    app.config.from_mapping(DEFAULTS)
    for name in ENVIRONMENT:
        if os.environ.get(name):
            app.config[name] = type(DEFAULTS[name])(os.environ[name])
    if test_config:
        app.config.from_mapping(test_config)
    from webui import (api_docs, authorities, compare, costly, deadline, errors, exports,
                       feeds, filters, followups, reports, search, security, trends)

    index_dir = os.path.abspath(app.config["OFSTED_INDEX"])
    app.extensions["ofsted_index"] = SearchIndex(
        index_dir, deadline=float(app.config["OFSTED_SEARCH_DEADLINE"]),
        fast_path=bool(int(app.config["OFSTED_FAST_PATH"])))

    app.extensions["answer_cache"] = AnswerCache(int(app.config["OFSTED_ANSWER_CACHE"]))

    security.init_app(app)
    deadline.init_app(app)
    # from the outside in: ProxyFix (the forwarded address), the costly requests' gate
    # (its refusals take no place in the queue), the bounded queue, Flask
    app.wsgi_app = Admission(app.wsgi_app, int(app.config["OFSTED_MAX_ACTIVE"]))
    costly.init_app(app)
    proxies = int(app.config["OFSTED_PROXY_FIX"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies, x_prefix=proxies)
    filters.init_app(app)
    app.register_blueprint(errors.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(trends.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(authorities.bp)
    app.register_blueprint(followups.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(api_docs.bp)
    return app


def get_index() -> SearchIndex:
    """The app's SearchIndex (it reopens itself when a build swaps the generation)."""
    return current_app.extensions["ofsted_index"]
