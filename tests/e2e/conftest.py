"""Browser tests: Playwright's sync API drives Debian's Chromium against the live server.

Playwright cannot download browsers here, so the system Chromium is used; without it the tests are
skipped, except in CI, where they fail.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import require

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise refuse
# the ORM calls the tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def page_opener(browser, base_url):
    """``open_page()`` opens a page in a fresh browser context (one per user: separate cookies)
    on the server at ``base_url``; every context is closed at the end."""
    contexts = []

    def open_page(*, width=1280, height=900, locale="en-GB"):
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": height},
            locale=locale,
        )
        context.set_default_timeout(int(os.environ.get("E2E_TIMEOUT_MS", "10000")))
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser contexts on the live server (see ``page_opener``)."""
    with page_opener(browser, live_server.url) as open_page:
        yield open_page


@pytest.fixture
def page(new_page):
    return new_page()
