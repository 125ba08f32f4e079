"""The moderator's way around the admin: the index links the queue, and an action started from the
queue (or a package's review page) returns to the queue, through its intermediate form too."""

import pytest
from django.urls import reverse

from packages.models import PackageState
from tests.factories import ReleaseFactory
from tests.logins import log_in_to_the_admin

pytestmark = pytest.mark.django_db

PACKAGES = reverse("admin:packages_package_changelist")
QUEUE = reverse("admin:packages_package_moderation_queue")


@pytest.fixture
def mod_client(client, staff_moderator):
    return log_in_to_the_admin(client, staff_moderator)


def test_the_admin_index_links_the_moderation_queue(mod_client):
    body = mod_client.get(reverse("admin:index")).content.decode()
    assert f'href="{QUEUE}"' in body


def test_approving_from_the_queue_returns_to_the_queue(mod_client, make_package):
    package = make_package(state=PackageState.READY_FOR_REVIEW)
    queue = mod_client.get(QUEUE).content.decode()
    assert f'name="next" value="{QUEUE}"' in queue  # each decision form says where to return
    response = mod_client.post(
        PACKAGES,
        {"action": "approve_packages", "_selected_action": [package.pk], "next": QUEUE},
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    package.refresh_from_db()
    assert package.state == PackageState.APPROVED
    assert "Approved: 1." in mod_client.get(QUEUE).content.decode()


def test_an_action_with_a_form_from_the_queue_returns_to_the_queue(mod_client, make_package):
    package = make_package(state=PackageState.READY_FOR_REVIEW)
    data = {"action": "request_changes", "_selected_action": [package.pk], "next": QUEUE}
    form_page = mod_client.post(PACKAGES, data).content.decode()
    assert f'name="next" value="{QUEUE}"' in form_page
    done = mod_client.post(PACKAGES, {**data, "apply": "1", "comment": "Add a licence"})
    assert done.status_code == 302 and done["Location"] == QUEUE


def test_approving_a_release_from_the_queue_returns_to_the_queue(mod_client, make_package):
    release = ReleaseFactory(package=make_package(state=PackageState.APPROVED), approved=False)
    response = mod_client.post(
        reverse("admin:releases_release_changelist"),
        {"action": "approve_releases", "_selected_action": [release.pk], "next": QUEUE},
    )
    assert response["Location"] == QUEUE


def test_an_outside_next_is_ignored(mod_client, make_package):
    package = make_package(state=PackageState.READY_FOR_REVIEW)
    response = mod_client.post(
        PACKAGES,
        {
            "action": "approve_packages",
            "_selected_action": [package.pk],
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302 and response["Location"] != "https://evil.example/"


def test_favicon_ico_is_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
