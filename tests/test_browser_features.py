"""Browser tests of the pages beyond search (trends, authorities, compare, citations,
feeds, API docs): Debian's Chromium driven by Playwright against a real server over the
seed index, at desktop and 390 px phone width, by keyboard, with and without JavaScript.
Screenshots go to docs/screenshots/."""
from __future__ import annotations

import re


from browsers import BROWSER_MARKS, SHOTS

pytestmark = BROWSER_MARKS
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def open_page(browser, **options):
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | options))
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text
            and page.csp_errors.append(m.text))
    return context, page


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_results_link_to_the_trend_by_keyboard(browser, server):
    context, page = open_page(browser)
    page.goto(server + "/search?q=drift")
    tab_to(page, "a.trend-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/trends\?q=drift$"))
    assert page.locator("svg.chart-wide rect").count() == 5
    assert page.locator("svg.chart-wide").is_visible() and not page.locator(
        "svg.chart-narrow").is_visible()
    assert page.locator("#coverage").inner_text().startswith("The index holds 5 reports")
    page.screenshot(path=str(SHOTS / "trends.png"), full_page=True)
    assert page.csp_errors == []
    context.close()


def test_trends_on_a_phone_without_javascript(browser, server):
    context, page = open_page(browser, java_script_enabled=False, **PHONE)
    page.goto(server + "/trends?q=drift&by=type")
    assert page.locator("svg.chart-narrow").count() == 4
    assert no_overflow(page)
    assert not page.locator("svg.chart-wide").first.is_visible()
    narrow = page.locator("svg.chart-narrow").first
    box = narrow.bounding_box()
    assert box and box["width"] <= 390
    # drawn at its own size: 12-unit labels stay about 12 px, none cut off at the left
    labels = narrow.locator("text")
    sizes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert all(b and b["x"] >= box["x"] - 0.5 and b["height"] >= 11 for b in sizes)
    assert "100%" in [labels.nth(i).text_content() for i in range(labels.count())]
    page.screenshot(path=str(SHOTS / "trends-phone.png"), full_page=True)
    context.close()


def test_copy_citation_by_keyboard(browser, server):
    context, page = open_page(browser, permissions=["clipboard-read", "clipboard-write"])
    drift = "p-5e0981f645"
    page.goto(server + f"/reports/derbyshire-focused-visit-2018-02-27#{drift}")
    page.locator(f"#{drift} .cite summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Copy citation"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.textContent === 'Citation copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Ofsted (2018) Focused visit to Derbyshire County Council")
    assert f"/reports/derbyshire-focused-visit-2018-02-27#{drift} (Accessed: " in copied
    page.screenshot(path=str(SHOTS / "citation.png"))
    assert page.csp_errors == []
    context.close()


def test_citation_readable_without_javascript_on_a_phone(browser, server):
    context, page = open_page(browser, java_script_enabled=False, **PHONE)
    drift = "p-5e0981f645"
    page.goto(server + f"/reports/derbyshire-focused-visit-2018-02-27#{drift}")
    page.locator(f"#{drift} .cite summary").click()
    assert page.locator(f"#cite-{drift}").is_visible()
    assert not page.locator(f"#{drift} .copy-citation").is_visible()
    assert no_overflow(page)
    page.screenshot(path=str(SHOTS / "citation-phone.png"))
    context.close()


def test_subscribe_link_by_keyboard_on_a_phone(browser, server):
    context, page = open_page(browser, **PHONE)
    page.goto(server + "/search?q=drift")
    assert page.locator('link[rel=alternate][type="application/atom+xml"]').get_attribute(
        "href") == "/search.atom?q=drift"
    tab_to(page, "a.feed-link")
    assert page.locator("a.feed-link").is_visible() and no_overflow(page)
    page.screenshot(path=str(SHOTS / "subscribe-phone.png"))
    response = page.request.get(server + "/search.atom?q=drift")
    assert response.headers["content-type"].startswith("application/atom+xml")
    context.close()


def test_authority_page_by_keyboard(browser, server):
    context, page = open_page(browser)
    page.goto(server + "/authorities")
    tab_to(page, 'a[href="/authorities/derbyshire"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/authorities/derbyshire$"))
    assert page.locator("h1").inner_text() == "Derbyshire"
    assert page.locator(".timeline-item").count() == 3
    assert page.locator(".later").count() >= 1
    page.screenshot(path=str(SHOTS / "authority.png"))
    assert page.csp_errors == []
    context.close()


def test_authority_page_on_a_phone_without_javascript(browser, server):
    context, page = open_page(browser, java_script_enabled=False, **PHONE)
    page.goto(server + "/authorities/derbyshire")
    assert no_overflow(page)
    page.locator(".later li").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "authority-phone.png"))
    page.goto(server + "/authorities")
    assert no_overflow(page)
    context.close()


def test_follow_up_badges_and_open_recommendations(browser, server):
    context, page = open_page(browser)
    page.goto(server + "/authorities/derbyshire")
    assert page.locator("#open").inner_text() == "Open recommendations"
    assert page.locator(".open-recommendation").count() >= 1
    badge = page.locator(".follow-up .badge").first
    assert badge.inner_text() in ("Improved", "Still a concern", "Mixed")
    assert page.locator(".follow-up mark").count() >= 1  # the sentence that says so
    page.locator(".follow-up").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "authority-follow-ups.png"))
    assert page.csp_errors == []
    context.close()


