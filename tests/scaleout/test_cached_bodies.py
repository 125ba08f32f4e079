"""Cached list and detail bodies: ETag and 304, gzip only when asked, a write changes the answer."""

import gzip
import json

from packages.invalidation import invalidate_luanti_lists
from tests.factories import PackageFactory

LIST = "/api/packages/?type=mod"


def test_list_answers_304_to_its_own_etag(client, mod_package):
    first = client.get(LIST)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')

    again = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_gzip_only_for_clients_that_accept_it(client, user):
    # enough packages for a body worth compressing (over 1 KB)
    for n in range(12):
        PackageFactory(author=user, name=f"mod_{n}", short_description="words " * 10)
    plain = client.get(LIST)
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]

    zipped = client.get(LIST, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.content)) == json.loads(plain.content)
    assert zipped["ETag"] != plain["ETag"]  # a cache must not hand one for the other
    assert client.get(LIST, HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 200
    assert (
        client.get(LIST, HTTP_IF_NONE_MATCH=zipped["ETag"], HTTP_ACCEPT_ENCODING="gzip").status_code
        == 304
    )


def test_a_luanti_write_changes_the_cached_list_and_detail(
    client, user, mod_package, django_capture_on_commit_callbacks
):
    before = client.get(LIST)
    detail_url = f"/api/packages/{user.username}/{mod_package.name}/"
    detail = client.get(detail_url)
    assert detail.json()["title"] == "Farming"

    with django_capture_on_commit_callbacks(execute=True):
        PackageFactory(author=user, name="second")
        mod_package.title = "Farming Redux"
        mod_package.save()
        invalidate_luanti_lists()  # what every Luanti write service does when it commits

    after = client.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert {p["name"] for p in after.json()} == {"farming", "second"}
    assert client.get(detail_url).json()["title"] == "Farming Redux"


def test_detail_for_a_token_holder_is_not_served_from_the_anonymous_cache(
    client, user, mod_package
):
    from accounts.services import create_api_token

    _token, secret = create_api_token(user=user)
    url = f"/api/packages/{user.username}/{mod_package.name}/"
    anonymous = client.get(url)
    owner = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert anonymous.status_code == owner.status_code == 200
    assert "ETag" in anonymous
    assert "ETag" not in owner
