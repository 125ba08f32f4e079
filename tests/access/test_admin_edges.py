"""The admin follows the same rules as the faces: approvers see no deleted package (nor its parts),
and no change form writes a field that a service owns, so nothing skips the audit log and the
cache invalidation (issue 25 item 8)."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import AuditLogEntry, Rank
from accounts.services import create_api_key, create_api_token
from packages.models import (
    Collection,
    ContentWarning,
    Language,
    License,
    LuantiVersion,
    MetaPackage,
    Package,
    PackageAlias,
    PackageDailyStats,
    PackageState,
    Report,
    ReportReason,
    Review,
    Tag,
)
from packages.screenshots import add_screenshot
from packages.workflow import delete_package
from releases.models import FileKind, Release, ReleaseFile
from tests.access.conftest import png
from tests.factories import PackageFactory, ReleaseFactory, RockFactory

pytestmark = pytest.mark.django_db


def url(obj, view: str = "change") -> str:
    opts = obj._meta
    args = [] if view in ("changelist", "add") else [obj.pk]
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def approver(make_user):
    return make_user("appro", Rank.APPROVER, is_staff=True)


@pytest.fixture
def moderator(make_user):
    return make_user("modo", Rank.MODERATOR, is_staff=True)


@pytest.fixture
def boss(make_user):
    return make_user("boss", Rank.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def deleted(make_user, moderator):
    package = PackageFactory(author=make_user("owner"), name="gone", title="Gone Package")
    ReleaseFactory(package=package, name="4.5.6", title="4.5.6", approved=False)
    add_screenshot(package=package, by=package.author, title="Gone shot", file=png())
    delete_package(by=moderator, package=package, reason="takedown")
    return package


def test_an_approver_cannot_open_a_deleted_packages_pages_in_the_admin(web, approver, deleted):
    client = web(approver)
    change = client.get(url(deleted))
    assert change.status_code == 302  # Django's "does not exist" answer: back to the admin index
    assert b"Gone Package" not in client.get(change["Location"]).content
    review = client.get(reverse("admin:packages_package_review", args=[deleted.pk]))
    assert review.status_code in (403, 404)
    filtered = client.get(url(Package, "changelist") + "?state__exact=DELETED")
    assert filtered.status_code == 200
    assert "Gone Package" not in filtered.content.decode()
    changelist = client.get(url(Package, "changelist")).content.decode()
    assert "Gone Package" not in changelist
    assert "?state__exact=DELETED" not in changelist  # the filter offers no deleted state
    for model, text in ((Release, "4.5.6"), (ReleaseFile, "gone"), (Review, "Gone")):
        assert text not in client.get(url(model, "changelist")).content.decode()
    shot = deleted.screenshots.get()
    assert "Gone shot" not in client.get(url(shot, "changelist")).content.decode()
    assert client.get(url(shot)).status_code == 302


def test_a_moderator_still_sees_it(web, moderator, deleted):
    client = web(moderator)
    assert client.get(url(deleted)).status_code == 200
    assert "Gone Package" in client.get(url(Package, "changelist")).content.decode()
    assert "?state__exact=DELETED" in client.get(url(Package, "changelist")).content.decode()


def test_unticking_approved_on_a_release_change_form_changes_nothing(web, boss, make_user):
    rock = RockFactory(author=make_user("rocker"), name="steady")
    release = ReleaseFactory(package=rock, name="1.0-1", title="1.0-1")
    release.files.create(
        kind=FileKind.ROCKSPEC, filename="steady-1.0-1.rockspec", file="r/x", size=1
    )
    client = web(boss)
    assert "steady" in client.get("/manifests/rocker/manifest-5.1").content.decode()
    page = client.get(url(release))
    assert page.status_code == 200
    assert b'name="approved"' not in page.content
    response = client.post(url(release), {"name": "1.0-1", "title": "1.0-1", "_save": "Save"})
    assert response.status_code in (302, 403)
    release.refresh_from_db()
    assert release.approved
    assert "steady" in client.get("/manifests/rocker/manifest-5.1").content.decode()


# Every admin change form, as a superuser sees it: the editable fields are reference data or a
# label only; everything a service owns is shown read-only, added and deleted only by the services.
EDITABLE = {
    Tag: None,  # reference data, edited nowhere else: every field
    ContentWarning: None,
    License: None,
    LuantiVersion: None,
    Language: None,
    MetaPackage: None,
    Collection: None,
    AuditLogEntry: set(),
    Package: set(),
    PackageAlias: set(),
    Review: set(),
    Report: set(),
    PackageDailyStats: set(),
    Release: set(),
    ReleaseFile: set(),
}
SKIPPED = {"User"}  # the accounts' own form (rank, suspension are read-only there already)
FORM_NOISE = re.compile(r"^(csrfmiddlewaretoken|_\w+|\w+-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)$")


def rows(boss):
    package = PackageFactory(author=boss, name="every")
    release = ReleaseFactory(package=package, name="1.0")
    shot = add_screenshot(package=package, by=boss, title="Shot", file=png())
    key, _ = create_api_key(user=boss)
    token, _ = create_api_token(user=boss, package=package)
    return {
        "Package": package,
        "PackageAlias": PackageAlias.objects.create(package=package, author="x", name="every"),
        "Review": Review.objects.create(package=package, author=boss, rating=5, title="Yes"),
        "Report": Report.objects.create(package=package, reason=ReportReason.SPAM, text="x"),
        "PackageDailyStats": PackageDailyStats.objects.create(package=package, date="2026-01-01"),
        "Release": release,
        "ReleaseFile": release.files.create(kind=FileKind.ZIP, filename="e.zip", file="z", size=1),
        "Screenshot": shot,
        "ApiKey": key,
        "ApiToken": token,
        "AuditLogEntry": AuditLogEntry.objects.first(),
        "Collection": Collection.objects.create(author=boss, name="c", title="C"),
        "MetaPackage": MetaPackage.objects.create(name="every"),
    }


LABELS = {"ApiKey": {"comment"}, "ApiToken": {"name"}, "Screenshot": set()}


OURS = {"accounts", "packages", "releases", "media_tools"}


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in OURS and m.__name__ not in SKIPPED],
    ids=lambda m: m.__name__,
)
def test_no_change_form_edits_what_a_service_owns(web, boss, model):
    found = rows(boss).get(model.__name__) or model.objects.first()
    client = web(boss)
    page = client.get(url(found)).content.decode()
    form = page.split('id="content-main"', 1)[1]
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", form)
    shown = [f for f in fields if 'type="hidden"' not in f and 'type="submit"' not in f]
    names = {re.search(r'name="([^"]+)"', f)[1] for f in shown if 'name="' in f}
    names = {n for n in names if not FORM_NOISE.match(n)}
    allowed = EDITABLE.get(model, LABELS.get(model.__name__, set()))
    if allowed is None:
        return  # reference data: the admin is its only editor
    assert names <= allowed, names - allowed
    assert client.get(url(model, "add")).status_code == 403
    deleted = client.post(url(found, "delete"), {"post": "yes"})
    assert deleted.status_code == 403
    assert model.objects.filter(pk=found.pk).exists()


def test_hard_bulk_delete_is_offered_nowhere_a_service_deletes(web, boss):
    made = rows(boss)
    client = web(boss)
    for name in ("Release", "ReleaseFile", "Screenshot", "Report", "PackageAlias"):
        obj = made[name]
        client.post(
            url(obj, "changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert type(obj).objects.filter(pk=obj.pk).exists(), name


def test_packages_cannot_be_added_in_the_admin(web, boss):
    assert web(boss).get(reverse("admin:packages_package_add")).status_code == 403
    assert not Package.objects.filter(state=PackageState.WIP).exists()
