"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Never `playwright install` (it downloads a browser): the system Chromium at /usr/bin/chromium is
launched instead, and the tests are skipped with a clear reason when it is missing.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls made
# from the test (fixtures, call_command) while it runs. The live server thread is unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install chromium")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def site(live_server, settings):
    """The live server's URL, also used as SITE_URL so install commands point at it."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture(autouse=True)
def _short_timeouts(request):
    """Fail in seconds, not the default 30 s, when a page does not show what a test waits for."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(10_000)