def test_tracker_by_keyboard_and_on_a_phone(browser, server):
    context, page = open_page(browser)
    page.goto(server + "/followups?q=assessment")
    assert page.locator("h1").inner_text() == "What became of the recommendations"
    assert page.locator("#summary").inner_text().startswith("Of 12 recommendations")
    assert page.locator(".tracked").count() == 12
    tab_to(page, 'a[href^="/followups.csv"]')
    page.screenshot(path=str(SHOTS / "followups.png"), full_page=True)
    assert page.csp_errors == []
    context.close()
    context, page = open_page(browser, java_script_enabled=False, **PHONE)
    page.goto(server + "/followups?q=assessment")
    assert no_overflow(page)
    page.screenshot(path=str(SHOTS / "followups-phone.png"))
    context.close()


def test_compare_two_authorities_by_keyboard(browser, server):
    context, page = open_page(browser)
    page.goto(server + "/compare")
    page.locator("#q").fill("management oversight")
    page.locator("#side-0").select_option("derbyshire")
    page.locator("#side-1").select_option("durham")
    tab_to(page, "button.button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/compare\?q=management"))
    assert page.locator(".compare-side").count() == 2
    assert page.locator(".compare-side svg.chart-svg").count() == 2
    page.screenshot(path=str(SHOTS / "compare.png"), full_page=True)
    context.close()


def test_compare_on_a_phone_without_javascript(browser, server):
    context, page = open_page(browser, java_script_enabled=False, **PHONE)
    page.goto(server + "/compare?q=management&authority=derbyshire&authority=durham")
    assert page.locator(".compare-side").count() == 2
    assert no_overflow(page)
    page.screenshot(path=str(SHOTS / "compare-phone.png"), full_page=True)
    context.close()


def test_api_page_from_the_header_by_keyboard_and_on_a_phone(browser, server):
    context, page = open_page(browser)
    page.goto(server + "/")
    tab_to(page, 'a[href="/api"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/api$"))
    assert page.locator("section.endpoint").count() == 15  # with /api/followups and its CSV
    page.screenshot(path=str(SHOTS / "api.png"))
    context.close()
    context, page = open_page(browser, java_script_enabled=False, **PHONE)
    page.goto(server + "/api")
    assert no_overflow(page)
    page.screenshot(path=str(SHOTS / "api-phone.png"))
    context.close()


# Where each item of a `.hit-meta` line starts its own text, beside the line's left edge:
# an item that wrapped onto a new line must start at that edge (no "·" before it).
_WRAPPED_STARTS = """() => [...document.querySelectorAll('.hit-meta')].flatMap(meta => {
  const left = meta.getBoundingClientRect().left;
  return [...meta.children].slice(1).filter(item => item.offsetLeft <= meta.offsetLeft + 1)
    .map(item => { const range = document.createRange(); range.selectNodeContents(item);
                   return range.getClientRects()[0].left - left; });
})"""


def test_the_authority_page_at_phone_width_starts_no_line_with_a_separator(browser, server):
    """At 390 px the time line's "Inspected … · Published … · Overall …" wraps; a wrapped
    item starts at the line's edge, its separator clipped (it once read "·  Published")."""
    context, page = open_page(browser, **PHONE)
    page.goto(server + "/authorities/derbyshire")
    starts = page.evaluate(_WRAPPED_STARTS)
    assert starts and all(abs(x) < 2 for x in starts), starts
    assert page.locator("svg.chart-narrow circle.ungraded").count() == 2
    assert page.locator("svg.chart-narrow line.grade-line").count() == 0
    page.evaluate("document.querySelector('#inspection-2').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "authority-timeline-phone.png"))
    context.close()


# The geometry of a permalink's passage and its section's heading, in the viewport.
_TARGET_GEOMETRY = """() => {
  const passage = document.getElementById(location.hash.slice(1));
  const section = passage.closest('.report-section');
  return {heading: section.querySelector('h2').getBoundingClientRect().top,
          passageTop: passage.getBoundingClientRect().top,
          passageBottom: passage.getBoundingClientRect().bottom,
          height: window.innerHeight,
          first: section.querySelector('.passage') === passage};
}"""


def test_a_permalink_shows_the_passage_under_its_section_heading(browser, server):
    """Opened by its link, a passage that is not its section's first shows with the
    section's heading above it, both whole on the screen (the heading was once cut off)."""
    context, page = open_page(browser, viewport={"width": 1280, "height": 800})
    hit = page.request.get(server + '/api/search?q="drift and delay"').json()["hits"][0]
    page.goto(server + hit["passages"][0]["url"])
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    at = page.evaluate(_TARGET_GEOMETRY)
    assert not at["first"], at  # the heading is not simply the passage's neighbour
    assert 0 <= at["heading"] < at["passageTop"] < at["passageBottom"] <= at["height"], at
    page.screenshot(path=str(SHOTS / "permalink-with-heading.png"))
    context.close()
