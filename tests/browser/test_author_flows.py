"""What an author does on the site, in a real browser, with an accessibility check on every page."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import ApiKey, ApiToken
from packages.models import Package
from releases.models import Release
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import file_payload, mod_zip, png, sign_up, visit

# the reference data (licenses, tags, Luanti versions) dropped by the flush after each test is put back by tests/conftest.py
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def throttle_uploads(page, bytes_per_second: int) -> None:
    """Slow the browser's uploads down (Chrome DevTools network emulation) to watch progress."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 20,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def test_mod_author_signs_up_publishes_a_release_and_is_listed_after_approval(page, site):
    sign_up(page, site, "maria")

    # a ContentDB token, shown once
    visit(page, f"{site}/settings/tokens/")
    page.get_by_label("Name").fill("CI upload")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-secret").inner_text()
    assert len(secret) == ApiToken.SECRET_LENGTH
    assert_accessible(page)
    assert ApiToken.objects.get(user__username="maria").prefix == secret[:8]

    # a new mod
    visit(page, f"{site}/packages/new/")
    page.get_by_label("Technical name").fill("glowing_mushrooms")
    page.get_by_label("Title").fill("Glowing Mushrooms")
    page.get_by_label("Short description").fill("Mushrooms that light up caves.")
    page.get_by_label("Description", exact=True).fill(
        "# Glowing Mushrooms\n\nPlace them in **dark** caves."
    )
    page.get_by_role("button", name="Create package").click()
    page.wait_for_url(f"{site}/packages/maria/glowing_mushrooms/")
    assert_accessible(page)
    expect(page.locator(".description strong")).to_have_text("dark")  # Markdown rendered
    assert Package.objects.get(name="glowing_mushrooms").state == "WIP"

    # a release zip, with the progress bar showing while it goes up
    page.get_by_role("link", name="New release").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("1.0.0")
    page.get_by_label("Zip file").set_input_files(
        file_payload(
            "glowing_mushrooms.zip",
            "application/zip",
            mod_zip("glowing_mushrooms", padding=300_000),
        )
    )
    throttle_uploads(page, 150_000)
    progress = page.locator("progress.upload-progress")
    expect(progress).to_be_hidden()  # appears only once an upload starts
    page.get_by_role("button", name="Publish release").click()
    expect(progress).to_be_visible()
    # part-way: the bar moves with the bytes sent, before the server has answered
    page.wait_for_function(
        "() => { const p = document.querySelector('progress.upload-progress');"
        " return p && p.value > 0 && p.value < 100; }"
    )
    expect(page.locator(".upload-status")).to_contain_text("Uploading")
    page.wait_for_url(f"{site}/packages/maria/glowing_mushrooms/", timeout=30_000)
    expect(page.get_by_text("Release 1.0.0 is published.")).to_be_visible()
    assert_accessible(page)
    assert Release.objects.get(package__name="glowing_mushrooms").name == "1.0.0"

    # a screenshot, chosen as the cover
    page.get_by_role("link", name="Screenshots").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("A lit cave")
    page.get_by_label("Image", exact=True).set_input_files(
        file_payload("cave.png", "image/png", png())
    )
    page.get_by_label("Use as the cover image").check()
    page.get_by_role("button", name="Upload screenshot").click()
    expect(page.get_by_text("Screenshot added.")).to_be_visible()
    expect(page.get_by_role("img", name="A lit cave")).to_be_visible()
    assert_accessible(page)

    # submit for review; a new member waits for a moderator
    visit(page, f"{site}/packages/maria/glowing_mushrooms/")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("is waiting for a moderator's review")).to_be_visible()
    visit(page, f"{site}/")
    expect(page.get_by_role("link", name="Glowing Mushrooms")).to_have_count(0)

    call_command("approve_package", "maria/glowing_mushrooms", stdout=open("/dev/null", "w"))  # noqa: SIM115

    visit(page, f"{site}/")
    expect(page.get_by_role("heading", name="Glowing Mushrooms")).to_be_visible()
    visit(page, f"{site}/packages/?q=mushroom")
    card = page.locator(".card", has_text="Glowing Mushrooms")
    expect(card).to_have_count(1)
    expect(card.locator("img")).to_have_attribute("src", re.compile(r"^/thumbnails/3/screenshots/"))


