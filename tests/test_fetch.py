"""`python -m indexer fetch` against a local HTTP server (pytest-httpserver), never the
internet: real corpus PDFs as bodies, saved listing pages (tests/data/ofsted/) with their
Ofsted links pointed at the local server, and the failures a real site gives (429 with
Retry-After, 500s, slow answers, truncated bodies, HTML error pages, other hosts)."""
from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "data" / "ofsted"
JTAI = "d2i-ofsted-jtai/inspection_reports"
BLACKPOOL_JTAI = f"{JTAI}/80431_blackpool/joint area child protection inspection - 31 january 2025.pdf"
BRISTOL_JTAI = f"{JTAI}/80441_bristol/joint area child protection inspection - 01 december 2017.pdf"
YORK_JTAI = f"{JTAI}/80453_york/joint area child protection inspection - 09 november 2018.pdf"
BLACKPOOL_ILACS = "jt39-ofsted-ilacs/inspection_reports/80431_blackpool/children's services inspection - 01 february 2023.pdf"
BIRMINGHAM_ILACS = "jt39-ofsted-ilacs/inspection_reports/80429_birmingham/children's services inspection - 17 january 2019.pdf"
BIRMINGHAM_VISIT = "d2i-ofsted-focused-visits/inspection_reports/80429_birmingham/children's services focused visit - 24 october 2024.pdf"
BODIES = {"50270093": BLACKPOOL_JTAI, "50206631": BLACKPOOL_ILACS, "50262000": BIRMINGHAM_VISIT,
          "50050254": BIRMINGHAM_ILACS}  # the listing pages' file ids: corpus PDFs


def fetch(*args, cwd=ROOT) -> tuple[int, dict]:
    """The real command line, with --json; (exit code, summary)."""
    done = subprocess.run([sys.executable, "-m", "indexer", "fetch", *map(str, args), "--json"],
                          cwd=cwd, capture_output=True, text=True)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, (json.loads(done.stdout) if done.stdout else {"stderr": done.stderr})


def host(server: HTTPServer) -> str:
    return f"{server.host}:{server.port}"


