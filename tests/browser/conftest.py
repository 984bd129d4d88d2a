"""A live server and a real Chromium for the respondent survey's browser tests.

The server runs the app built by ``tests.conftest.make_test_app`` on its own
migrated SQLite file (not the rolled-back ``app`` fixture: the browser talks
to another thread, which must see committed data), with CSRF protection on,
as in production. Chromium is Debian's ``/usr/bin/chromium``; no browser is
downloaded. Without it the tests skip with the reason, except when
``CI=true``, where they fail.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import IN_CI, make_test_app, migrate_to_head

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
#: axe-core rule tags for WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def capture(page: Any, path: Path) -> None:
    """A full-page screenshot of ``page`` once its document has loaded.

    A click that submits a form returns once the next page has started
    loading; a screenshot taken before it has loaded fails now and then
    ("Unable to capture screenshot", seen in CI on a busy machine); once
    loaded, that error gets one more try.
    """
    from playwright.sync_api import Error

    page.wait_for_load_state("load")
    try:
        page.screenshot(path=str(path), full_page=True)
    except Error as error:  # a picture for people to look at, not what the test asserts
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(250)
        page.screenshot(path=str(path), full_page=True)


@dataclass
class LiveServer:
    app: Flask
    url: str


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed: browser tests need Debian's chromium"
        if IN_CI:
            pytest.fail(message + " (CI=true: browser tests must run)")
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("browser") / "live.sqlite3"
    app = make_test_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True)
    migrate_to_head(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
