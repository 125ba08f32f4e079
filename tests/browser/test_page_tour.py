"""Every page of the site on the demo data, in the browser, logged out, as an author and as a
moderator, on a desktop (1280 px) and a phone (390 px): it loads, passes the accessibility smoke
check and axe-core with no serious or critical violation, and on the phone nothing scrolls
sideways (tables scroll inside their own box). The phone pass runs in dark mode, so axe checks
the dark colours' contrast too.

With SCREENSHOTS_DIR set, the main pages are saved there (that is how docs/screenshots/ is made:
`SCREENSHOTS_DIR=docs/screenshots pytest tests/browser -k tour`)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Rank, User
from packages.models import Package, PackageState
from tests.browser.a11y import AXE, assert_accessible, assert_axe_clean
from tests.browser.helpers import PASSWORD, replace_demo_screenshots, visit
from tests.logins import log_in_to_the_admin

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
    ("/api/schema/", None),
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
    ("/packages/sofia/farming_plus/", None),
    ("/packages/sofia/farming_plus/edit/", "edit-package"),
    ("/packages/sofia/farming_plus/releases/new/", "new-release"),
    ("/packages/sofia/farming_plus/screenshots/", None),
    ("/packages/sofia/farming_plus/history/", None),
    ("/packages/sofia/farming_plus/report/", None),
]
MODERATOR = [
    ("/packages/rubens/wolves/", None),  # submitted for review
    ("/admin/", None),
    ("/admin/packages/package/moderation-queue/", None),
    ("/admin/packages/package/", None),
]
# Django's own admin pages: the phone width holds there too; the smoke check and axe are asked only
# about the pages the site's templates make (the queue), not about Django's stock admin markup.
OURS_IN_THE_ADMIN = ("/admin/packages/package/moderation-queue/",)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

LOAD_ALL_IMAGES = """
() => Promise.all(Array.from(document.images).map((img) => {
  img.loading = "eager";
  return img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; });
}))
"""
OVERFLOW = """
() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
        wide: Array.from(document.querySelectorAll("body *")).filter(
          (e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !(e.parentElement && e.parentElement.closest(".table-scroll, .gallery-strip"))
        ).slice(0, 5).map((e) => e.tagName + "." + e.className)})
"""


PHONE_SHOTS = {"home", "package", "module", "api-keys"}  # the README's phone row


def save(page, name: str | None, suffix: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if suffix and name not in PHONE_SHOTS:
        return
    if folder and name:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.evaluate(LOAD_ALL_IMAGES)  # lazy images below the fold would be blank otherwise
        # JPEG keeps each full-page picture well under 300 KB
        page.screenshot(
            path=str(Path(folder) / f"{name}{suffix}.jpg"), full_page=True, type="jpeg", quality=82
        )


def check(page, url: str, status: int = 200, *, ours: bool = True) -> None:
    response = visit(page, url) if ours else page.goto(url)
    assert response.status == status, url
    if ours:
        assert_axe_clean(page)
    fit = page.evaluate(OVERFLOW)
    assert fit["scroll"] <= fit["inner"], f"{url} scrolls sideways: {fit}"


@pytest.fixture
def demo(live_server, settings):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: npm ci")
    settings.SITE_URL = "http://127.0.0.1:8000"  # what a fresh `make run` shows
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    replace_demo_screenshots()
    sofia = User.objects.get(username="sofia")
    sofia.set_password(PASSWORD)
    sofia.save()
    Package.objects.filter(name="wolves").update(state=PackageState.READY_FOR_REVIEW)
    return live_server.url


@pytest.mark.parametrize(
    ("viewport", "scheme", "suffix"),
    [(DESKTOP, "light", ""), (PHONE, "dark", "-phone")],
    ids=["desktop", "phone-dark"],
)
def test_tour_of_every_page_on_demo_data(browser, demo, viewport, scheme, suffix):
    site = demo
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(10_000)

    for path, name in PUBLIC:
        check(page, site + path, 404 if path.startswith("/no/") else 200)
        save(page, name, suffix)

    visit(page, f"{site}/accounts/login/")
    page.get_by_label("Username").fill("Sofia")  # usernames are case-insensitive
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/")
    for path, name in AUTHOR:
        check(page, site + path)
        save(page, name, suffix)

    visit(page, f"{site}/settings/two-factor/")
    page.get_by_role("button", name="Set up an authenticator app").click()
    page.locator("#otpauth-uri").wait_for()  # the QR code, the key and the confirm form
    assert_accessible(page)
    assert_axe_clean(page)

    # the new secrets, shown once after the redirect, with their tables below
    visit(page, f"{site}/settings/api-keys/")
    page.get_by_label("Comment").fill("build server")
    page.get_by_role("button", name="Create key").click()
    page.locator("#new-secret").wait_for()
    save(page, "api-keys", suffix)
    check(page, page.url)  # the secret is gone on this second look; the table stays
    visit(page, f"{site}/settings/tokens/")
    page.get_by_label("Name").fill("CI upload")
    page.get_by_role("button", name="Create token").click()
    page.locator("#new-secret").wait_for()
    assert_axe_clean(page)
    assert page.evaluate(OVERFLOW)["scroll"] <= viewport["width"]
    context.close()

    # a moderator, through the admin's second factor (the session of a test client)
    moderator = User.objects.create_user(
        username="mira", email="mira@example.org", rank=Rank.MODERATOR, is_staff=True
    )
    client = log_in_to_the_admin(Client(), moderator)
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    for path, name in MODERATOR:
        ours = not path.startswith("/admin/") or path in OURS_IN_THE_ADMIN
        check(page, site + path, ours=ours)
        save(page, name, suffix)
    context.close()


def test_the_public_pages_in_german_fit_a_phone(browser, demo):
    """German words are longer: the public pages in German still fit 390 px and pass axe."""
    context = browser.new_context(viewport=PHONE, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    for path, _name in PUBLIC:
        check(page, demo + path, 404 if path.startswith("/no/") else 200)
        assert page.evaluate("() => document.documentElement.lang") == "de", path
    context.close()
