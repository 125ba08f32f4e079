"""Anonymous cache flooding: many requests that each ask for a new cache entry.

Security counters live in their own store (the "counters" cache, never evicting a live entry), so
no flood of cached answers resets them; list cache keys are made of the validated, normalised
parameters only, so unknown parameters (`?cachebust=N`) reuse one entry and are not recorded for
replay, and bad values store nothing; and the answer cache is bounded in bytes, however many
valid variants are asked for.
"""

import pytest
from django.core.cache import caches
from django.test import Client

from accounts.services import create_api_key
from media_tools.limits import TOO_MANY_UPLOADS
from registry.common import cached_bodies, replay
from registry.common.ratelimit import TOO_MANY_FAILED_AUTHS
from settings.base import disk_cache
from tests.factories import PackageFactory
from tests.luarocks.upload_support import rockspec_file, rockspec_text
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CACHE_BYTES = 1024 * 1024
FLOOD = 400
VARIANTS = 200  # of about 16 KB each (plain and gzip): three times the bound
ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}


@pytest.fixture
def small_cache(settings, tmp_path):
    """The answer cache bounded to 1 MiB, so that the flood below overflows it many times."""
    settings.CACHES = {
        **settings.CACHES,
        "default": disk_cache(tmp_path / "shared", max_bytes=CACHE_BYTES),
    }
    settings.RATELIMIT_FAILED_AUTHS = (3, 300)
    settings.RATELIMIT_UPLOADS = (2, 3600)
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture
def listed(user):
    for number in range(40):
        PackageFactory(
            author=user,
            name=f"mod_{number}",
            short_description=f"Package number {number} of the flood test. " * 6,
        )


def locked_out_everything(client: Client, user) -> str:
    """Use up the attacker's failed authentications, alice's log-in attempts from that address,
    and alice's uploads; returns her API key."""
    for _ in range(3):
        assert client.get("/api/1/guessed-key-0000/status", **ATTACKER).status_code == 401
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "guess"}, **ATTACKER)
    _, key = create_api_key(user=user)
    for version in ("1.0-1", "1.1-1"):
        spec = rockspec_file(rockspec_text(version=version), f"foo-{version}.rockspec")
        assert client.post(f"/api/1/{key}/upload", {"rockspec_file": spec}).status_code == 200
    return key


def assert_still_locked_out(client: Client, key: str) -> None:
    refused = client.get("/api/1/guessed-key-0001/status", **ATTACKER)
    assert (refused.status_code, refused.json()) == (429, {"errors": [TOO_MANY_FAILED_AUTHS]})
    login = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, **ATTACKER)
    assert "Too many failed log-in attempts" in login.content.decode()
    assert "_auth_user_id" not in client.session
    spec = rockspec_file(rockspec_text(version="1.2-1"), "foo-1.2-1.rockspec")
    upload = client.post(f"/api/1/{key}/upload", {"rockspec_file": spec})
    assert (upload.status_code, upload.json()) == (429, {"errors": [TOO_MANY_UPLOADS]})


def test_a_flood_keeps_the_counters_and_the_caches_bounds(small_cache, listed, user):
    client = Client()
    key = locked_out_everything(client, user)

    # unknown parameters: one cache entry for all of them, nothing recorded for replay
    flooder = Client(**ATTACKER)  # no cookies: its answers may be recorded for replay
    first = flooder.get("/api/packages/?type=mod")
    assert first.status_code == 200 and len(first.json()) == 40
    entries, answers = small_cache.entry_count(), len(replay._answers.entries)
    assert answers >= 1  # the request without unknown parameters was recorded
    for number in range(FLOOD):
        busted = flooder.get(f"/api/packages/?type=mod&cachebust={number}")
        assert busted.status_code == 200
        assert busted.content == first.content
    assert small_cache.entry_count() == entries
    assert len(replay._answers.entries) == answers
    # bad values are refused when the answer is built: nothing is stored under their keys
    for number in range(50):
        refused = flooder.get(f"/api/packages/?type=mod&limit=x{number}")
        assert refused.status_code == 400
    assert small_cache.entry_count() == entries

    # valid variants each make an entry: the cache stays within its bound in bytes
    for number in range(1, VARIANTS + 1):
        assert flooder.get(f"/api/packages/?limit={number}").status_code == 200
    assert small_cache.volume() <= CACHE_BYTES + 128 * 1024  # + one entry being written per shard
    assert cached_bodies._local.size <= cached_bodies.LOCAL_MAX_BYTES
    assert replay._answers.size <= replay.MAX_BYTES
    assert len(replay._answers.entries) <= replay.MAX_ENTRIES

    assert_still_locked_out(client, key)
