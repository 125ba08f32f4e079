"""Settings pages for LuaRocks API keys and ContentDB API tokens."""

import re

import pytest

from accounts.models import ApiKey, ApiToken
from accounts.secrets import hash_secret
from accounts.services import create_api_key, create_api_token
from tests.factories import PackageFactory, RockFactory

pytestmark = pytest.mark.django_db


def secret_in(body: str) -> str:
    return re.search(r'id="new-secret"[^>]*>([^<]+)<', body).group(1)


def test_creating_a_key_shows_the_secret_once_and_stores_only_its_hash(alice_client, user):
    response = alice_client.post("/settings/api-keys/", {"comment": "laptop"}, follow=True)
    assert response.redirect_chain == [("/settings/api-keys/", 302)]
    secret = secret_in(response.content.decode())
    key = ApiKey.objects.get(user=user)
    assert key.key_hash == hash_secret(secret) and key.comment == "laptop"
    assert secret not in ApiKey.objects.values_list("key_hash", flat=True)
    listing = alice_client.get("/settings/api-keys/").content.decode()
    assert secret not in listing
    assert f"{key.prefix}…" in listing and "laptop" in listing and "never" in listing


def test_a_too_long_comment_is_an_error_next_to_the_field(alice_client, user):
    response = alice_client.post("/settings/api-keys/", {"comment": "x" * 300})
    assert response.status_code == 400
    assert 'id="id_comment_errors"' in response.content.decode()
    assert not ApiKey.objects.exists()


def test_revoking_a_key(alice_client, user):
    key, _ = create_api_key(user=user)
    response = alice_client.post(f"/settings/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert "revoked" in alice_client.get("/settings/api-keys/").content.decode()


def test_nobody_revokes_another_users_key(bob_client, user):
    key, _ = create_api_key(user=user)
    assert bob_client.post(f"/settings/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_revoke_needs_a_post(alice_client, user):
    key, _ = create_api_key(user=user)
    assert alice_client.get(f"/settings/api-keys/{key.pk}/revoke/").status_code == 405


def test_another_users_keys_are_not_listed(bob_client, user):
    key, _ = create_api_key(user=user, comment="alice's")
    assert key.prefix not in bob_client.get("/settings/api-keys/").content.decode()


def test_creating_a_token_scoped_to_an_own_package(alice_client, user, mod_package):
    response = alice_client.post(
        "/settings/tokens/", {"name": "CI", "package": str(mod_package.pk)}, follow=True
    )
    assert response.redirect_chain == [("/settings/tokens/", 302)]
    secret = secret_in(response.content.decode())
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == hash_secret(secret)
    assert token.package == mod_package and token.name == "CI"
    assert "alice/farming" in alice_client.get("/settings/tokens/").content.decode()


def test_a_token_cannot_be_scoped_to_someone_elses_package(alice_client, other_user):
    theirs = PackageFactory(author=other_user, name="theirs")
    response = alice_client.post("/settings/tokens/", {"name": "CI", "package": str(theirs.pk)})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_package_errors"' in body and 'value="CI"' in body
    assert not ApiToken.objects.exists()


def test_rocks_are_not_offered_as_token_scopes(alice_client, user, mod_package):
    rock = RockFactory(author=user, name="somerock")
    body = alice_client.get("/settings/tokens/").content.decode()
    assert f'value="{mod_package.pk}"' in body
    assert f'value="{rock.pk}"' not in body


def test_a_token_needs_a_name(alice_client):
    response = alice_client.post("/settings/tokens/", {"name": ""})
    assert response.status_code == 400
    assert 'id="id_name_errors"' in response.content.decode()


def test_deleting_tokens_own_only(alice_client, bob_client, user):
    token, _ = create_api_token(user=user, name="old")
    assert bob_client.post(f"/settings/tokens/{token.pk}/delete/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert alice_client.post(f"/settings/tokens/{token.pk}/delete/").status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize(
    ("url", "data", "model"),
    [
        ("/settings/api-keys/", {"comment": "ci"}, ApiKey),
        ("/settings/tokens/", {"name": "ci"}, ApiToken),
    ],
)
def test_creating_redirects_so_a_reload_creates_nothing_and_the_secret_shows_once(
    alice_client, user, url, data, model
):
    response = alice_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    shown = alice_client.get(url).content.decode()
    secret = secret_in(shown)
    assert "data-copy" in shown  # a copy button, added by site.js
    again = alice_client.get(url).content.decode()  # the reload
    assert secret not in again and 'id="new-secret"' not in again
    assert model.objects.filter(user=user).count() == 1