def test_rock_author_creates_a_key_and_uploads_a_rockspec(page, site):
    sign_up(page, site, "lucas")
    visit(page, f"{site}/settings/api-keys/")
    page.get_by_label("Comment").fill("laptop")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("#new-secret").inner_text()
    assert ApiKey.objects.get(user__username="lucas").prefix == secret[:8]
    assert_accessible(page)
    visit(page, f"{site}/settings/api-keys/")
    expect(page.locator("#new-secret")).to_have_count(0)  # shown once only
    expect(page.get_by_role("cell", name="laptop")).to_be_visible()

    visit(page, f"{site}/upload/")
    rockspec = (
        'package = "Sparkle"\nversion = "0.3-1"\n'
        'source = { url = "https://example.org/sparkle-0.3.tar.gz" }\n'
        'description = { summary = "Sparkly strings", license = "MIT" }\n'
        'dependencies = { "lua >= 5.1" }\n'
        'build = { type = "builtin", modules = { sparkle = "sparkle.lua" } }\n'
    )
    page.get_by_label("Rockspec").set_input_files(
        file_payload("sparkle-0.3-1.rockspec", "text/plain", rockspec.encode())
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"{site}/modules/lucas/sparkle/0.3-1")
    assert_accessible(page)
    page.get_by_role("link", name="← Sparkle").click()
    page.wait_for_url(f"{site}/modules/lucas/sparkle")
    assert_accessible(page)
    expect(page.get_by_role("link", name="0.3-1", exact=True)).to_be_visible()
    expect(page.locator("#install-command")).to_have_text(
        f"luarocks install sparkle --server={site}"
    )


def test_a_wrong_upload_shows_the_error_next_to_the_field_and_keeps_the_rest(page, site):
    sign_up(page, site, "nina")
    visit(page, f"{site}/packages/new/")
    page.get_by_label("Technical name").fill("broken_upload")
    page.get_by_label("Title").fill("Broken Upload")
    page.get_by_label("Short description").fill("Tests a wrong upload.")
    page.get_by_role("button", name="Create package").click()
    page.wait_for_url(f"{site}/packages/nina/broken_upload/")

    visit(page, f"{site}/packages/nina/broken_upload/releases/new/")
    page.get_by_label("Title").fill("2.0.0")
    page.get_by_label("Release notes").fill("Many fixes.")
    page.get_by_label("Zip file").set_input_files(
        file_payload("notes.zip", "application/zip", b"this is not a zip at all")
    )
    page.get_by_role("button", name="Publish release").click()
    error = page.locator("#id_file_errors")
    expect(error).to_be_visible()
    # the error sits in the file field's own box, right under the input
    expect(page.locator(".field.has-error", has=page.get_by_label("Zip file"))).to_contain_text(
        error.inner_text()
    )
    expect(page.get_by_label("Title")).to_have_value("2.0.0")
    expect(page.get_by_label("Release notes")).to_have_value("Many fixes.")
    assert_accessible(page)
    assert not Release.objects.filter(package__name="broken_upload").exists()


def test_a_user_cannot_open_another_users_edit_page(page, site):
    sign_up(page, site, "owner")
    visit(page, f"{site}/packages/new/")
    page.get_by_label("Technical name").fill("mine")
    page.get_by_label("Title").fill("Mine")
    page.get_by_label("Short description").fill("Not yours.")
    page.get_by_role("button", name="Create package").click()
    page.wait_for_url(f"{site}/packages/owner/mine/")
    page.get_by_role("button", name="Log out").click()

    sign_up(page, site, "intruder")
    response = visit(page, f"{site}/packages/owner/mine/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You may not do that")).to_be_visible()


def test_upload_forms_work_without_javascript(browser, site):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_up(page, site, "nojs")
    visit(page, f"{site}/upload/")
    page.get_by_label("Rockspec").set_input_files(
        file_payload(
            "plain-1.0-1.rockspec",
            "text/plain",
            b'package = "plain"\nversion = "1.0-1"\nsource = { url = "https://example.org/p.tgz" }\n'
            b'build = { type = "builtin", modules = { plain = "plain.lua" } }\n',
        )
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"{site}/modules/nojs/plain/1.0-1")
    expect(page.get_by_text("Created plain 1.0-1.")).to_be_visible()
    context.close()
