"""axe-core (npm `axe-core`, pinned in package.json and installed by ./test.sh) run by
Playwright inside Debian's Chromium on every page a reader quotes from: results, report,
trends, authority, compare (and follow-ups, when the app has them), at desktop width and
at 390 px. Every rule of axe's WCAG 2.x A/AA tags and its best practices must pass."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from browsers import BROWSER_MARKS, SHOTS

pytestmark = BROWSER_MARKS
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def pages(server_url: str) -> dict[str, str]:
    """name -> path of each page checked (the report is the first hit's)."""
    import urllib.request
    with urllib.request.urlopen(server_url + "/api/search?q=drift&per_page=1") as answer:
        hit = json.load(answer)["hits"][0]
    found = {"results": "/search?q=drift", "report": f"/reports/{hit['report_id']}",
             "trends": "/trends?q=drift+delay&by=type",
             "authority": "/authorities/derbyshire",
             "compare": "/compare?q=management+oversight&authority=derbyshire&authority=durham"}
    with urllib.request.urlopen(server_url + "/api/openapi.json") as answer:
        if "/api/followups" in json.load(answer)["paths"]:  # issue 20: the page and its twin
            found["followups"] = "/followups?q=drift"
    return found


def violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run ./test.sh (npm ci) to install axe-core")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluate is not subject to the page's CSP
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           TAGS)
    return [{"id": v["id"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation(browser, server, width):
    found = {}
    for name, path in pages(server).items():
        context = browser.new_context(viewport=WIDTHS[width])
        page = context.new_page()
        response = page.goto(server + path)
        assert response and response.status == 200, (name, path)
        page.screenshot(path=str(SHOTS / f"axe-{name}-{width}.png"), full_page=True)
        problems = violations(page)
        if problems:
            found[name] = problems
        context.close()
    assert found == {}, json.dumps(found, indent=1)


CLIPPED = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.chart-svg')) {
    const box = svg.getBoundingClientRect();
    if (!box.width) continue;  // the layout for the other width, hidden by CSS
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.height < 11)
        out.push(`${text.textContent}: ${Math.round(r.left)}-${Math.round(r.right)} in `
                 + `${Math.round(box.left)}-${Math.round(box.right)}, ${r.height.toFixed(1)} px high`);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_labels_are_whole_and_readable(browser, server, width):
    """Every label of every chart shown is inside its picture and at least 11 px high."""
    found = {}
    for name in ("trends", "authority", "compare"):
        context = browser.new_context(viewport=WIDTHS[width])
        page = context.new_page()
        page.goto(server + pages(server)[name])
        assert page.locator("svg.chart-svg").count() > 0, name
        clipped = page.evaluate(CLIPPED)
        if clipped:
            found[name] = clipped
        context.close()
    assert found == {}
