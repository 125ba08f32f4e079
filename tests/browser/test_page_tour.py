"""Every page of the site on the demo data, in the browser: it loads and passes the accessibility
smoke check. With SCREENSHOTS_DIR set, the main pages are saved there at 1280 px wide (that is how
docs/screenshots/ is made: `SCREENSHOTS_DIR=docs/screenshots pytest tests/browser -k tour`)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import PASSWORD, replace_demo_screenshots, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC = [
    ("/", "home"),
    ("/packages/", "search"),
    ("/packages/?q=wolves&type=MOD", None),
    ("/packages/sofia/farming_plus/", "package"),
    ("/packages/sofia/voxel_valley/", None),
    ("/modules/lunar/tinyjson", "module"),
    ("/modules/lunar/tinyjson/1.0-1", None),
    ("/users/rubens/", "user"),
    ("/tags/", None),
    ("/licenses/", None),
    ("/accounts/login/", None),
    ("/accounts/signup/", None),
    ("/accounts/password/reset/", None),
    ("/no/such/page/", None),
]
AUTHOR = [
    ("/settings/profile/", None),
    ("/settings/api-keys/", None),
    ("/settings/tokens/", None),
    ("/settings/delete/", None),
    ("/settings/two-factor/", None),
    ("/accounts/password/change/", None),
    ("/upload/", None),
    ("/packages/new/", None),
    ("/packages/sofia/farming_plus/edit/", "edit-package"),
    ("/packages/sofia/farming_plus/releases/new/", "new-release"),
    ("/packages/sofia/farming_plus/screenshots/", None),
]


LOAD_ALL_IMAGES = """
() => Promise.all(Array.from(document.images).map((img) => {
  img.loading = "eager";
  return img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; });
}))
"""


def save(page, name: str | None) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder and name:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.evaluate(LOAD_ALL_IMAGES)  # lazy images below the fold would be blank otherwise
        # JPEG keeps each full-page picture well under 300 KB
        page.screenshot(
            path=str(Path(folder) / f"{name}.jpg"), full_page=True, type="jpeg", quality=82
        )


def test_tour_of_every_page_on_demo_data(page, live_server, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"  # what a fresh `make run` shows
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    replace_demo_screenshots()
    sofia = User.objects.get(username="sofia")
    sofia.set_password(PASSWORD)
    sofia.save()

    for path, name in PUBLIC:
        response = visit(page, live_server.url + path)
        assert response.status == (404 if path.startswith("/no/") else 200), path
        save(page, name)

    visit(page, f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("Sofia")  # usernames are case-insensitive
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    for path, name in AUTHOR:
        response = visit(page, live_server.url + path)
        assert response.status == 200, path
        save(page, name)

    visit(page, f"{live_server.url}/settings/two-factor/")
    page.get_by_role("button", name="Set up an authenticator app").click()
    page.locator("#otpauth-uri").wait_for()  # the QR code, the key and the confirm form
    assert_accessible(page)

    visit(page, f"{live_server.url}/settings/api-keys/")
    page.get_by_label("Comment").fill("build server")
    page.get_by_role("button", name="Create key").click()
    page.locator("#new-secret").wait_for()
    save(page, "api-keys")
