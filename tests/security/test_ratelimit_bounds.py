"""The abuse limits (registry/ratelimit.py) at their boundaries, through both faces: exactly the
limit is allowed and one more is refused, Retry-After is the rest of the fixed window, the client
address comes from the configured proxy header (its first address, at most 64 characters), and
each limit counts only its own events for its own client or account."""

import time

import pytest
from django.test import override_settings

from accounts.services import create_api_key, create_api_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WINDOW = 300
LIMITS = override_settings(RATELIMIT_FAILED_AUTHS=(3, WINDOW), RATELIMIT_UPLOADS=(2, 3600))
BLOCKED = "Too many failed authentication attempts; try again later"


def failed_luarocks_auths(client, times: int, **extra) -> None:
    for _ in range(times):
        assert client.get("/api/1/not-a-key-at-all/status", **extra).status_code == 401


def retry_after_is_the_rest_of_the_window(response, before: int, after: int) -> bool:
    """Retry-After is the seconds from one of the request's seconds to its window's end."""
    wait = int(response["Retry-After"])
    return any(wait == WINDOW - now % WINDOW for now in range(before, after + 1))


@LIMITS
def test_up_to_the_limit_of_failures_the_address_is_not_blocked(client, user):
    _, secret = create_api_key(user=user)
    failed_luarocks_auths(client, 2)
    assert client.get(f"/api/1/{secret}/status").status_code == 200
    failed_luarocks_auths(client, 1)
    before = int(time.time())
    refused = client.get(f"/api/1/{secret}/status")
    after = int(time.time())
    assert refused.status_code == 429
    assert refused.json() == {"errors": [BLOCKED]}
    assert retry_after_is_the_rest_of_the_window(refused, before, after)


@LIMITS
def test_a_blocked_address_is_not_counted_further_and_tokens_share_its_count(client, user):
    _, token = create_api_token(user=user)
    failed_luarocks_auths(client, 3)
    before = int(time.time())
    refused = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}")
    after = int(time.time())
    assert refused.status_code == 429
    assert refused.json() == {"success": False, "error": BLOCKED}
    assert retry_after_is_the_rest_of_the_window(refused, before, after)


@LIMITS
def test_successes_are_not_failures(client, user):
    _, secret = create_api_key(user=user)
    for _ in range(5):
        assert client.get(f"/api/1/{secret}/status").status_code == 200


@override_settings(CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
@LIMITS
def test_behind_a_proxy_the_first_forwarded_address_is_the_client(client, user):
    _, secret = create_api_key(user=user)
    failed_luarocks_auths(client, 3, HTTP_X_REAL_IP=" 198.51.100.1 , 10.0.0.1")
    blocked = client.get(f"/api/1/{secret}/status", HTTP_X_REAL_IP="198.51.100.1")
    assert blocked.status_code == 429
    # the proxy's own address (REMOTE_ADDR, the same for everyone) is not what is counted
    assert client.get(f"/api/1/{secret}/status", HTTP_X_REAL_IP="198.51.100.2").status_code == 200


@override_settings(CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
@LIMITS
def test_without_the_header_the_connection_address_is_the_client(client, user):
    _, secret = create_api_key(user=user)
    failed_luarocks_auths(client, 3, HTTP_X_REAL_IP="", REMOTE_ADDR="192.0.2.1")
    assert client.get(f"/api/1/{secret}/status", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get(f"/api/1/{secret}/status", REMOTE_ADDR="192.0.2.2").status_code == 200


@override_settings(CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
@LIMITS
def test_forwarded_addresses_are_cut_at_64_characters(client, user):
    _, secret = create_api_key(user=user)
    long = "2001:db8:" + "a" * 55  # 64 characters
    failed_luarocks_auths(client, 3, HTTP_X_REAL_IP=long + "1")
    assert client.get(f"/api/1/{secret}/status", HTTP_X_REAL_IP=long + "2").status_code == 429
    assert client.get(f"/api/1/{secret}/status", HTTP_X_REAL_IP=long[:-1]).status_code == 200


@LIMITS
def test_connection_addresses_are_cut_at_64_characters(client, user):
    _, secret = create_api_key(user=user)
    long = "x" * 64
    failed_luarocks_auths(client, 3, REMOTE_ADDR=long + "1")
    assert client.get(f"/api/1/{secret}/status", REMOTE_ADDR=long + "2").status_code == 429
    assert client.get(f"/api/1/{secret}/status", REMOTE_ADDR=long[:-1]).status_code == 200


def create_package(client, token: str, name: str):
    body = {
        "type": "MOD",
        "name": name,
        "title": name.title(),
        "short_description": "A mod",
        "license": "MIT",
        "media_license": "MIT",
    }
    return client.post(
        "/api/packages/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@LIMITS
def test_uploads_are_counted_per_account(client, user):
    _, alice = create_api_token(user=user)
    _, bob = create_api_token(user=UserFactory(username="bob"))
    assert create_package(client, alice, "one").status_code == 201
    assert create_package(client, alice, "two").status_code == 201
    assert create_package(client, bob, "three").status_code == 201
    before = int(time.time())
    refused = create_package(client, alice, "four")
    after = int(time.time())
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert any(wait == 3600 - now % 3600 for now in range(before, after + 1))
    assert create_package(client, bob, "five").status_code == 201


@LIMITS
def test_refused_and_anonymous_writes_and_reads_are_not_uploads(client, user):
    _, token = create_api_token(user=user)
    for _ in range(3):
        assert client.get("/api/packages/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        anonymous = client.post("/api/packages/", {}, content_type="application/json")
        assert anonymous.status_code == 401
    assert create_package(client, token, "one").status_code == 201


@LIMITS
def test_failed_authentications_do_not_use_up_uploads(client, user):
    _, token = create_api_token(user=user)
    failed_luarocks_auths(client, 2)
    assert create_package(client, token, "one").status_code == 201
    assert create_package(client, token, "two").status_code == 201


@override_settings(RATELIMIT_FAILED_AUTHS=(1, WINDOW), RATELIMIT_UPLOADS=(1, 3600))
def test_a_limit_of_one(client, user):
    """Nothing is counted before the first event, and the first event is one."""
    _, secret = create_api_key(user=user)
    _, token = create_api_token(user=user)
    assert client.get(f"/api/1/{secret}/status").status_code == 200
    assert create_package(client, token, "one").status_code == 201
    assert create_package(client, token, "two").status_code == 429
    failed_luarocks_auths(client, 1)
    assert client.get(f"/api/1/{secret}/status").status_code == 429
