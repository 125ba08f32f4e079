"""The secrets behind keys and tokens (accounts/secrets.py), through the services that make them
and the selectors that look them up: length and alphabet, the stored SHA-256, the visible prefix,
and the shape check that keeps malformed secrets away from the database."""

import hashlib
import string

import pytest

from accounts.selectors import api_key_by_secret, api_token_by_secret
from accounts.services import create_api_key, create_api_token

pytestmark = pytest.mark.django_db

ALPHANUMERIC = set(string.ascii_letters + string.digits)


def test_keys_and_tokens_are_long_random_alphanumeric_strings_stored_as_sha256(user):
    key, secret = create_api_key(user=user)
    token, token_secret = create_api_token(user=user)
    assert (len(secret), len(token_secret)) == (40, 32)
    assert set(secret) <= ALPHANUMERIC and set(token_secret) <= ALPHANUMERIC
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.token_hash == hashlib.sha256(token_secret.encode()).hexdigest()
    assert create_api_key(user=user)[1] != secret


def test_the_visible_prefix_is_the_first_eight_characters(user, client):
    key, secret = create_api_key(user=user)
    token, token_secret = create_api_token(user=user)
    assert (key.prefix, token.prefix) == (secret[:8], token_secret[:8])
    client.force_login(user)
    page = client.get("/settings/api-keys/").content.decode()
    assert f"{secret[:8]}…" in page and secret[:9] not in page


def test_a_secret_finds_its_row_and_nothing_else_does(user):
    key, secret = create_api_key(user=user)
    token, token_secret = create_api_token(user=user)
    assert api_key_by_secret(secret=secret) == key
    assert api_token_by_secret(secret=token_secret) == token
    assert api_key_by_secret(secret=token_secret) is None
    assert api_key_by_secret(secret=secret[:-1] + ("a" if secret[-1] != "a" else "b")) is None


@pytest.mark.parametrize(
    ("secret", "queries"),
    [
        ("a", 1),
        ("a" * 128, 1),  # the longest shape looked up
        ("a" * 129, 0),
        ("", 0),
        ("abc-def", 0),
        ("abc def", 0),
        ("é" * 10, 0),
        ("a\x00b", 0),
    ],
)
def test_only_well_formed_secrets_reach_the_database(secret, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        assert api_key_by_secret(secret=secret) is None
    with django_assert_num_queries(queries):
        assert api_token_by_secret(secret=secret) is None
