"""Hostile paths and queries: traversal in every path parameter and file name, integer overflow in
ids and page numbers, repeated query parameters, and look-alike package names."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.hostile.conftest import contentdb_error, luarocks_error
from tests.luarocks.upload_support import rockspec_text

pytestmark = pytest.mark.django_db

TRAVERSALS = ["..", "../..", "..%2F..%2Fsettings", "%2e%2e", "..\\..\\windows", "....//....//etc"]

# --- path traversal in every path parameter --------------------------------------------------------
TRAVERSAL_ROUTES = [
    "/api/packages/{t}/farming/",
    "/api/packages/alice/{t}/",
    "/api/packages/alice/{t}/releases/",
    "/api/users/{t}/",
    "/api/collections/{t}/{t}/",
    "/packages/{t}/farming/download/",
    "/uploads/screenshots/{t}",
    "/thumbnails/2/screenshots/{t}",
    "/manifests/{t}/manifest",
    "/manifests/alice/{t}",
    "/{t}.rockspec",
    "/api/1/{{key}}/upload_rock/{t}",
    "/api/1/{t}/status",
]


@pytest.mark.parametrize("route", TRAVERSAL_ROUTES)
@pytest.mark.parametrize("traversal", TRAVERSALS)
def test_traversal_in_path_parameters_finds_nothing(client, world, route, traversal):
    path = route.format(t=traversal).replace("{key}", world["key"])
    method = client.post if "upload_rock" in path else client.get
    response = method(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert b"SECRET_KEY" not in response.content and b"root:" not in response.content


@pytest.mark.parametrize(
    "filename",
    [
        "../../foo-1.0-1.rockspec",
        "/etc/foo-1.0-1.rockspec",
        "..\\foo-1.0-1.rockspec",
        "foo-1.0-1.rockspec/../../x",
    ],
)
def test_traversal_in_rockspec_filename_stores_nothing_outside(client, world, filename, tmp_path):
    from releases.models import ReleaseFile

    response = client.post(
        f"/api/1/{world['key']}/upload",
        {"rockspec_file": SimpleUploadedFile(filename, rockspec_text())},
    )
    assert response.status_code in (200, 400)
    for name in ReleaseFile.objects.values_list("filename", flat=True):
        assert "/" not in name and "\\" not in name and ".." not in name


@pytest.mark.parametrize(
    "filename",
    ["../../luafmt-1.0-1.src.rock", "..%2Fluafmt-1.0-1.src.rock", "/tmp/luafmt-1.0-1.src.rock"],
)
def test_traversal_in_rock_filename_stays_in_media(client, world, filename):
    """Django keeps only the last path component of a part's file name; what remains must be
    a valid rock name, and the stored file stays under MEDIA_ROOT with a plain name."""
    from releases.models import ReleaseFile

    release = world["rock"].releases.create(name="1.0-1", title="1.0-1", approved=True)
    response = client.post(
        f"/api/1/{world['key']}/upload_rock/{release.pk}",
        {"rock_file": SimpleUploadedFile(filename, b"PK\x03\x04 rock")},
    )
    if response.status_code != 200:
        luarocks_error(response, 400)
    for name, stored in ReleaseFile.objects.values_list("filename", "file"):
        assert "/" not in name and ".." not in name
        assert ".." not in stored and not stored.startswith("/")


@pytest.mark.parametrize("filename", ["../../shot.png", "..\\..\\shot.png", "/etc/shot.png"])
def test_traversal_in_screenshot_filename_stays_in_media(client, world, filename):
    from packages.models import Screenshot
    from tests.contentdb_writes.support import png_bytes

    response = client.post(
        "/api/packages/alice/farming/screenshots/new/",
        {"title": "x", "file": SimpleUploadedFile(filename, png_bytes())},
        **world["bearer"],
    )
    assert response.status_code in (200, 400), response.content
    for shot in Screenshot.objects.all():
        assert ".." not in shot.file.name and not shot.file.name.startswith("/")


def test_traversal_in_release_zip_filename_stays_in_media(client, world):
    from releases.models import ReleaseFile
    from tests.contentdb_writes.support import mod_zip

    response = client.post(
        "/api/packages/alice/farming/releases/new/",
        {"title": "2.0", "file": SimpleUploadedFile("../../../evil.zip", mod_zip())},
        **world["bearer"],
    )
    assert response.status_code in (200, 400), response.content
    for stored in ReleaseFile.objects.exclude(file="").values_list("file", flat=True):
        assert ".." not in stored and not stored.startswith("/")


# --- integer overflow in ids and page numbers -----------------------------------------------------
HUGE = [2**31, 2**63, 2**64, 10**30, -1, -(2**63)]
ID_ROUTES = [
    "/api/packages/alice/farming/releases/{n}/",
    "/api/packages/alice/farming/screenshots/{n}/",
    "/packages/alice/farming/releases/{n}/download/",
    "/tasks/{n}/",
    "/thumbnails/{n}/screenshots/x.png",
]


@pytest.mark.parametrize("route", ID_ROUTES)
@pytest.mark.parametrize("number", HUGE)
def test_huge_id_in_path_is_a_404(client, world, route, number):
    response = client.get(route.format(n=number))
    assert response.status_code in (403, 404), (route, number, response.status_code)


@pytest.mark.parametrize("number", HUGE)
def test_huge_version_id_of_rock_upload(client, world, unchanged, number):
    response = client.post(
        f"/api/1/{world['key']}/upload_rock/{number}",
        {"rock_file": SimpleUploadedFile("x.rock", b"x")},
    )
    luarocks_error(response, (400, 404))
    unchanged.check()


@pytest.mark.parametrize("number", HUGE)
def test_huge_id_in_delete_is_a_404(client, world, unchanged, number):
    for route in (
        "/api/packages/alice/farming/releases/{n}/",
        "/api/packages/alice/farming/screenshots/{n}/",
    ):
        response = client.delete(route.format(n=number), **world["bearer"])
        assert response.status_code in (404, 405)
    unchanged.check()


PAGE_QUERIES = ["page", "n", "protocol_version", "rating", "limit"]


@pytest.mark.parametrize("param", PAGE_QUERIES)
@pytest.mark.parametrize("number", HUGE)
def test_huge_numbers_in_queries_are_clean(client, world, param, number):
    for path in (
        "/api/reviews/",
        "/api/dependencies/",
        "/api/packages/",
        "/api/minetest_versions/",
    ):
        response = client.get(path, {param: number})
        assert response.status_code < 500, (path, param, number)
        if response.status_code >= 400:
            contentdb_error(response, (400, 404))


@pytest.mark.parametrize("number", [2**63, 2**64, -1, "1e309", "NaN"])
def test_huge_ids_in_json_bodies_are_refused(client, world, unchanged, number):
    base = "/api/packages/alice/farming/screenshots/"
    for path, body in (
        (base + "cover-image/", {"cover_image": number}),
        (base + "order/", [number]),
    ):
        response = client.post(path, body, content_type="application/json", **world["bearer"])
        contentdb_error(response, (400, 403, 404))
    unchanged.check()


# --- repeated query parameters -------------------------------------------------------------------
REPEATED = [
    "/api/packages/?type=mod&type=game&type=txp",
    "/api/packages/?q=a&q=b&sort=score&sort=name",
    "/api/reviews/?page=1&page=2&n=1&n=-1",
    "/api/dependencies/?n=1&n=2&page=3&page=1",
    "/api/packages/alice/farming/for-client/?protocol_version=1&protocol_version=x",
    "/api/1/{key}/check_rockspec?package=luafmt&package=other&version=1&version=2",
    "/packages/alice/farming/download/?reason=new&reason=update",
]


@pytest.mark.parametrize("path", REPEATED)
def test_repeated_query_parameters_are_answered_cleanly(client, world, path):
    response = client.get(
        path.replace("{key}", world["key"]), **({} if "/api/1/" in path else world["bearer"])
    )
    assert response.status_code < 500
    if response.status_code >= 400 and path.startswith("/api/"):
        check = luarocks_error if "/api/1/" in path else contentdb_error
        check(response)


# --- look-alike names ----------------------------------------------------------------------------
LOOKALIKES = {
    "case": "Farming",
    "upper": "FARMING",
    "fullwidth (NFKC farming)": "\uff46\uff41\uff52\uff4d\uff49\uff4e\uff47",
    "cyrillic i": "farm\u0456ng",
    "ligature fi (NFKC)": "\ufb01rming",
    "combining accent": "farmi\u0301ng",
    "zero-width joiner": "farm\u200ding",
}


@pytest.mark.parametrize("name", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_lookalike_luanti_package_name_is_refused(client, world, unchanged, name):
    data = {
        "type": "MOD",
        "name": name,
        "title": "Farming 2",
        "short_description": "s",
        "license": "MIT",
        "media_license": "MIT",
    }
    response = client.post(
        "/api/packages/", data, content_type="application/json", **world["bearer"]
    )
    contentdb_error(response, (400, 403))
    unchanged.check()


@pytest.mark.parametrize(
    "name",
    ["LuaFmt", "LUAFMT", "\uff4c\uff55\uff41\uff46\uff4d\uff54", "lua\uff46mt", "lu\u0430fmt"],
)
def test_lookalike_rock_name_is_refused(client, world, unchanged, name):
    content = rockspec_text(package=name)
    response = client.post(
        f"/api/1/{world['key']}/upload",
        {"rockspec_file": SimpleUploadedFile("luafmt-1.0-1.rockspec", content)},
    )
    if response.status_code == 200:  # the same module, by its canonical name: no new package
        assert response.json()["module"]["name"] == "luafmt"
        from packages.models import Package

        assert Package.objects.filter(name__iexact="luafmt").count() == 1
        return
    luarocks_error(response, (400, 403))
    unchanged.check()
