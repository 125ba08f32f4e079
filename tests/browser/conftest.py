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


@pytest.fixture(scope="session")
def playwright(playwright):
    """Once Playwright's sync API has started, its event loop counts as running in the main thread
    for the rest of the session, and Django refuses ORM calls from tests and fixtures (even the
    database flush between tests). Allow them exactly while Playwright is alive, so the variable
    never reaches tests, or processes they start, that run before it."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield playwright
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _short_timeouts(request):
    """Fail in seconds, not the default 30 s, when a page does not show what a test waits for."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(10_000)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests end with a flush; some runs reach a browser test with the licenses, tags
    and Luanti versions of the data migration gone. Load them again when they are missing."""
    if "live_server" not in request.fixturenames and "site" not in request.fixturenames:
        return
    import importlib

    from django.apps import apps

    from packages.models import License

    request.getfixturevalue("django_db_blocker")
    if not License.objects.exists():
        importlib.import_module("packages.migrations.0002_reference_data").load(apps, None)
