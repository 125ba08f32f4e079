"""Screenshot writes, their files and thumbnails (docs/protocols/contentdb.md "Screenshots")."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.services import create_api_token
from packages.models import Package, PackageState, Screenshot
from tests.contentdb_writes.support import SVG, media_files, pixel_bomb_png, png_bytes
from tests.factories import PackageFactory

BASE = "/api/packages/alice/farming/screenshots/"


@pytest.fixture(autouse=True)
def _owner_session(request):
    """The images of a work-in-progress package are for its people: the test client fetches them
    as alice, signed in on the web (the API calls still carry their own Bearer headers)."""
    if "wip_mod" in request.fixturenames:
        request.getfixturevalue("client").force_login(request.getfixturevalue("user"))


def add(client, headers, content: bytes, *, filename="shot.png", **fields):
    data = {"title": "A field", **fields, "file": SimpleUploadedFile(filename, content)}
    return client.post(f"{BASE}new/", data, **headers)


@pytest.mark.django_db
def test_screenshot_is_stored_and_served_as_an_image_that_is_never_sniffed(client, token, wip_mod):
    content = png_bytes(1280, 720)
    response = add(client, token, content)
    assert response.status_code == 200, response.content
    body = response.json()
    shot = Screenshot.objects.get()
    assert body["success"] is True
    assert body["screenshot"]["id"] == shot.pk
    assert body["screenshot"]["title"] == "A field"
    assert (body["screenshot"]["width"], body["screenshot"]["height"]) == (1280, 720)
    assert body["screenshot"]["approved"] is True
    assert body["screenshot"]["order"] == 1
    assert body["screenshot"]["url"].endswith(f"/uploads/{shot.file.name}")
    served = client.get(f"/uploads/{shot.file.name}")
    assert served.status_code == 200
    assert served["Cache-Control"] == "private, no-store"  # a work in progress: not shared
    assert Client().get(f"/uploads/{shot.file.name}").status_code == 404
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert served.content == content


@pytest.mark.django_db
def test_jpeg_named_png_is_stored_under_its_real_format(client, token, wip_mod):
    response = add(client, token, png_bytes(fmt="JPEG"), filename="looks.png")
    assert response.status_code == 200
    name = Screenshot.objects.get().file.name
    assert name.endswith(".jpg")
    assert client.get(f"/uploads/{name}")["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("level", "size"), [(1, (100, 67)), (2, (270, 180)), (3, (350, 233)), (4, (1100, 520))]
)
def test_thumbnails_have_contentdb_sizes_and_are_rendered_once(client, token, wip_mod, level, size):
    add(client, token, png_bytes(1280, 720))
    name = Screenshot.objects.get().file.name
    url = f"/thumbnails/{level}/{name}"
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert first["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(first.content)).size == size
    stored = f"thumbnails/{level}/{name}"
    assert default_storage.exists(stored)
    # The second request serves the stored bytes: replace them and see the answer follow.
    default_storage.delete(stored)
    default_storage.save(stored, io.BytesIO(b"stored-once"))
    assert client.get(url).content == b"stored-once"


@pytest.mark.django_db
def test_stored_images_cost_one_query(client, token, wip_mod, django_assert_num_queries):
    add(client, token, png_bytes())
    Package.objects.update(state=PackageState.APPROVED)
    name = Screenshot.objects.get().file.name
    public = Client()
    public.get(f"/thumbnails/2/{name}")
    # the screenshot with its package, by an indexed file name: whether the viewer may see it
    with django_assert_num_queries(2):
        thumbnail = public.get(f"/thumbnails/2/{name}")
        upload = public.get(f"/uploads/{name}")
    assert (thumbnail.status_code, upload.status_code) == (200, 200)
    assert upload["Cache-Control"] == "public, max-age=604800"


@pytest.mark.django_db
def test_thumbnail_extension_may_differ_from_the_upload(client, token, wip_mod):
    add(client, token, png_bytes(fmt="WEBP"), filename="shot.webp")
    stem = Screenshot.objects.get().file.name.rsplit(".", 1)[0]
    response = client.get(f"/thumbnails/2/{stem}.png")  # the newest client asks for .png
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).format == "PNG"
    assert client.get(f"/thumbnails/2/{stem}.jpg")["Content-Type"] == "image/jpeg"
    assert client.get(f"/thumbnails/9/{stem}.png").status_code == 403
    assert client.get("/thumbnails/2/screenshots/nothing.png").status_code == 404
    assert client.get(f"/thumbnails/2/{stem}.svg").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"definitely not an image", "shot.png", "Uploaded image isn't actually an image"),
        (png_bytes()[:400], "shot.png", "The image is damaged or truncated"),
        (
            pixel_bomb_png(),
            "shot.png",
            "The image has too many pixels (at most 16,777,216 are accepted)",
        ),
        (pixel_bomb_png(5000, 4000), "shot.png", "The image has too many pixels"),
        (
            png_bytes(1, 1),
            "shot.png",
            "Screenshot is too small (1x1), it should be at least 920 by 517 pixels",
        ),
        (SVG, "shot.svg", "Please upload a PNG, JPEG, or WebP image file"),
        (SVG, "shot.png", "Uploaded image isn't actually an image"),
        (png_bytes(fmt="GIF"), "shot.png", "Uploaded image isn't actually an image"),
    ],
    ids=[
        "not-an-image",
        "truncated",
        "pixel-bomb",
        "pixel-bomb-below-pillow-limit",
        "1x1",
        "svg",
        "svg-named-png",
        "gif",
    ],
)
def test_hostile_image_is_refused_and_nothing_is_stored(
    client, token, wip_mod, content, filename, message
):
    before = media_files()
    response = add(client, token, content, filename=filename)
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert response.json()["error"].startswith(message)
    assert not Screenshot.objects.exists()
    assert media_files() == before


@pytest.mark.django_db
def test_create_checks_in_contentdb_order(client, user, token, other_token, wip_mod):
    assert add(client, {}, png_bytes()).status_code == 401
    response = add(client, other_token, png_bytes())
    assert response.status_code == 403
    assert response.json()["error"] == "You do not have the permission to create screenshots"
    response = client.post(
        f"{BASE}new/", {"file": SimpleUploadedFile("a.png", png_bytes())}, **token
    )
    assert response.json() == {"success": False, "error": "Title is required in the POST data"}
    response = client.post(f"{BASE}new/", {"title": "x"}, **token)
    assert response.json() == {"success": False, "error": "Missing 'file' in multipart body"}
    other = PackageFactory(author=user, name="other")
    _, secret = create_api_token(user=user, package=other)
    response = add(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}, png_bytes())
    assert response.status_code == 403
    assert response.json()["error"] == "API token does not have access to the package"
    assert not Screenshot.objects.exists()


def _three(client, token) -> list[int]:
    return [
        add(client, token, png_bytes(), title=f"s{n}").json()["screenshot"]["id"] for n in range(3)
    ]


@pytest.mark.django_db
def test_order_renumbers_all_screenshots(client, token, wip_mod):
    a, b, c = _three(client, token)
    response = client.post(f"{BASE}order/", [c, a, b], content_type="application/json", **token)
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert list(Screenshot.objects.order_by("order").values_list("pk", "order")) == [
        (c, 1),
        (a, 2),
        (b, 3),
    ]
    listed = client.get(BASE, **token).json()  # a WIP package is visible to its owner
    assert [s["id"] for s in listed] == [c, a, b]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"order": []}, "Expected order body to be array"),
        (["x"], "Invalid id, not a number: 'x'"),
        ([999], "Unable to find screenshot with id=999"),
        ("partial", "The order must list each of the package's screenshots exactly once"),
        ("duplicate", "The order must list each of the package's screenshots exactly once"),
    ],
)
def test_bad_order_is_refused_and_nothing_changes(client, user, token, wip_mod, body, message):
    a, b, c = _three(client, token)
    foreign = PackageFactory(author=user, name="other")
    Screenshot.objects.create(
        package=foreign, title="x", file="screenshots/x.png", width=1, height=1
    )
    if body == "partial":
        body = [c, a]
    elif body == "duplicate":
        body = [a, a, b, c]
    response = client.post(f"{BASE}order/", body, content_type="application/json", **token)
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": message}
    assert list(
        Screenshot.objects.filter(package=wip_mod).order_by("order").values_list("pk", flat=True)
    ) == [a, b, c]


@pytest.mark.django_db
def test_order_with_another_packages_screenshot_is_refused(client, user, token, wip_mod):
    a, b, c = _three(client, token)
    foreign = PackageFactory(author=user, name="other")
    x = Screenshot.objects.create(
        package=foreign, title="x", file="screenshots/x.png", width=1, height=1
    )
    response = client.post(
        f"{BASE}order/", [a, b, c, x.pk], content_type="application/json", **token
    )
    assert response.json() == {
        "success": False,
        "error": f"Unable to find screenshot with id={x.pk}",
    }


@pytest.mark.django_db
def test_cover_image_moves_between_screenshots(client, token, wip_mod):
    a, b, _ = _three(client, token)
    url = f"{BASE}cover-image/"
    assert client.post(
        url, {"cover_image": a}, content_type="application/json", **token
    ).json() == {"success": True}
    assert (
        client.post(
            url, {"cover_image": str(b)}, content_type="application/json", **token
        ).status_code
        == 200
    )
    assert list(Screenshot.objects.filter(is_cover_image=True).values_list("pk", flat=True)) == [b]
    response = client.post(url, {"cover": a}, content_type="application/json", **token)
    assert response.json()["error"] == "Expected body to be an object with cover_image as a key"
    response = client.post(url, {"cover_image": 999}, content_type="application/json", **token)
    assert response.json() == {"success": False, "error": "Unable to find screenshot"}
    new = add(client, token, png_bytes(), title="cover", is_cover_image="true").json()["screenshot"]
    assert new["is_cover_image"] is True
    assert list(Screenshot.objects.filter(is_cover_image=True).values_list("pk", flat=True)) == [
        new["id"]
    ]


@pytest.mark.django_db
def test_delete_removes_the_row_file_and_thumbnails(
    client, token, wip_mod, django_capture_on_commit_callbacks
):
    add(client, token, png_bytes())
    shot = Screenshot.objects.get()
    client.get(f"/thumbnails/1/{shot.file.name}")
    stored = {shot.file.name, f"thumbnails/1/{shot.file.name}"}
    assert stored <= media_files()
    url = f"{BASE}{shot.pk}/"
    assert client.delete(f"{BASE}999/", **token).status_code == 404
    assert client.delete(url).status_code == 401
    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits
        response = client.delete(url, **token)
        assert stored <= media_files()
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert not Screenshot.objects.exists()
    assert not (stored & media_files())


@pytest.mark.django_db
def test_every_screenshot_write_reaches_the_cached_list_and_detail(
    client, user, token, django_capture_on_commit_callbacks
):
    """Add, reorder and delete each show at once in the (cached) anonymous answers.

    The list's thumbnail is the first approved screenshot by order, as ContentDB's (not the cover).
    """
    from accounts.models import Rank

    user.rank = Rank.TRUSTED_MEMBER  # approved packages: only trusted members' shots are approved
    user.save()
    PackageFactory(author=user, name="farming", title="Farming")

    def thumbnail():
        return client.get("/api/packages/").json()[0]["thumbnail"]

    def shots():  # the detail lists the screenshots' URLs, in order
        urls = client.get("/api/packages/alice/farming/").json()["screenshots"]
        titles = {shot.file.name: shot.title for shot in Screenshot.objects.all()}
        return [titles[url.split("/uploads/")[1]] for url in urls]

    def committed(write):  # the test's transaction never commits: run what commit would run
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    assert (thumbnail(), shots()) == (None, [])  # both answers are cached now
    committed(lambda: add(client, token, png_bytes(), title="first"))
    committed(lambda: add(client, token, png_bytes(), title="second"))
    first, second = Screenshot.objects.order_by("order")
    assert first.file.name in thumbnail()
    assert shots() == ["first", "second"]
    order = [second.pk, first.pk]
    ordered = committed(lambda: client.post(f"{BASE}order/", order, "application/json", **token))
    assert ordered.status_code == 200, ordered.content
    assert shots() == ["second", "first"]
    assert second.file.name in thumbnail()
    assert committed(lambda: client.delete(f"{BASE}{first.pk}/", **token)).status_code == 200
    assert shots() == ["second"]
    assert second.file.name in thumbnail()
