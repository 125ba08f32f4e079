"""Failed authentications per client address (registry/ratelimit.py), on both faces: past the
limit, further failures from that address answer 429 in the face's format with Retry-After; a
valid key or token keeps working from the same address (only failures are throttled)."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from accounts.services import create_api_key, create_api_token
from registry.common.ratelimit import TOO_MANY_FAILED_AUTHS

pytestmark = pytest.mark.django_db

LIMITS = override_settings(RATELIMIT_FAILED_AUTHS=(3, 300))
OTHER_ADDRESS = {"REMOTE_ADDR": "192.0.2.7"}


def test_default_limits_leave_honest_users_alone(settings):
    assert settings.RATELIMIT_FAILED_AUTHS == (20, 300)


@LIMITS
def test_luarocks_failed_keys_lock_out_failures_but_not_valid_keys(client, user):
    _, secret = create_api_key(user=user)
    for _ in range(3):
        assert client.get("/api/1/not-a-key-at-all/status").status_code == 401
    refused = client.get("/api/1/still-not-a-key/status")
    assert refused.status_code == 429
    assert refused.json() == {"errors": [TOO_MANY_FAILED_AUTHS]}
    assert 1 <= int(refused["Retry-After"]) <= 300
    # a valid key from the locked-out address (one guesser behind a shared NAT) still works
    ok = client.get(f"/api/1/{secret}/status")
    assert ok.status_code == 200
    assert ok.json()["user_id"] == user.pk
    # and the address is still locked out for failures
    assert client.get("/api/1/not-a-key-at-all/status").status_code == 429
    assert client.get("/api/1/not-a-key-at-all/status", **OTHER_ADDRESS).status_code == 401


@LIMITS
def test_contentdb_failed_tokens_lock_out_failures_but_not_valid_tokens(client, user):
    _, secret = create_api_token(user=user)
    for bad in ("Bearer wrong-token-value", "Basic abc", "Bearer short"):
        assert client.get("/api/whoami/", HTTP_AUTHORIZATION=bad).status_code in (400, 403)
    refused = client.get("/api/whoami/", HTTP_AUTHORIZATION="Bearer another-wrong-token")
    assert refused.status_code == 429
    assert refused.json() == {"success": False, "error": TOO_MANY_FAILED_AUTHS}
    assert 1 <= int(refused["Retry-After"]) <= 300
    ok = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ok.status_code == 200
    assert ok.json()["username"] == user.username
    # anonymous reads are not authentication attempts
    assert client.get("/api/whoami/").status_code == 200
    other = client.get("/api/whoami/", HTTP_AUTHORIZATION="Bearer wrong-again", **OTHER_ADDRESS)
    assert other.status_code == 403


@LIMITS
def test_a_lock_out_survives_the_loss_of_every_cached_answer(client):
    """The counters live in their own store: emptying the answer cache (what eviction under
    memory pressure does) hands a guesser no fresh attempts."""
    for _ in range(3):
        client.get("/api/1/not-a-key-at-all/status")
    caches["default"].clear()
    assert client.get("/api/1/not-a-key-at-all/status").status_code == 429
