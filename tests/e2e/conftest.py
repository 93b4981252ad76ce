"""Browser fixtures: Debian's headless Chromium driven by Playwright against live_server.

Never downloads a browser. A failing test leaves a screenshot in test-artifacts/.
"""

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                # A sandboxed frame gets its own renderer process, and headless
                # Chromium then routed a click made right after Playwright scrolled
                # the page by the frame's stale hit-test area: the alert screen's
                # "Send" button, just under its sandboxed preview, got no click in 8
                # of 8 runs (a person's scroll updates that area before they click).
                # In one process the page hit-tests itself; the sandbox's rules
                # (no script, links to new tabs) are the same.
                "--disable-features=IsolateSandboxedIframes",
            ],
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash.setdefault(_FAILED, False)
        if report.failed:
            item.stash[_FAILED] = True
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(chromium, request):
    """A fresh browser page (phone-sized); screenshot saved if the test fails."""
    context = chromium.new_context(viewport={"width": 412, "height": 915})
    browser_page = context.new_page()
    browser_page.set_default_timeout(15_000)
    yield browser_page
    if request.node.stash.get(_FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        browser_page.screenshot(
            path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True
        )
    context.close()


@pytest.fixture
def open_page(chromium, request):
    """Opens further pages, each in a browser context of its own (a desktop admin, a
    second person); every one is screenshotted if the test fails."""
    opened = []

    def open_page(*, width: int = 1280, height: int = 900):
        context = chromium.new_context(viewport={"width": width, "height": height})
        browser_page = context.new_page()
        browser_page.set_default_timeout(15_000)
        opened.append(browser_page)
        return browser_page

    yield open_page
    for index, browser_page in enumerate(opened):
        if request.node.stash.get(_FAILED, False):
            ARTIFACTS.mkdir(exist_ok=True)
            browser_page.screenshot(
                path=str(ARTIFACTS / f"{request.node.name}-{index}.png"),
                full_page=True,
            )
        browser_page.context.close()
