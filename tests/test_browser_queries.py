"""Browser tests for what a query means on the page (issue 10): the year range as two
inputs used without JavaScript, chips for filters typed in the query, the notices of an
authority read from the words and of most-words mode, and a report page reached from a
corrected search. Debian's Chromium through Playwright, the seed index, a real server."""
from __future__ import annotations

import re

import pytest

from browsers import BROWSER_MARKS, SHOTS
from test_browser import count_text

pytestmark = BROWSER_MARKS


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=request.param)
    yield context.new_page()
    context.close()


def test_a_year_range_from_two_inputs(page, server):
    page.goto(server + "/search?q=plans")
    everything = count_text(page)
    page.fill("#year_from", "2013")
    page.fill("#year_to", "2016")
    page.locator(".year-range button").click()
    page.wait_for_url(re.compile(r"year_from=2013&year_to=2016"))
    assert "q=plans" in page.url and count_text(page) != everything
    chip = page.locator("a.chip", has_text="Years: 2013–2016")
    assert chip.count() == 1
    page.screenshot(path=str(SHOTS / "year-range.png"))
    chip.click()
    page.wait_for_url(re.compile(r"/search\?q=plans$"))
    assert count_text(page) == everything


def test_a_filter_typed_in_the_query_is_a_chip_that_edits_the_query(page, server):
    page.goto(server + "/search?q=plans+section%3Afindings")
    page.locator("a.chip", has_text="Section: Findings").click()
    page.wait_for_url(re.compile(r"/search\?q=plans$"))
    assert page.input_value("#q") == "plans"


def test_notices_say_how_the_words_were_read(page, server):
    page.goto(server + "/search?q=Derbyshire+systemic+practice+model")
    assert "Searched Derbyshire’s reports" in page.locator(".authority-in-query").inner_text()
    page.locator(".authority-in-query a").click()
    page.wait_for_url(re.compile(r"q=%22Derbyshire%22"))
    assert page.locator(".authority-in-query").count() == 0
    page.goto(server + "/search?q=police+sergeants+seconded+as+multi-agency+team+managers")
    assert page.locator(".most-words").inner_text() == (
        "No passage has all your words; these have most of them.")


def test_a_corrected_search_opens_reports_with_the_correction_marked(page, server):
    page.goto(server + "/search?q=safegaurding")
    assert page.locator(".suggestion").count() == 0  # one message for one correction
    page.locator("ol.hits a").first.click()
    page.wait_for_url(re.compile(r"/reports/.*q=safegaurding"))
    assert page.locator("mark").count() > 0
    assert "Also marked: safeguarding." in page.locator(".match-summary").inner_text()
