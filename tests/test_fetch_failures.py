"""What the fetcher does when a real site misbehaves, against a local HTTP server: 429 with
Retry-After, 500s, 404s, slow answers, truncated bodies, HTML error pages (Ofsted's own
"Report not found" page, from the corpus), empty bodies and redirects to other hosts.
Every failure has its reason, leaves no partial file and never replaces a good one."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from indexer.fetch.client import Client, FetchFailed, Politeness

ROOT = Path(__file__).resolve().parents[1]
REPORT = "d2i-ofsted-jtai/inspection_reports/80431_blackpool/joint area child protection inspection - 31 january 2025.pdf"
NOT_FOUND_PAGE = "jt39-ofsted-ilacs/quirks/80429_birmingham/children's services inspection - 19 october 2012.pdf"
QUICK = Politeness(rate=100, retries=2, backoff=0.05, timeout=5)


@pytest.fixture
def pdf(corpus_dir) -> bytes:
    return (corpus_dir / REPORT).read_bytes()


def client_for(server: HTTPServer, polite: Politeness = QUICK) -> Client:
    return Client(hosts={f"{server.host}:{server.port}"}, polite=polite)


def answers(server: HTTPServer, *responses: Response, path: str = "/file") -> list[float]:
    """Serve the responses in turn (the last one from then on); return the times the
    requests arrived."""
    arrived = []

    def answer(request):
        arrived.append(time.monotonic())
        return responses[min(len(arrived), len(responses)) - 1]

    server.expect_request(path).respond_with_handler(answer)
    return arrived


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_429_waits_as_long_as_retry_after_says(tmp_path, httpserver, pdf):
    arrived = answers(httpserver, Response("slow down", status=429, headers={"Retry-After": "1"}),
                      Response(pdf, content_type="application/pdf"))
    target = tmp_path / "out" / "report.pdf"
    sha, size = client_for(httpserver).download(httpserver.url_for("/file"), str(target))
    assert (size, target.read_bytes() == pdf, len(arrived)) == (len(pdf), True, 2)
    assert arrived[1] - arrived[0] >= 0.95


def test_retry_after_beyond_the_longest_wait_gives_up_at_once(tmp_path, httpserver):
    arrived = answers(httpserver, Response("", status=503, headers={"Retry-After": "3600"}))
    with pytest.raises(FetchFailed) as failed:
        client_for(httpserver).download(httpserver.url_for("/file"), str(tmp_path / "r.pdf"))
    assert str(failed.value) == ("HTTP 503 SERVICE UNAVAILABLE; the server asked to wait "
                                 "3600 s, longer than 300 s")
    assert (len(arrived), leftovers(tmp_path)) == (1, [])


def test_500s_are_retried_with_growing_pauses_then_succeed(tmp_path, httpserver, pdf):
    error = Response("oops", status=500)
    arrived = answers(httpserver, error, error, Response(pdf, content_type="application/pdf"))
    polite = Politeness(rate=100, retries=2, backoff=0.2)
    target = tmp_path / "report.pdf"
    client_for(httpserver, polite).download(httpserver.url_for("/file"), str(target))
    assert target.read_bytes() == pdf and len(arrived) == 3
    assert arrived[1] - arrived[0] >= 0.19 and arrived[2] - arrived[1] >= 0.39


def test_500s_that_go_on_fail_with_the_status(tmp_path, httpserver):
    arrived = answers(httpserver, Response("oops", status=500))
    with pytest.raises(FetchFailed, match=r"^HTTP 500 INTERNAL SERVER ERROR \(gave up after "
                                          r"3 attempts\)$"):
        client_for(httpserver).download(httpserver.url_for("/file"), str(tmp_path / "r.pdf"))
    assert (len(arrived), leftovers(tmp_path)) == (3, [])


def test_404_is_not_retried(tmp_path, httpserver):
    arrived = answers(httpserver, Response("gone", status=404))
    with pytest.raises(FetchFailed, match="^HTTP 404 NOT FOUND$"):
        client_for(httpserver).download(httpserver.url_for("/file"), str(tmp_path / "r.pdf"))
    assert len(arrived) == 1


def test_a_slow_answer_times_out_and_the_next_attempt_is_used(tmp_path, pdf):
    with HTTPServer(threaded=True) as server:
        calls = []

        def answer(request):
            calls.append(time.monotonic())
            if len(calls) == 1:
                time.sleep(2)
            return Response(pdf, content_type="application/pdf")

        server.expect_request("/file").respond_with_handler(answer)
        polite = Politeness(rate=100, retries=1, backoff=0.05, timeout=0.5)
        target = tmp_path / "report.pdf"
        client_for(server, polite).download(server.url_for("/file"), str(target))
    assert target.read_bytes() == pdf and len(calls) == 2


def test_truncated_bodies_are_refused(tmp_path, httpserver, pdf):
    """A body shorter than its Content-Length (the connection closed early), and a PDF cut
    short but served whole (no end-of-file marker): retried, then refused."""
    short = Response(pdf[:50_000], content_type="application/pdf")
    short.headers["Content-Length"] = str(len(pdf))
    short.automatically_set_content_length = False
    arrived = answers(httpserver, short)
    with pytest.raises(FetchFailed, match=r"^truncated body: .* \(gave up after 3 attempts\)$"):
        client_for(httpserver).download(httpserver.url_for("/file"), str(tmp_path / "a.pdf"))
    answers(httpserver, Response(pdf[: len(pdf) // 2], content_type="application/pdf"),
            path="/cut")
    with pytest.raises(FetchFailed, match=r"^truncated PDF: no end-of-file marker \(gave up"):
        client_for(httpserver).download(httpserver.url_for("/cut"), str(tmp_path / "b.pdf"))
    assert (len(arrived), leftovers(tmp_path)) == (3, [])


def test_html_error_pages_and_empty_bodies_are_refused(tmp_path, httpserver, corpus_dir):
    page = (corpus_dir / NOT_FOUND_PAGE).read_bytes()  # what Ofsted answers for a lost report
    answers(httpserver, Response(page, content_type="application/pdf"), path="/lost")
    answers(httpserver, Response(b"", content_type="application/pdf"), path="/empty")
    client = client_for(httpserver)
    with pytest.raises(FetchFailed) as html:
        client.download(httpserver.url_for("/lost"), str(tmp_path / "lost.pdf"))
    assert str(html.value) == ("an HTML page, not a PDF ('Report not found - Find an "
                               "Inspection Report - Ofsted')")
    with pytest.raises(FetchFailed, match="^empty body$"):
        client.download(httpserver.url_for("/empty"), str(tmp_path / "empty.pdf"))
    assert leftovers(tmp_path) == [] and len(httpserver.log) == 2


def test_redirects_are_followed_only_to_allowed_hosts(tmp_path, httpserver, pdf):
    with HTTPServer() as other:
        other.expect_request("/file").respond_with_data(pdf, content_type="application/pdf")
        httpserver.expect_request("/moved").respond_with_data(
            "", status=302, headers={"Location": "/file"})
        httpserver.expect_request("/file").respond_with_data(pdf, content_type="application/pdf")
        httpserver.expect_request("/away").respond_with_data(
            "", status=302, headers={"Location": other.url_for("/file")})
        client = client_for(httpserver)
        client.download(httpserver.url_for("/moved"), str(tmp_path / "moved.pdf"))
        with pytest.raises(FetchFailed) as away:
            client.download(httpserver.url_for("/away"), str(tmp_path / "away.pdf"))
        assert other.log == []
    assert str(away.value) == (f"refused: {other.host}:{other.port} is not an allowed host "
                               "(--allow-host adds one)")
    assert (tmp_path / "moved.pdf").read_bytes() == pdf
    assert leftovers(tmp_path) == ["moved.pdf"]


def test_a_failed_download_leaves_the_file_it_would_replace(tmp_path, httpserver, pdf):
    target = tmp_path / "report.pdf"
    target.write_bytes(pdf)
    answers(httpserver, Response("oops", status=500))
    with pytest.raises(FetchFailed):
        client_for(httpserver).download(httpserver.url_for("/file"), str(target))
    assert target.read_bytes() == pdf and leftovers(tmp_path) == ["report.pdf"]


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer", "fetch", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True)


def test_bad_requests_exit_2_and_say_why(tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("name,link\nBlackpool,https://example.org/1\n")
    done = cli("--links", table, "--out", tmp_path / "out")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("error: table.csv has no `url` or `inspection_link` column (its "
                           "columns: name, link)\n")
    done = cli("--authority", "blackpool", "atlantis", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr == ("error: unknown authority: atlantis (keys are those of "
                           "/authorities)\n")
    assert cli("--links", tmp_path / "missing.csv", "--out", tmp_path / "out").returncode == 2
    assert not (tmp_path / "out").exists() or leftovers(tmp_path / "out") == []


def test_a_folder_with_another_kind_of_manifest_is_left_alone(tmp_path, corpus_dir):
    """A corpus folder's MANIFEST.csv (no `url` column) is not overwritten by a fetch."""
    folder = tmp_path / "jtai"
    folder.mkdir()
    theirs = (corpus_dir / "d2i-ofsted-jtai" / "MANIFEST.csv").read_bytes()
    (folder / "MANIFEST.csv").write_bytes(theirs)
    links = tmp_path / "links.csv"
    links.write_text("url\nhttp://127.0.0.1:9/v1/file/50270093\n")  # never asked
    done = cli("--links", links, "--out", folder)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (f"error: {folder}/MANIFEST.csv is not a fetch manifest (no url "
                           "column): choose another --out\n")
    assert (folder / "MANIFEST.csv").read_bytes() == theirs
    assert leftovers(folder) == [".fetch.lock", "MANIFEST.csv"]  # the (hidden) lock file


def test_a_second_fetch_into_the_same_folder_is_refused(tmp_path):
    """While one fetch holds the folder (its lock), another exits 2 and writes nothing."""
    import fcntl

    folder = tmp_path / "reports"
    folder.mkdir()
    links = tmp_path / "links.csv"
    links.write_text("url\nhttp://127.0.0.1:9/v1/file/1\n")  # never asked
    with open(folder / ".fetch.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        done = cli("--links", links, "--out", folder)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"error: another fetch is writing to {folder}\n"
    assert leftovers(folder) == [".fetch.lock"]
