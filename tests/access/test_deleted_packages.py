"""A package a moderator deleted: nobody below moderator reads or writes it, through any entry point
(web forms, the ContentDB API, the LuaRocks pages), and its parts follow it (issue 16 finding 10)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditLogEntry, Rank
from packages.models import PackageState, Screenshot
from packages.workflow import delete_package
from releases.models import Release
from tests.access.conftest import mod_zip, png
from tests.factories import PackageFactory, ReleaseFactory, RockFactory

pytestmark = pytest.mark.django_db

BASE = "/packages/owner/farming"
API = "/api/packages/owner/farming"


@pytest.fixture
def owner(make_user):
    return make_user("owner", Rank.MEMBER)


@pytest.fixture
def moderator(make_user):
    return make_user("modo", Rank.MODERATOR)


@pytest.fixture
def deleted(owner, moderator):
    package = PackageFactory(author=owner, name="farming", title="Farming")
    package.maintainers.add(owner)
    ReleaseFactory(package=package, name="1.0", title="1.0")
    delete_package(by=moderator, package=package, reason="takedown")
    package.refresh_from_db()
    assert package.state == PackageState.DELETED
    return package


def form_data() -> dict:
    return {
        "type": "MOD",
        "name": "farming",
        "title": "Farming Back",
        "short_description": "Back again.",
        "license": "MIT",
        "media_license": "CC-BY-SA-4.0",
    }


def web_writes():
    """Every web form an owner has on a Luanti package: (method, path, data)."""
    return [
        ("get", "/edit/", None),
        ("post", "/edit/", form_data()),
        ("get", "/releases/new/", None),
        (
            "post",
            "/releases/new/",
            {
                "source": "zip",
                "title": "2.0",
                "file": SimpleUploadedFile("farming.zip", mod_zip("farming")),
            },
        ),
        ("get", "/screenshots/", None),
        (
            "post",
            "/screenshots/",
            {"title": "Shot", "file": SimpleUploadedFile("shot.png", png())},
        ),
        ("post", "/screenshots/order/", {}),
        ("post", "/submit/", {}),
        ("post", "/withdraw/", {}),
        ("get", "/history/", None),
    ]


def snapshot(package) -> tuple:
    package.refresh_from_db()
    return (
        package.title,
        package.state,
        Release.objects.filter(package=package).count(),
        Screenshot.objects.filter(package=package).count(),
        AuditLogEntry.objects.count(),
    )


@pytest.mark.parametrize("rank", [Rank.MEMBER, Rank.TRUSTED_MEMBER, Rank.EDITOR, Rank.APPROVER])
@pytest.mark.parametrize(
    ("method", "path", "data"), web_writes(), ids=[f"{m} {p}" for m, p, _ in web_writes()]
)
def test_nobody_below_moderator_reaches_a_deleted_package_through_the_web_forms(
    web, owner, deleted, make_user, rank, method, path, data
):
    # its owner, and staff below moderator (strangers to it), see a deleted package as missing
    user = owner if rank == Rank.MEMBER else make_user(f"r{int(rank)}", rank)
    before = snapshot(deleted)
    response = getattr(web(user), method)(BASE + path, data or {})
    assert response.status_code == 404
    assert snapshot(deleted) == before


def test_the_owner_sees_no_page_of_a_deleted_package(web, client, owner, deleted):
    for viewer in (client, web(owner)):
        assert viewer.get(f"{BASE}/").status_code == 404
        assert viewer.get(f"{BASE}/report/").status_code == 404
        assert viewer.get(f"{BASE}/download/").status_code == 404


def test_a_moderator_may_still_edit_a_deleted_package_on_the_web(web, moderator, deleted):
    response = web(moderator).post(f"{BASE}/edit/", form_data())
    assert response.status_code == 302
    deleted.refresh_from_db()
    assert deleted.title == "Farming Back"
    assert deleted.state == PackageState.DELETED


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("put", "/", {"title": "Farming Back"}),
        ("post", "/releases/new/", {"title": "2.0", "method": "git", "ref": "HEAD"}),
        ("post", "/screenshots/order/", []),
        ("post", "/screenshots/cover-image/", {"cover_image": 1}),
    ],
)
def test_the_owners_token_cannot_write_a_deleted_package(
    client, bearer, owner, deleted, method, path, body
):
    headers = bearer(owner)
    before = snapshot(deleted)
    response = getattr(client, method)(API + path, body, content_type="application/json", **headers)
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Package not found"}
    assert snapshot(deleted) == before


def test_a_moderators_token_may_fix_a_deleted_package(client, bearer, moderator, deleted):
    response = client.put(
        f"{API}/", {"title": "Farming Back"}, content_type="application/json", **bearer(moderator)
    )
    assert response.status_code == 200
    assert response.json()["package"]["title"] == "Farming Back"
    deleted.refresh_from_db()
    assert (deleted.title, deleted.state) == ("Farming Back", PackageState.DELETED)


def test_the_owner_cannot_edit_or_upload_to_a_deleted_rock_on_the_web(web, owner, moderator):
    rock = RockFactory(author=owner, name="lpeg2", title="lpeg2")
    ReleaseFactory(package=rock, name="1.0-1", title="1.0-1")
    delete_package(by=moderator, package=rock)
    client = web(owner)
    assert client.get("/modules/owner/lpeg2").status_code == 404
    assert client.get("/modules/owner/lpeg2/edit").status_code == 404
    response = client.post("/modules/owner/lpeg2/edit", {"summary": "back", "labels": ""})
    assert response.status_code == 404
    rock.refresh_from_db()
    assert rock.short_description == "A package made by a test."
