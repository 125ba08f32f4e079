"""Moderators work through the admin's own HTTP views: the queue page, the review page, and the
changelist action forms (POST action + _selected_action, then the intermediate form with `apply`).
Each action runs the same service as the faces, so each leaves an audit row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditLogEntry, Rank
from packages.models import Package, PackageState, Report, ReportReason, Review, Screenshot
from releases.models import Release
from tests.factories import PackageFactory, ReleaseFactory, RockFactory, UserFactory
from tests.logins import log_in_to_the_admin

S = PackageState
PACKAGES = reverse("admin:packages_package_changelist")
USERS = reverse("admin:accounts_user_changelist")
QUEUE = reverse("admin:packages_package_moderation_queue")


def act(client, url, action, *objs, **fields):
    data = {"action": action, "_selected_action": [o.pk for o in objs], **fields}
    return client.post(url, data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def mod_client(client, staff_moderator):
    return log_in_to_the_admin(client, staff_moderator)


def test_the_queue_lists_what_waits_oldest_first_with_links(mod_client, make_package, make_user):
    from django.utils import timezone

    old = make_package(state=S.READY_FOR_REVIEW, name="old_one", title="Old One")
    new = make_package(state=S.READY_FOR_REVIEW, name="new_one", title="New One")
    Package.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - timezone.timedelta(days=3)
    )
    Package.objects.filter(pk=new.pk).update(submitted_at=timezone.now())
    make_package(state=S.WIP, name="draft_one", title="Draft One")
    waiting = ReleaseFactory(package=PackageFactory(), name="9.9.9", approved=False)
    Report.objects.create(package=new, reason=ReportReason.SPAM, text="Ads everywhere")
    body = mod_client.get(QUEUE).content.decode()
    assert body.index("Old One") < body.index("New One")
    assert "Draft One" not in body
    assert "9.9.9" in body and "Ads everywhere" in body
    assert reverse("admin:packages_package_review", args=[old.pk]) in body
    assert f"{reverse('admin:releases_release_changelist')}?package__id__exact={old.pk}" in body
    assert reverse("admin:releases_release_change", args=[waiting.pk]) in body


def test_the_queue_page_costs_the_same_number_of_queries_for_2_or_8_packages(
    mod_client, make_package
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert mod_client.get(QUEUE).status_code == 200
        return len(queries)

    for i in range(2):
        make_package(state=S.READY_FOR_REVIEW, name=f"a{i}")
    small = count()
    for i in range(6):
        make_package(state=S.READY_FOR_REVIEW, name=f"b{i}")
    assert count() == small


def test_the_review_page_shows_the_rendered_description_and_the_files(mod_client, make_package):
    package = make_package(
        state=S.READY_FOR_REVIEW,
        long_description="# Big title\n\n<script>alert(1)</script>**bold**",
    )
    release = package.releases.get()
    release.files.create(
        kind="zip", file="releases/x.zip", filename="x.zip", size=10, sha256="a" * 64
    )
    body = mod_client.get(
        reverse("admin:packages_package_review", args=[package.pk])
    ).content.decode()
    assert "<strong>bold</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert "x.zip" in body and "a" * 64 in body


def test_a_member_cannot_open_the_queue(client, author):
    client.force_login(author)
    assert client.get(QUEUE).status_code == 302  # not staff: the admin sends them to log in


def test_approve_action_approves_and_audits(mod_client, make_package, staff_moderator):
    package = make_package(state=S.READY_FOR_REVIEW)
    response = act(mod_client, PACKAGES, "approve_packages", package)
    assert response.status_code == 200
    assert "Approved: 1." in messages_of(response)
    package.refresh_from_db()
    assert package.state == S.APPROVED
    assert AuditLogEntry.objects.get(action="package.approve").causer == staff_moderator


def test_approve_action_reports_a_refusal_per_package(mod_client, make_package):
    draft = make_package(state=S.WIP, name="draft")
    ready = make_package(state=S.READY_FOR_REVIEW, name="ready")
    response = act(mod_client, PACKAGES, "approve_packages", draft, ready)
    msgs = messages_of(response)
    assert any(m.startswith(f"{draft.key}:") and "ready for review" in m for m in msgs)
    assert "Approved: 1." in msgs
    draft.refresh_from_db()
    assert draft.state == S.WIP


def test_request_changes_asks_for_a_comment_then_applies_it(mod_client, make_package):
    package = make_package(state=S.READY_FOR_REVIEW)
    form_page = act(mod_client, PACKAGES, "request_changes", package)
    assert form_page.status_code == 200
    assert b'name="comment"' in form_page.content
    package.refresh_from_db()
    assert package.state == S.READY_FOR_REVIEW
    empty = act(mod_client, PACKAGES, "request_changes", package, apply="1", comment="")
    assert b"This field is required" in empty.content
    done = act(mod_client, PACKAGES, "request_changes", package, apply="1", comment="Add a licence")
    assert "Changes requested: 1." in messages_of(done)
    package.refresh_from_db()
    assert (package.state, package.state_comment) == (S.CHANGES_NEEDED, "Add a licence")


def test_delete_and_restore_actions(mod_client, make_package):
    package = make_package(state=S.APPROVED)
    act(mod_client, PACKAGES, "soft_delete_packages", package, apply="1", reason="malware")
    package.refresh_from_db()
    assert package.state == S.DELETED
    assert AuditLogEntry.objects.get(action="package.delete").title.endswith("reason=malware")
    act(mod_client, PACKAGES, "restore_packages", package)
    package.refresh_from_db()
    assert package.state == S.READY_FOR_REVIEW


def test_djangos_hard_bulk_delete_is_not_offered(mod_client, make_package):
    package = make_package(state=S.APPROVED)
    page = mod_client.get(PACKAGES).content.decode()
    assert 'value="delete_selected"' not in page
    act(mod_client, PACKAGES, "delete_selected", package, post="yes")
    assert Package.objects.filter(pk=package.pk).exists()


def test_transfer_ownership_action(mod_client, make_package, make_user):
    package = make_package(state=S.APPROVED)
    heir = make_user(Rank.MEMBER, username="heir")
    unknown = act(
        mod_client, PACKAGES, "transfer_ownership", package, apply="1", new_owner="nobody"
    )
    assert b"No user has that name" in unknown.content
    act(mod_client, PACKAGES, "transfer_ownership", package, apply="1", new_owner="HEIR")
    package.refresh_from_db()
    assert package.author == heir
    assert AuditLogEntry.objects.get(action="package.transfer").diff == {
        "author": ["author", "heir"]
    }


def test_rock_root_manifest_actions(mod_client, author, make_user):
    first = RockFactory(author=author, name="json")
    other = RockFactory(author=make_user(username="rival"), name="json", in_root_manifest=False)
    act(mod_client, PACKAGES, "give_root_manifest_name", other)
    first.refresh_from_db()
    other.refresh_from_db()
    assert (first.in_root_manifest, other.in_root_manifest) == (False, True)
    act(mod_client, PACKAGES, "hide_from_root_manifest", other)
    other.refresh_from_db()
    assert not other.in_root_manifest
    assert [e.action for e in AuditLogEntry.objects.order_by("id")] == [
        "rock.give_root_name",
        "rock.hide_from_root",
    ]


def test_suspend_unsuspend_and_change_rank_actions(mod_client, make_user):
    target = make_user(Rank.MEMBER, username="target")
    act(mod_client, USERS, "suspend_users", target, apply="1", reason="spam")
    target.refresh_from_db()
    assert target.is_suspended
    act(mod_client, USERS, "unsuspend_users", target)
    target.refresh_from_db()
    assert not target.is_suspended
    act(mod_client, USERS, "change_rank", target, apply="1", rank=str(Rank.APPROVER))
    target.refresh_from_db()
    assert target.rank == Rank.APPROVER
    assert target.is_staff  # approvers and up work in the admin
    assert [e.action for e in AuditLogEntry.objects.order_by("id")] == [
        "user.suspend",
        "user.unsuspend",
        "user.change_rank",
    ]


def test_a_moderator_cannot_suspend_a_peer_or_promote_above_themselves(mod_client, make_user):
    peer = make_user(Rank.MODERATOR, username="peer")
    response = act(mod_client, USERS, "suspend_users", peer, apply="1", reason="")
    assert any("may not" in m for m in messages_of(response))
    member = make_user(Rank.MEMBER, username="member")
    response = act(mod_client, USERS, "change_rank", member, apply="1", rank=str(Rank.ADMIN))
    assert any("higher than your own" in m for m in messages_of(response))
    peer.refresh_from_db()
    member.refresh_from_db()
    assert (peer.is_suspended, member.rank) == (False, Rank.MEMBER)
    assert not AuditLogEntry.objects.exists()


def test_an_approver_approves_from_the_queue_but_cannot_manage_users(
    client, approver, make_package
):
    log_in_to_the_admin(client, approver)
    package = make_package(state=S.READY_FOR_REVIEW)
    assert client.get(QUEUE).status_code == 200
    act(client, PACKAGES, "approve_packages", package)
    package.refresh_from_db()
    assert package.state == S.APPROVED
    assert client.get(USERS).status_code == 403
    delete = act(client, PACKAGES, "soft_delete_packages", package, apply="1", reason="")
    assert any("permission" in m for m in messages_of(delete))


def test_approve_release_screenshot_review_and_resolve_report_actions(
    mod_client, make_user, staff_moderator
):
    package = PackageFactory()
    release = ReleaseFactory(package=package, approved=False, approved_at=None)
    shot = Screenshot.objects.create(
        package=package, title="s", file="s.png", width=1, height=1, approved=False
    )
    review = Review.objects.create(
        package=package,
        author=make_user(),
        rating=5,
        title="Great",
        comment="Really great mod",
        approved=False,
    )
    report = Report.objects.create(package=package, reason=ReportReason.OTHER, text="hm")
    act(mod_client, reverse("admin:releases_release_changelist"), "approve_releases", release)
    act(mod_client, reverse("admin:packages_screenshot_changelist"), "approve_screenshots", shot)
    act(mod_client, reverse("admin:packages_review_changelist"), "approve_reviews", review)
    act(mod_client, reverse("admin:packages_report_changelist"), "resolve_reports", report)
    release.refresh_from_db()
    shot.refresh_from_db()
    review.refresh_from_db()
    report.refresh_from_db()
    assert release.approved and shot.approved and review.approved
    assert report.resolved_by == staff_moderator
    package.refresh_from_db()
    assert package.score == 150
    assert sorted(AuditLogEntry.objects.values_list("action", flat=True)) == [
        "release.approve",
        "report.resolve",
        "review.approve",
        "screenshot.approve",
    ]


def test_a_moderator_deletes_a_review_with_a_reason(mod_client, make_user):
    package = PackageFactory()
    review = Review.objects.create(
        package=package, author=make_user(), rating=1, title="Bad", comment="Spam spam spam"
    )
    act(
        mod_client,
        reverse("admin:packages_review_changelist"),
        "delete_reviews",
        review,
        apply="1",
        reason="spam",
    )
    assert not Review.objects.exists()
    entry = AuditLogEntry.objects.get(action="review.delete")
    assert entry.description == "spam"


def test_revoking_a_key_in_the_admin_is_audited(mod_client, author, staff_moderator):
    from accounts.services import create_api_key

    key, _ = create_api_key(user=author)
    act(mod_client, reverse("admin:accounts_apikey_changelist"), "revoke_keys", key)
    key.refresh_from_db()
    assert key.revoked_at is not None
    entry = AuditLogEntry.objects.get(action="api_key.revoke")
    assert entry.causer == staff_moderator
    assert entry.title == f"Revoked LuaRocks key {key.prefix}… of author"


def test_the_audit_log_is_read_only_in_the_admin(mod_client, make_package, staff_moderator):
    from packages.members import suspend_user

    suspend_user(by=staff_moderator, user=UserFactory(username="x"))
    entry = AuditLogEntry.objects.get()
    assert mod_client.get(reverse("admin:accounts_auditlogentry_changelist")).status_code == 200
    change = mod_client.get(reverse("admin:accounts_auditlogentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert b'name="title"' not in change.content  # shown, not editable
    assert mod_client.get(reverse("admin:accounts_auditlogentry_add")).status_code == 403
    delete = reverse("admin:accounts_auditlogentry_delete", args=[entry.pk])
    assert mod_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditLogEntry.objects.count() == 1


def test_state_and_rank_are_read_only_on_the_change_forms(mod_client, make_package, author):
    package = make_package(state=S.WIP)
    page = mod_client.get(reverse("admin:packages_package_change", args=[package.pk])).content
    assert b'name="state"' not in page and b'name="in_root_manifest"' not in page
    page = mod_client.get(reverse("admin:accounts_user_change", args=[author.pk])).content
    assert b'name="rank"' not in page and b'name="is_suspended"' not in page


def test_releases_of_a_deleted_package_leave_the_queue(mod_client):
    package = PackageFactory(state=S.DELETED)
    ReleaseFactory(package=package, name="7.7.7", approved=False)
    assert "7.7.7" not in mod_client.get(QUEUE).content.decode()
    assert Release.objects.filter(approved=False).count() == 1


def test_a_long_queue_shows_the_oldest_rows_and_the_full_count(
    mod_client, make_package, monkeypatch
):
    from registry.admin import queue as admin_queue

    monkeypatch.setattr(admin_queue, "SHOWN", 1)
    make_package(state=S.READY_FOR_REVIEW, name="first", title="First In Line")
    make_package(state=S.READY_FOR_REVIEW, name="second", title="Second In Line")
    body = mod_client.get(QUEUE).content.decode()
    assert "Packages ready for review (2, the oldest 1 shown)" in body
    assert "First In Line" in body and "Second In Line" not in body