def manifest(folder: Path) -> list[dict]:
    with (folder / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def serve_pdf(server: HTTPServer, path: str, data: bytes) -> str:
    server.expect_request(path).respond_with_data(data, content_type="application/pdf")
    return server.url_for(path)


def test_links_csv_is_fetched_verified_recorded_and_not_fetched_again(tmp_path, corpus_dir,
                                                                       httpserver):
    blackpool, bristol = (corpus_dir / BLACKPOOL_JTAI).read_bytes(), (corpus_dir / BRISTOL_JTAI).read_bytes()
    first = serve_pdf(httpserver, "/v1/file/50270093", blackpool)
    second = serve_pdf(httpserver, "/v1/file/50031411", bristol)
    links = tmp_path / "links.csv"
    links.write_text(
        "urn,local_authority,inspection_link,pdf_filename,publication_date,inspector_name\n"
        f"80431,blackpool,{first},joint area child protection inspection - 31 january 2025.pdf,"
        "31/01/25,Jane Doe\n"
        f"80441,bristol,{second},,01/12/17,\n", encoding="utf-8")
    out = tmp_path / "reports"
    code, summary = fetch("--links", links, "--out", out, "--allow-host", host(httpserver),
                          "--rate", 50)
    assert (code, summary["exit_code"], summary["failed"], summary["held"]) == (0, 0, [], 0)
    saved = out / "80431_blackpool" / "joint area child protection inspection - 31 january 2025.pdf"
    assert saved.read_bytes() == blackpool
    assert (out / "80441_bristol" / "50031411.pdf").read_bytes() == bristol
    rows = manifest(out)
    assert list(rows[0]) == ["file", "url", "sha256", "bytes", "authority", "la_urn", "type",
                             "publication_date", "fetched_at", "inspector_name",
                             "local_authority", "pdf_filename", "urn"]
    assert [(r["file"], r["url"], r["sha256"], r["bytes"], r["authority"], r["la_urn"],
             r["publication_date"], r["inspector_name"]) for r in rows] == [
        (f"80431_blackpool/{saved.name}", first, sha(blackpool), str(len(blackpool)),
         "blackpool", "80431", "2025-01-31", "Jane Doe"),
        ("80441_bristol/50031411.pdf", second, sha(bristol), str(len(bristol)), "bristol",
         "80441", "2017-12-01", "")]
    assert all(r["fetched_at"].endswith("+00:00") for r in rows)
    requests_before = len(httpserver.log)
    code, again = fetch("--links", links, "--out", out, "--allow-host", host(httpserver))
    assert (code, again["held"], again["fetched"], len(httpserver.log)) == (0, 2, [], requests_before)
    saved.write_bytes(blackpool[:-10])  # damaged on disk: its sha256 no longer matches
    code, repaired = fetch("--links", links, "--out", out, "--allow-host", host(httpserver))
    assert (code, repaired["held"], [f["url"] for f in repaired["fetched"]]) == (0, 1, [first])
    assert saved.read_bytes() == blackpool and manifest(out) == [
        {**rows[0], "fetched_at": manifest(out)[0]["fetched_at"]}, rows[1]]


def test_every_request_names_the_project_and_keeps_the_rate(tmp_path, corpus_dir, httpserver):
    """Five files at --rate 4: the server sees our User-Agent on each request, and the
    requests spread over at least a second (four gaps of a quarter second, less the
    scheduling jitter of a busy machine); none come in a burst."""
    body = (corpus_dir / YORK_JTAI).read_bytes()
    seen = []

    def answer(request):
        seen.append((time_now(), request.headers.get("User-Agent")))
        return Response(body, content_type="application/pdf")

    httpserver.expect_request("/file").respond_with_handler(answer)
    links = tmp_path / "links.csv"
    links.write_text("url\n" + "".join(f"{httpserver.url_for('/file')}?n={n}\n" for n in range(5)))
    code, summary = fetch("--links", links, "--out", tmp_path / "out", "--allow-host",
                          host(httpserver), "--rate", 4)
    assert (code, len(summary["fetched"]), len(seen)) == (0, 5, 5)
    assert all(agent.startswith("ofsted-search/") for _, agent in seen)
    gaps = [b - a for (a, _), (b, _) in zip(seen, seen[1:])]
    assert sum(gaps) >= 0.95 and min(gaps) >= 0.15


def time_now() -> float:
    import time

    return time.monotonic()


def pages_for(server: HTTPServer, other: HTTPServer | None = None) -> dict[str, str]:
    """The saved listing pages with Ofsted's hosts pointed at the local server (and the
    page's foreign mirror at `other`)."""
    base = server.url_for("").rstrip("/")
    found = {}
    for page in PAGES.glob("*.html"):
        text = page.read_text(encoding="utf-8").replace("https://files.ofsted.gov.uk", base)
        text = text.replace("https://reports.ofsted.gov.uk", base)
        if other is not None:
            text = text.replace("https://mirror.example.org", other.url_for("").rstrip("/"))
        found[page.stem] = text
    return found


def serve_listing(server: HTTPServer, corpus_dir: Path, other: HTTPServer | None = None):
    pages = pages_for(server, other)
    html = "text/html; charset=utf-8"
    for start in (0, 100):
        server.expect_request("/search", query_string={
            "q": "", "location": "", "lat": "", "lon": "", "radius": "", "level_1_types": "3",
            "level_2_types[]": "12", "start": str(start), "rows": "100"}).respond_with_data(
            pages[f"search-start-{start}"], content_type=html)
    for urn in ("80431", "80429"):
        server.expect_request(f"/provider/44/{urn}").respond_with_data(
            pages[f"provider-{urn}"], content_type=html)
    for file_id, path in BODIES.items():
        serve_pdf(server, f"/v1/file/{file_id}", (corpus_dir / path).read_bytes())
    server.expect_request(re.compile(r"/provider/44/\d+")).respond_with_data(
        pages["provider-80486-no-reports"], content_type=html)  # the others: no reports


def test_an_authoritys_provider_page_gives_its_reports_named_as_the_corpus(tmp_path, corpus_dir,
                                                                         httpserver):
    serve_listing(httpserver, corpus_dir)
    out = tmp_path / "reports"
    code, summary = fetch("--authority", "blackpool", "--out", out, "--rate", 50,
                          "--base-url", httpserver.url_for("").rstrip("/"))
    assert (code, summary["failed"]) == (0, [])
    rows = {r["file"]: r for r in manifest(out)}
    assert sorted(rows) == [
        "80431_blackpool/children's services inspection - 01 february 2023.pdf",
        "80431_blackpool/joint area child protection inspection - 31 january 2025.pdf"]
    jtai = rows["80431_blackpool/joint area child protection inspection - 31 january 2025.pdf"]
    assert (jtai["authority"], jtai["la_urn"], jtai["type"], jtai["publication_date"]) == (
        "Blackpool", "80431", "Joint area child protection inspection", "2025-01-31")
    assert jtai["url"] == httpserver.url_for("/v1/file/50270093")
    assert (out / jtai["file"]).read_bytes() == (corpus_dir / BLACKPOOL_JTAI).read_bytes()
    assert [r.path for r, _ in httpserver.log][0] == "/provider/44/80431"


def test_all_authorities_page_by_page_and_only_the_given_host_is_asked(tmp_path, corpus_dir,
                                                                      httpserver):
    """--all reads both search pages (100 + 53 authorities) and every provider page; a
    report on another host (Birmingham's 2012 link to a mirror) is refused without a single
    request reaching that host, and the same link listed twice is fetched once. The 2019
    report's listing reads "Children's services inspection,  PDF - 17 January 2019" (two
    spaces, as some of Ofsted's older entries do)."""
    with HTTPServer() as other:
        other.expect_request("/v1/file/50004190").respond_with_data(b"%PDF-1.4 not for us")
        serve_listing(httpserver, corpus_dir, other)
        out = tmp_path / "reports"
        code, summary = fetch("--all", "--out", out, "--rate", 200,
                              "--base-url", httpserver.url_for("").rstrip("/"))
        assert other.log == []
    assert code == 1
    searched = [r.args["start"] for r, _ in httpserver.log if r.path == "/search"]
    providers = {r.path for r, _ in httpserver.log if r.path.startswith("/provider/44/")}
    assert (searched, len(providers)) == (["0", "100"], 153)
    assert sorted(f["file"] for f in summary["fetched"]) == [
        "80429_birmingham/children's services focused visit - 24 october 2024.pdf",
        "80429_birmingham/children's services inspection - 17 january 2019.pdf",
        "80431_blackpool/children's services inspection - 01 february 2023.pdf",
        "80431_blackpool/joint area child protection inspection - 31 january 2025.pdf"]
    for row in manifest(out):  # each file is the corpus PDF its link was given
        assert (out / row["file"]).read_bytes() == (
            corpus_dir / BODIES[row["url"].rsplit("/", 1)[1]]).read_bytes()
    assert summary["failed"] == [{
        "url": other.url_for("/v1/file/50004190"),
        "reason": f"refused: {host(other)} is not an allowed host (--allow-host adds one)"}]
