"""The update detection page through the web: settings, the secret shown once, deliveries."""

import pytest

from releases.models import UpdateSettings
from tests.updates.conftest import github_post

PAGE = "/packages/alice/farming/updates/"


@pytest.mark.django_db
def test_the_people_set_it_up_and_see_the_secret_once(client, user, mod, committed):
    client.force_login(user)
    assert "Releases from git" in client.get("/packages/alice/farming/").content.decode()
    assert client.get(PAGE).status_code == 200
    response = client.post(
        PAGE,
        {
            "trigger": "tag",
            "action": "release",
            "title_from": "tag",
            "tag_pattern": "v*",
            "poll": "on",
            "save": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    current = UpdateSettings.objects.get()
    assert (current.tag_pattern, current.poll, current.configured_by) == ("v*", True, user)
    page = client.post(PAGE, {"secret": ""})
    secret = page.context["secret"]
    assert secret and secret in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    current.refresh_from_db()
    assert secret not in (current.secret_hash, current.secret_salt)  # stored hashed only
    assert secret not in client.get(PAGE).content.decode()  # shown once
    committed(github_post, client, "/api/webhooks/github/alice/farming/", secret, {}, event="ping")
    assert "pong" in client.get(PAGE).content.decode()  # the delivery log


@pytest.mark.django_db
def test_strangers_and_bad_values(client, other_user, user, mod):
    client.force_login(other_user)
    assert client.get(PAGE).status_code in (403, 404)
    client.force_login(user)
    response = client.post(
        PAGE,
        {"trigger": "tag", "action": "release", "title_from": "tag", "branch": "-evil", "save": ""},
    )
    assert response.status_code == 400
    assert "not a valid branch name" in response.content.decode()
    assert not UpdateSettings.objects.exists()


@pytest.mark.django_db
def test_a_module_is_linked_to_its_repository_on_its_page(client, user):
    from packages.models import Package
    from tests.factories import RockFactory

    RockFactory(author=user, name="greet")
    client.force_login(user)
    page = "/modules/alice/greet/updates"
    assert "Releases from git" in client.get("/modules/alice/greet").content.decode()
    response = client.post(
        page,
        {
            "repo": "https://93.184.216.34/alice/greet.git",
            "trigger": "tag",
            "action": "release",
            "title_from": "tag",
            "poll": "on",
            "save": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    module = Package.objects.get(name="greet")
    assert module.repo == "https://93.184.216.34/alice/greet.git"
    assert module.update_settings.trigger == "tag"
    assert "/api/webhooks/github/modules/alice/greet/" in client.get(page).content.decode()
    refused = client.post(
        page,
        {"repo": "ftp://x", "trigger": "tag", "action": "release", "title_from": "tag", "save": ""},
    )
    assert refused.status_code == 400
