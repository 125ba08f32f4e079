"""The web release form with and without JavaScript (issue 18): the progress bar is there for the
script to show, and without JavaScript the same form posts as a plain multipart form and publishes
the release, the progress bar staying hidden."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from packages.models import PackageState
from releases.models import Release
from tests.browser.helpers import file_payload, mod_zip
from tests.factories import PackageFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def author_context(browser, site):
    """A browser context without JavaScript, logged in as the mod's author (session cookie)."""
    author = UserFactory(username="maria")
    PackageFactory(
        author=author, name="glowing_mushrooms", state=PackageState.WIP, approved_at=None
    )
    client = Client()
    client.force_login(author)
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}]
    )
    yield context
    context.close()


def test_the_release_form_publishes_without_javascript(author_context, site):
    page = author_context.new_page()
    page.goto(f"{site}/packages/maria/glowing_mushrooms/releases/new/")
    progress = page.locator("form[data-upload-progress] progress.upload-progress")
    expect(progress).to_have_count(1)  # there for the script; hidden until an upload starts
    expect(progress).to_be_hidden()
    page.get_by_label("Title").fill("1.0.0")
    page.get_by_label("Zip file").set_input_files(
        file_payload(
            "glowing_mushrooms.zip",
            "application/zip",
            mod_zip("glowing_mushrooms", padding=200_000),
        )
    )
    page.get_by_role("button", name="Publish release").click()
    page.wait_for_url(f"{site}/packages/maria/glowing_mushrooms/")
    expect(page.get_by_text("Release 1.0.0 is published.")).to_be_visible()
    release = Release.objects.get(package__name="glowing_mushrooms")
    assert release.files.get().size > 200_000


def test_a_refused_zip_comes_back_with_its_error_without_javascript(author_context, site):
    page = author_context.new_page()
    page.goto(f"{site}/packages/maria/glowing_mushrooms/releases/new/")
    page.get_by_label("Title").fill("1.0.0")
    page.get_by_label("Zip file").set_input_files(
        file_payload("glowing_mushrooms.zip", "application/zip", b"not a zip")
    )
    page.get_by_role("button", name="Publish release").click()
    expect(page.get_by_text("The file is not a valid zip archive")).to_be_visible()
    assert not Release.objects.exists()
