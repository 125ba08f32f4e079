"""The rough edges of issue 23 in a real browser: keyboard-only release upload and review, the
release form's source switch, old errors cleared while a new upload goes up, copy buttons, the
screenshot gallery (keyboard, and plain links without JavaScript), the Download button, and the
admin's package list at 1280 px."""

import os

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Rank, User
from packages.models import Package, Review
from packages.screenshots import add_screenshot
from releases.models import Release
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import PASSWORD, file_payload, mod_zip, png, visit
from tests.browser.test_author_flows import throttle_uploads
from tests.factories import PackageFactory, ReleaseFactory, UserFactory
from tests.logins import log_in_to_the_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, site: str, username: str) -> None:
    visit(page, f"{site}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/")


def author(username: str, **extra) -> User:
    user = UserFactory(username=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus (the keyboard's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_release_is_uploaded_with_the_keyboard_alone(page, site):
    # Playwright asks the browser to catch file choosers only when the first listener arrives, and
    # it does not wait for the answer: a listener taken this early has long been in place when the
    # keyboard opens the chooser (one taken just before the key press lost that race on a busy CI)
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    user = author("keys")
    PackageFactory(author=user, name="keyboard_mod", title="Keyboard Mod")
    log_in(page, site, "keys")
    visit(page, f"{site}/packages/keys/keyboard_mod/releases/new/")

    # the source radios: the arrow keys switch between them, and the form shows the fields of the
    # chosen source only (the zip field, marked required, or the git reference)
    tab_to(page, "input[name=source][value=zip]")
    expect(page.get_by_label("Git branch, tag or commit")).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Git branch, tag or commit")).to_be_visible()
    expect(page.get_by_label("Zip file")).to_be_hidden()
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("Zip file")).to_be_visible()
    expect(
        page.locator(".field", has=page.get_by_label("Zip file")).locator(".req")
    ).to_be_visible()

    tab_to(page, "#id_title")
    page.keyboard.type("1.0.0")
    tab_to(page, "#id_file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    assert choosers == [chooser.value]
    chooser.value.set_files(
        file_payload("keyboard_mod.zip", "application/zip", mod_zip("keyboard_mod"))
    )
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/packages/keys/keyboard_mod/")
    assert_accessible(page)
    assert Release.objects.filter(package__name="keyboard_mod", name="1.0.0").exists()


def test_a_review_is_written_with_the_keyboard_alone(page, site):
    package = PackageFactory(author=author("maker"), name="reviewed", title="Reviewed")
    ReleaseFactory(package=package)
    author("critic")
    log_in(page, site, "critic")
    visit(page, f"{site}/packages/maker/reviewed/")
    tab_to(page, "input[name=rating]:checked")
    page.keyboard.press("ArrowDown")  # from positive to the next rating
    tab_to(page, "#id_title")
    page.keyboard.type("Works for me")
    page.keyboard.press("Tab")
    page.keyboard.type("Solid mod, does what it says on the tin.")
    tab_to(page, "form[action$='/review/'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Works for me")).to_be_visible()
    review = Review.objects.get(package=package)
    assert (review.title, review.author.username) == ("Works for me", "critic")
    assert review.rating != Review.Rating.POSITIVE


def test_an_old_error_leaves_when_the_next_upload_starts(page, site):
    user = author("retry")
    PackageFactory(author=user, name="retry_mod")
    log_in(page, site, "retry")
    visit(page, f"{site}/packages/retry/retry_mod/releases/new/")
    page.get_by_label("Title").fill("1.0.0")
    page.get_by_label("Zip file").set_input_files(
        file_payload("bad.zip", "application/zip", b"not a zip")
    )
    page.get_by_role("button", name="Publish release").click()
    expect(page.locator("#id_file_errors")).to_be_visible()

    page.get_by_label("Zip file").set_input_files(
        file_payload("retry_mod.zip", "application/zip", mod_zip("retry_mod", padding=300_000))
    )
    throttle_uploads(page, 150_000)
    page.get_by_role("button", name="Publish release").click()
    expect(page.locator("progress.upload-progress")).to_be_visible()
    expect(page.locator("#id_file_errors")).to_have_count(0)  # while the new file goes up
    page.wait_for_url(f"{site}/packages/retry/retry_mod/")


@pytest.fixture
def demo(live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    farming = Package.objects.get(name="farming_plus")
    User.objects.filter(username="sofia").update(rank=Rank.TRUSTED_MEMBER)
    for n in (1, 2):
        add_screenshot(
            package=farming, by=farming.author, title=f"Harvest {n}", file=png(hue=n * 40)
        )
    return live_server.url


def test_copy_buttons_copy_the_install_command(browser, demo):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    visit(page, f"{demo}/modules/lunar/tinyjson")
    command = page.locator("#install-command").inner_text()
    page.get_by_role("button", name="Copy").first.click()
    expect(page.locator(".copy-status").first).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == command
    context.close()


def test_the_gallery_scrolls_with_the_keyboard_and_has_a_download_button(page, demo):
    visit(page, f"{demo}/packages/sofia/farming_plus/")
    strip = page.locator(".gallery-strip")
    expect(strip.locator("li")).to_have_count(3)
    strip.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.gallery-strip').scrollLeft > 0")
    download = page.locator("a.download-button")
    expect(download).to_contain_text("Download")
    expect(download).to_contain_text("Farming Plus 1.0.0")
    expect(download).to_contain_text("bytes")  # the zip's size (a tiny demo zip)


def test_the_gallery_works_as_plain_links_without_javascript(browser, demo):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{demo}/packages/sofia/farming_plus/")
    page.locator(".gallery-thumbs a").nth(2).click()
    assert page.url.endswith("#shot-3")
    page.wait_for_function("() => document.querySelector('.gallery-strip').scrollLeft > 0")
    href = page.locator(".gallery-strip a").first.get_attribute("href")
    assert href.startswith("/media/") or "screenshots/" in href  # the full-size image itself
    context.close()


def test_the_admin_package_list_is_not_clipped_at_1280_px(browser, demo):
    moderator = User.objects.create_user(
        username="mira", email="mira@example.org", rank=Rank.MODERATOR, is_staff=True
    )
    client = log_in_to_the_admin(Client(), moderator)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": demo}]
    )
    page = context.new_page()
    page.goto(f"{demo}/admin/packages/package/")
    sizes = page.evaluate(
        "() => { const r = document.querySelector('#changelist-form .results');"
        " return [r.scrollWidth, r.clientWidth]; }"
    )
    assert sizes[0] <= sizes[1], sizes
    context.close()
