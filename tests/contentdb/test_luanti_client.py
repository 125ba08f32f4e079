"""Replays the requests the Luanti client's content browser makes (docs/protocols/luanti-client.md) and
checks every key it reads is there with the type it expects.

5.6 (docs/protocols/luanti-client.md section 11, recorded against a stub): list, dependencies, downloads. Newest (5.10+): the
for-client package page and the update check.
"""

import io
import re
import zipfile

import pytest
from PIL import Image

from packages.models import DevState, License, MetaPackage, PackageDependency, PackageType
from tests.contentdb.conftest import make_release, make_screenshot
from tests.factories import PackageFactory, UserFactory

pytestmark = pytest.mark.django_db

UA_56 = {"HTTP_USER_AGENT": "Minetest/5.6.1 (Linux/6.1.0 x86_64)"}
UA_NEW = {
    "HTTP_USER_AGENT": "Luanti/5.18.0-dev (Linux/6.1.0 x86_64)",
    "HTTP_ACCEPT_LANGUAGE": "de, en;q=0.8",
}
LIST_56 = (
    "/api/packages/?type=mod&type=game&type=txp&protocol_version=41&engine_version=5.6.1"
    "&hide=nonfree&hide=desktop_default"
)
NEWEST = "protocol_version=53&engine_version=5.18.0-dev"
# what the newest client drops from the list (5.17+)
AUTHOR_RE = re.compile(r"^[A-Za-z0-9 _.\-]+$")
NAME_RE = re.compile(r"^[a-z0-9_]+$")


@pytest.fixture
def store(user):
    spaced = UserFactory(username="Some One")
    dep = PackageFactory(author=user, name="dep", title="Dep")
    dep.provides.add(MetaPackage.objects.create(name="dep"))
    hello = PackageFactory(author=user, name="hello", title="Hello")
    hello.provides.add(MetaPackage.objects.create(name="hello"))
    PackageDependency.objects.create(
        depender=hello, meta_package=MetaPackage.objects.get(name="dep")
    )
    game = PackageFactory(author=spaced, name="valley_game", type=PackageType.GAME)
    txp = PackageFactory(author=user, name="crisp", type=PackageType.TXP)
    nonfree = PackageFactory(
        author=user, name="closed", media_license=License.objects.get(name="CC-BY-NC-4.0")
    )
    old = PackageFactory(author=user, name="old", dev_state=DevState.DEPRECATED)
    future = PackageFactory(author=user, name="future")
    releases = {p.name: make_release(p) for p in (dep, hello, game, txp, nonfree, old)}
    releases["future"] = make_release(future, min_version="5.10")
    make_screenshot(hello, "hello")
    return releases


def check_list_item(item: dict) -> None:
    assert isinstance(item["author"], str) and AUTHOR_RE.match(item["author"])
    assert isinstance(item["name"], str) and NAME_RE.match(item["name"])
    assert item["type"] in ("mod", "game", "txp")
    assert isinstance(item["title"], str)
    assert isinstance(item["short_description"], str)
    assert isinstance(item["release"], int) and not isinstance(item["release"], bool)
    assert item["thumbnail"] is None or isinstance(item["thumbnail"], str)
    if "aliases" in item:
        assert all(isinstance(a, str) and "/" in a for a in item["aliases"])


def content_root(data: bytes) -> list[str]:
    """pkgmgr.get_base_folder: files at the root, or everything inside exactly one folder."""
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    if "init.lua" in names:
        return names
    tops = {n.split("/", 1)[0] for n in names if "/" in n}
    assert len(tops) == 1, names
    top = tops.pop()
    assert f"{top}/init.lua" in names
    return names


def download(client, url: str) -> bytes:
    response = client.get(url, **UA_56)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


def test_luanti_56_browse_and_install(client, store):
    # A: open "Browse online content"
    response = client.get(LIST_56, **UA_56)
    assert response.status_code == 200
    items = response.json()
    assert isinstance(items, list)
    for item in items:
        check_list_item(item)
    ids = {f"{i['author'].lower()}/{i['name']}": i for i in items}
    # nonfree and deprecated hidden; a release needing 5.10 is not offered to 5.6
    assert set(ids) == {"alice/dep", "alice/hello", "some one/valley_game", "alice/crisp"}
    assert ids["alice/hello"]["release"] == store["hello"].pk
    assert ids["alice/hello"]["thumbnail"].startswith("http")

    # F: install hello -> its hard dependencies (5.6 asks for every type)
    response = client.get(
        "/api/packages/alice/hello/dependencies/?only_hard=1&protocol_version=41&engine_version=5.6.1",
        **UA_56,
    )
    graph = response.json()
    assert isinstance(graph["alice/hello"], list)
    [dep] = graph["alice/hello"]
    assert dep == {"name": "dep", "is_optional": False, "packages": ["alice/dep"]}
    assert all(key.lower() in ids or key == "alice/hello" for key in graph)
    game_deps = client.get(
        "/api/packages/Some%20One/valley_game/dependencies/?only_hard=1&protocol_version=41"
        "&engine_version=5.6.1",
        **UA_56,
    ).json()
    assert game_deps == {"Some One/valley_game": []}

    # G: downloads by the release ids of the list, reasons new and dependency
    hello_zip = download(
        client,
        f"/packages/alice/hello/releases/{ids['alice/hello']['release']}/download/?reason=new",
    )
    dep_zip = download(
        client,
        f"/packages/alice/dep/releases/{ids['alice/dep']['release']}/download/?reason=dependency",
    )
    assert "hello/init.lua" in content_root(hello_zip)
    assert "dep/init.lua" in content_root(dep_zip)
    assert hello_zip == store["hello"].files.get().file.open("rb").read()


