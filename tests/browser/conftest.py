"""Playwright in Debian's headless Chromium (Playwright's own browser download cannot work here).

Every journey's page is watched (tests/browser/strict.py): a console error, a CSP violation, untranslated text in
a zh page or a page slower than the budget fails the journey at its end."""

import os
import shutil

import pytest

from tests.browser.strict import Watch

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def watch(live_server) -> Watch:
    from core.demo import USERS

    # Login names are names: the demo's (staff, approver…) and the suite's (t_township…) are shown as they are.
    return Watch(base_url=live_server.url, allowed={row[0] for row in USERS})


@pytest.fixture
def page(browser, watch):
    context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    watch.attach(page)
    yield page
    context.close()
    watch.assert_clean()
