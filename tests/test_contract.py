"""The OpenAPI document and the server agree (issue 23): a bounded schemathesis run, every
check on, against the real app on the real seed index, through its WSGI entry, one test
per documented endpoint. A disagreement (a response the document does not allow, a 5xx,
a 405 without Allow) fails the test with the failing request. A value the document allows
may still be refused for a reason no schema can state (a query the parser cannot read or
that costs too much, a page beyond the last of this index's results, a year range the
wrong way round): such a 400 must give one of those reasons, any other 400 fails.
(schemathesis's own pytest plugin does not run under this pytest, so each operation's
strategy is driven by Hypothesis here.)"""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from schemathesis.specs.openapi.checks import positive_data_acceptance

from webui import create_app
from webui.api_docs import ENDPOINTS

EXAMPLES = 25  # per endpoint: about 300 requests in all
REASONS = re.compile(r"the query |wildcard|is beyond the last page|is after year_to|runs backwards|no report "
                     r"|no passage |at most \d+ (values|sides|authorities)|no authority .* in the index"
                     r"|is not a boost|is not a field|gives no value|is not a year|stands for every word")


@pytest.fixture(scope="module")
def api_schema(seed_index):
    app = create_app({"OFSTED_INDEX": str(seed_index)})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def _openapi_path(path: str) -> str:
    """/api/reports/<report_id> (Flask) -> /api/reports/{report_id} (OpenAPI)."""
    return path.replace("<", "{").replace(">", "}")


@pytest.mark.parametrize("path", [e.path for e in ENDPOINTS])
def test_the_api_keeps_its_contract(api_schema, path):
    operation = api_schema[_openapi_path(path)]["GET"]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.generate))  # bounded: no shrinking
    @given(case=operation.as_strategy())
    def keeps(case):
        response = case.call()
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
        if response.status_code == 400:
            try:
                message = response.json()["error"]
            except ValueError:  # an export or a feed: the message is the page's text
                message = response.text
            assert REASONS.search(message), (case.as_curl_command(), message[:300])

    keeps()