def test_author_with_space_downloads_url_encoded(client, store):
    release = store["valley_game"]
    response = client.get(
        f"/packages/Some%20One/valley_game/releases/{release.pk}/download/?reason=new", **UA_56
    )
    assert response.status_code == 200


def test_newest_client_package_page_update_check_and_list(client, store):
    items = client.get(
        f"/api/packages/?type=mod&type=game&type=txp&{NEWEST}&hide=nonfree&hide=desktop_default",
        **UA_NEW,
    ).json()
    assert {i["name"] for i in items} == {"dep", "hello", "valley_game", "crisp", "future"}
    for item in items:
        check_list_item(item)

    # D: package page
    page = client.get(
        f"/api/packages/alice/hello/for-client/?{NEWEST}&formspec_version=11&include_images=false",
        **UA_NEW,
    ).json()
    assert page["name"] == "hello"
    assert isinstance(page["author"], str)
    assert isinstance(page["downloads"], int)
    assert {k: type(v) for k, v in page["reviews"].items()} == {
        "positive": int,
        "neutral": int,
        "negative": int,
    }
    assert isinstance(page["download_size"], str)
    assert all(isinstance(s["url"], str) for s in page["screenshots"])
    for key in ("long_description", "info_hypertext"):
        assert isinstance(page[key]["head"], str)
        assert isinstance(page[key]["body"], str)
        assert isinstance(page[key]["links"], dict)
    for key in ("donate_url", "website", "repo", "issue_tracker", "translation_url", "forum_url"):
        assert page[key] is None or isinstance(page[key], str)

    # B: update check
    updates = client.get(f"/api/updates/?type=mod&type=game&type=txp&{NEWEST}", **UA_NEW).json()
    assert updates["alice/hello"] == store["hello"].pk
    assert all(isinstance(v, int) for v in updates.values())


def test_download_latest_and_errors(client, store, user):
    latest = client.get("/packages/alice/hello/download/", **UA_56)
    assert latest.status_code == 200
    assert b"".join(latest.streaming_content)[:2] == b"PK"
    assert client.get("/packages/alice/future/download/?protocol_version=41").status_code == 404
    assert client.get("/packages/alice/future/download/?engine_version=5.12.0").status_code == 200
    other = store["dep"].pk
    assert client.get(f"/packages/alice/hello/releases/{other}/download/").status_code == 404
    assert client.get("/packages/alice/nothing/download/").status_code == 404
    assert client.post("/packages/alice/hello/download/").status_code == 405
    unapproved = make_release(PackageFactory(author=user, name="later"), approved=False)
    assert (
        client.get(f"/packages/alice/later/releases/{unapproved.pk}/download/").status_code == 404
    )
    client.force_login(user)
    assert (
        client.get(f"/packages/alice/later/releases/{unapproved.pk}/download/").status_code == 200
    )


def test_newest_client_reviews_tab_is_one_hypertext_object(client, store):
    from packages.models import Review

    hello = store["hello"].package
    fan = UserFactory(username="fan", display_name="A <fan>")
    Review.objects.create(
        package=hello, author=fan, rating=5, title="Great [mod]", comment="See https://example.org"
    )
    url = f"/api/packages/alice/hello/for-client/reviews/?{NEWEST}&formspec_version=11"
    page = client.get(url, **UA_NEW).json()
    assert set(page) >= {"head", "body", "links"}
    assert page["body"].startswith("<thumbsup> <big>Great [mod]</big>")
    assert "A \\<fan\\>" in page["body"]
    assert list(page["links"].values()) == ["https://example.org"]
    assert all(name.startswith("review_") for name in page["links"])
    empty = client.get(
        f"/api/packages/alice/dep/for-client/reviews/?{NEWEST}&formspec_version=11"
    ).json()
    assert empty["body"] == "No reviews available.\n"
    assert client.get("/api/packages/alice/dep/for-client/reviews/").status_code == 400


def test_luanti_56_list_thumbnail_of_a_webp_screenshot_is_a_png(client, user, settings):
    """5.6 fetches the list's `thumbnail` as given and cannot draw WebP ("Could not load texture",
    seen in tests/e2e/test_luanti_engine.py), while uploads may be WebP: the list and the package
    answer offer the PNG rendering of such a screenshot."""
    from packages.screenshots import add_screenshot

    settings.SITE_URL = "http://testserver"
    package = PackageFactory(author=user, name="hello", title="Hello")
    make_release(package)
    picture = io.BytesIO()
    Image.new("RGB", (1280, 720), (30, 120, 200)).save(picture, "WEBP")
    shot = add_screenshot(package=package, by=user, title="Night", file=picture.getvalue())
    shot.approved = True
    shot.save(update_fields=["approved"])
    assert shot.file.name.endswith(".webp")
    stem = shot.file.name.rsplit("/", 1)[1].removesuffix(".webp")

    [item] = client.get(LIST_56, **UA_56).json()
    detail = client.get("/api/packages/alice/hello/", **UA_56).json()
    expected = f"http://testserver/thumbnails/1/screenshots/{stem}.png"
    assert item["thumbnail"] == detail["thumbnail"] == expected

    thumbnail = client.get(expected.removeprefix("http://testserver"), **UA_56)
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(thumbnail.content)).format == "PNG"
