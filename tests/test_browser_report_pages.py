"""A giant report in a real browser (Debian's Chromium through Playwright, a real server):
a permalink to a passage deep in the report (?passage=<id>#<id>) opens its page scrolled to
the passage, and the page's Next link leads on. The report is generated (several thousand
paragraphs after a seed's text) and built by our build into a temporary index."""
from __future__ import annotations

import pytest

from indexer.index.build import build
from indexer.search.links import PAGE_PASSAGES
from indexer.search.service import SearchIndex
from browsers import BROWSER_MARKS, SHOTS, Server
from webui import create_app

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def giant(tmp_path_factory, seeds_dir):
    """(server URL, report id, passage ids in order)."""
    folder = tmp_path_factory.mktemp("giant_browser_src")
    text = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    extra = "\n\n".join(f"Visit {n}: the social worker saw the family at home."
                        for n in range(3 * PAGE_PASSAGES))
    (folder / "giant.txt").write_text(text + "\n\n" + extra + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("giant_browser_idx")
    build([str(folder)], str(index_dir), workers=1)
    index = SearchIndex(index_dir)
    report = index.report(index.reports()[0]["report_id"])
    running = Server(create_app({"OFSTED_INDEX": str(index_dir)}))
    yield running.url, report.report_id, [p.passage_id for _, p in report.passages()]
    running.stop()


def test_a_deep_permalink_opens_its_page_at_the_passage(browser, giant):
    url, report_id, ids = giant
    deep = ids[2 * PAGE_PASSAGES + 40]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/reports/{report_id}?passage={deep}#{deep}")
    passage = page.locator(f"[id='{deep}']")
    assert passage.is_visible() and passage.bounding_box()["y"] < 900  # scrolled to it
    assert page.evaluate("window.scrollY") > 1000
    assert "Page 3 of" in page.locator("nav.report-pages").first.inner_text()
    page.screenshot(path=str(SHOTS / "report-deep-passage.png"))
    page.locator("nav.report-pages a[rel=next]").first.click()
    assert "Page 4 of" in page.locator("nav.report-pages").first.inner_text()
    assert page.locator(f"[id='{ids[3 * PAGE_PASSAGES]}']").count() == 1
    page.close()
