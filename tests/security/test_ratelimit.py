"""Abuse limits (registry/ratelimit.py): failed authentications per client address and uploads per
account, on both faces: 429 in the face's error format with Retry-After, nothing stored."""

import pytest
from django.test import override_settings

from accounts.services import create_api_key, create_api_token
from packages.models import Package
from tests.luarocks.upload_support import Snapshot, rockspec_file, rockspec_text

pytestmark = pytest.mark.django_db

LIMITS = override_settings(RATELIMIT_FAILED_AUTHS=(3, 300), RATELIMIT_UPLOADS=(2, 3600))
OTHER_ADDRESS = {"REMOTE_ADDR": "192.0.2.7"}


def test_default_limits_leave_honest_users_alone(settings):
    assert settings.RATELIMIT_FAILED_AUTHS == (20, 300)
    assert settings.RATELIMIT_UPLOADS == (60, 3600)


@LIMITS
def test_luarocks_failed_keys_block_the_address_with_retry_after(client, user):
    _, secret = create_api_key(user=user)
    for _ in range(3):
        assert client.get("/api/1/not-a-key-at-all/status").status_code == 401
    refused = client.get(f"/api/1/{secret}/status")  # even a good key, from that address
    assert refused.status_code == 429
    assert refused.json() == {"errors": [refused.json()["errors"][0]]}
    assert "Too many failed authentication" in refused.json()["errors"][0]
    assert 1 <= int(refused["Retry-After"]) <= 300
    assert client.get(f"/api/1/{secret}/status", **OTHER_ADDRESS).status_code == 200


@LIMITS
def test_contentdb_failed_tokens_block_the_address_with_retry_after(client, user):
    _, secret = create_api_token(user=user)
    for bad in ("Bearer wrong-token-value", "Basic abc", "Bearer short"):
        assert client.get("/api/whoami/", HTTP_AUTHORIZATION=bad).status_code in (400, 403)
    refused = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 429
    assert refused.json()["success"] is False
    assert "Too many failed authentication" in refused.json()["error"]
    assert 1 <= int(refused["Retry-After"]) <= 300
    # anonymous reads are not authentication attempts; another address is not blocked
    assert client.get("/api/whoami/").status_code == 200
    ok = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {secret}", **OTHER_ADDRESS)
    assert ok.json()["username"] == user.username


@LIMITS
def test_failed_auths_are_counted_in_the_shared_cache(client):
    from django.core.cache import cache

    client.get("/api/1/not-a-key-at-all/status")
    assert any(k.startswith(":1:ratelimit:failed-auth:127.0.0.1:") for k in cache._cache)


@LIMITS
def test_luarocks_uploads_per_account(client, user, django_capture_on_commit_callbacks):
    _, secret = create_api_key(user=user)
    for version in ("1.0-1", "1.1-1"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/api/1/{secret}/upload",
                {
                    "rockspec_file": rockspec_file(
                        rockspec_text(version=version), f"foo-{version}.rockspec"
                    )
                },
            )
        assert response.status_code == 200, response.content
    before = Snapshot()
    refused = client.post(
        f"/api/1/{secret}/upload",
        {"rockspec_file": rockspec_file(rockspec_text(version="1.2-1"), "foo-1.2-1.rockspec")},
    )
    assert refused.status_code == 429
    assert refused.json() == {"errors": ["Too many uploads; try again later"]}
    assert int(refused["Retry-After"]) >= 1
    before.assert_unchanged()
    # reads with the same key still work
    assert client.get(f"/api/1/{secret}/status").status_code == 200


@LIMITS
def test_contentdb_uploads_per_account(client, user):
    _, secret = create_api_token(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def create(name: str):
        body = {
            "type": "MOD",
            "name": name,
            "title": name.title(),
            "short_description": "A mod",
            "license": "MIT",
            "media_license": "MIT",
        }
        return client.post("/api/packages/", body, content_type="application/json", **auth)

    assert create("first").status_code == 201
    assert create("second").status_code == 201
    refused = create("third")
    assert refused.status_code == 429
    assert refused.json() == {"success": False, "error": "Too many uploads; try again later"}
    assert int(refused["Retry-After"]) >= 1
    assert not Package.objects.filter(name="third").exists()
    assert client.get("/api/whoami/", **auth).status_code == 200
