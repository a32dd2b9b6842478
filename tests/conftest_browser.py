"""What every browser test shares: Debian's Chromium (never a downloaded browser), driven by
Playwright, against the app served from a thread on 127.0.0.1 over the seed index; the
`browser` marks, the screenshot folder and the module-scoped `server` and `browser` fixtures.
A test module imports the fixtures it uses from here, as the web tests do from conftest_webui."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from conftest_webui import seed_index  # noqa: F401
from webui import create_app

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian Chromium is not installed (apt-get install -y chromium)"),
]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


class Server:
    """The app on 127.0.0.1 and a free port, served from a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(seed_index):  # noqa: F811 - the fixture imported above
    running = Server(create_app({"OFSTED_INDEX": seed_index}))
    yield running.url
    running.stop()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()
