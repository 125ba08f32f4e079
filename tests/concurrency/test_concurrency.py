"""Concurrency on PostgreSQL, through a live server: many clients at once against one account,
one package and one file. SQLite serialises writers, so these tests only mean something on
PostgreSQL (DATABASE_URL=postgres://...), and are skipped elsewhere.

Figures are printed (pytest -s) for the issue note.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from releases.download_counts import flush_downloads
from tests.contentdb_writes.support import mod_zip
from tests.luarocks.upload_support import rockspec_text

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency needs PostgreSQL (SQLite serialises all writers); set DATABASE_URL",
    ),
]

CLIENTS = 50


def _together(count: int, call) -> list:
    """Run `call(i)` in `count` threads released at the same moment."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def alice(user, settings):
    from accounts.services import create_api_key, create_api_token

    settings.RATELIMIT_UPLOADS = (1000, 3600)
    _, key = create_api_key(user=user)
    _, token = create_api_token(user=user)
    return {"key": key, "token": token}


def test_fifty_uploads_of_one_rockspec_version_make_one_version(live_server, alice):
    from releases.models import Release, ReleaseFile

    content = rockspec_text()

    def upload(_):
        response = requests.post(
            f"{live_server.url}/api/1/{alice['key']}/upload",
            files={"rockspec_file": ("foo-1.0-1.rockspec", content)},
            timeout=60,
        )
        return response.status_code, response.json()

    answers = _together(CLIENTS, upload)
    statuses = Counter(status for status, _ in answers)
    print(f"\n50 concurrent identical rockspec uploads: {dict(statuses)}")
    assert all(status < 500 for status in statuses), statuses
    for status, body in answers:
        assert status == 200 or (400 <= status < 500 and body["errors"]), (status, body)
    assert Release.objects.filter(package__name="foo").count() == 1
    assert ReleaseFile.objects.filter(release__package__name="foo").count() == 1
    new = [body["is_new"] for status, body in answers if status == 200]
    assert new.count(True) <= 1  # at most one answer created the module


def test_concurrent_rockspec_versions_of_one_module(live_server, alice):
    """Twenty different versions of one new module at once: one module, every version stored."""
    from packages.models import Package
    from releases.models import Release

    count = 20

    def upload(i):
        version = f"1.{i}-1"
        response = requests.post(
            f"{live_server.url}/api/1/{alice['key']}/upload",
            files={"rockspec_file": (f"foo-{version}.rockspec", rockspec_text(version=version))},
            timeout=60,
        )
        return response.status_code, response.json()

    answers = _together(count, upload)
    statuses = Counter(status for status, _ in answers)
    print(f"\n{count} concurrent versions of one new module: {dict(statuses)}")
    assert statuses == {200: count}, answers
    assert Package.objects.filter(name="foo").count() == 1
    assert Release.objects.filter(package__name="foo").count() == count
    assert [body["is_new"] for _, body in answers].count(True) == 1


def test_concurrent_zip_releases_of_one_package(live_server, alice, user):
    from releases.models import Release, ReleaseFile
    from tests.factories import PackageFactory

    package = PackageFactory(author=user, name="farming", title="Farming")
    zip_bytes = mod_zip()
    count = 20

    def release(i):
        response = requests.post(
            f"{live_server.url}/api/packages/alice/farming/releases/new/",
            data={"title": f"1.{i % 10}"},  # every title twice: duplicates race each other
            files={"file": ("farming.zip", zip_bytes)},
            headers={"Authorization": f"Bearer {alice['token']}"},
            timeout=60,
        )
        return response.status_code, response.json()

    answers = _together(count, release)
    statuses = Counter(status for status, _ in answers)
    print(f"\n{count} concurrent zip releases to one package: {dict(statuses)}")
    assert all(status < 500 for status in statuses), answers
    for status, body in answers:
        assert status == 200 or (body["success"] is False and body["error"]), body
    made = Release.objects.filter(package=package)
    assert made.count() == statuses[200]
    assert len(set(made.values_list("title", flat=True))) == made.count()  # no duplicate titles
    assert ReleaseFile.objects.filter(release__package=package).count() == made.count()


def test_concurrent_downloads_lose_no_counts(live_server, alice, user, settings):
    from packages.models import Package, PackageDailyStats
    from releases.models import Release, ReleaseFile
    from tests.factories import PackageFactory
    from tests.luarocks.rockdata import publish

    PackageFactory(author=user, name="farming", title="Farming")  # approved: its zips download
    made = requests.post(
        f"{live_server.url}/api/packages/alice/farming/releases/new/",
        data={"title": "1.0"},
        files={"file": ("farming.zip", mod_zip())},
        headers={"Authorization": f"Bearer {alice['token']}"},
        timeout=60,
    )
    release_id = made.json()["release"]["id"]
    publish(user, "luafmt", "1.0-1", rocks=("src",))
    downloads = 100
    # a download counts once per client address, package and day: each request its own address
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"

    def get(i, address=None):
        path = (
            f"/packages/alice/farming/releases/{release_id}/download/?reason=new"
            if i % 2
            else "/manifests/alice/luafmt-1.0-1.src.rock"
        )
        # the LuaRocks face counts only the client's own fetchers (docs/protocols/luarocks.md 3.4)
        headers = {
            "User-Agent": "LuaRocks/3.11.1 linux-x86_64 via curl",
            "X-Real-IP": address or f"10.0.{i // 256}.{i % 256}",
        }
        response = requests.get(f"{live_server.url}{path}", headers=headers, timeout=60)
        return response.status_code

    statuses = Counter(_together(downloads, get))
    assert statuses == {200: downloads}
    # the same from one address at once: served every time, counted once per package
    repeated = Counter(_together(downloads, lambda i: get(i, address="192.0.2.1")))
    assert repeated == {200: downloads}
    downloads += 2  # what the repeated burst adds: one zip and one rock download
    flush_downloads()  # the pending counts, as the app servers write them every few seconds
    zip_release = Release.objects.get(pk=release_id)
    assert zip_release.downloads == downloads // 2  # 50 addresses + the repeated one
    assert Package.objects.get(name="farming").downloads == downloads // 2
    daily = PackageDailyStats.objects.filter(package__name="farming")
    assert sum(row.reason_new for row in daily) == downloads // 2
    rock = ReleaseFile.objects.get(filename="luafmt-1.0-1.src.rock")
    assert rock.downloads == downloads // 2
    assert Package.objects.get(name="luafmt").downloads == downloads // 2
