"""Every state transition of the review workflow, allowed and refused, with its audit row and its
effect on what the public sees (the ContentDB package list and the cache generations)."""

import pytest

from accounts.models import AuditLogEntry, AuditSeverity, Rank
from media_tools.generations import generation
from packages import workflow
from packages.errors import InvalidModerationInput, InvalidStateTransition, NotAllowed
from packages.invalidation import LUANTI_LISTS, ROOT_MANIFESTS
from packages.models import PackageState, Screenshot
from packages.workflow import approve_package
from releases import submission
from tests.factories import PackageFactory, RockFactory

S = PackageState


def listed_keys(client) -> set[str]:
    response = client.get("/api/packages/")
    assert response.status_code == 200
    return {f"{p['author']}/{p['name']}" for p in response.json()}


def entries(package, action):
    return list(AuditLogEntry.objects.filter(package=package, action=action))


# --- submit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("start", [S.WIP, S.CHANGES_NEEDED])
def test_the_author_submits_a_draft_or_a_changed_package_for_review(make_package, author, start):
    package = make_package(state=start)
    submission.submit_for_review(by=author, package=package)
    package.refresh_from_db()
    assert package.state == S.READY_FOR_REVIEW
    assert package.submitted_at is not None
    [entry] = entries(package, "package.submit")
    assert entry.causer == author
    assert entry.diff == {"state": [start, "READY_FOR_REVIEW"]}
    assert entry.severity == AuditSeverity.NORMAL


@pytest.mark.parametrize("start", [S.READY_FOR_REVIEW, S.APPROVED, S.DELETED])
def test_submitting_from_any_other_state_is_refused(make_package, author, start):
    package = make_package(state=start)
    # a deleted package is a moderator's: its author may do nothing to it any more
    with pytest.raises(NotAllowed if start == S.DELETED else InvalidStateTransition):
        submission.submit_for_review(by=author, package=package)
    package.refresh_from_db()
    assert package.state == start
    assert not AuditLogEntry.objects.exists()


def test_a_stranger_cannot_submit_someone_elses_package(make_package, make_user):
    package = make_package(state=S.WIP)
    with pytest.raises(NotAllowed):
        submission.submit_for_review(by=make_user(Rank.MEMBER), package=package)
    package.refresh_from_db()
    assert package.state == S.WIP


def test_a_package_without_a_release_cannot_be_submitted(make_package, author):
    package = make_package(state=S.WIP, with_release=False)
    with pytest.raises(InvalidStateTransition, match="needs a release"):
        submission.submit_for_review(by=author, package=package)


def test_a_trusted_members_package_is_approved_when_submitted(make_package, make_user, client):
    trusted = make_user(Rank.TRUSTED_MEMBER, username="trusted")
    package = make_package(state=S.WIP, author=trusted)
    submission.submit_for_review(by=trusted, package=package)
    package.refresh_from_db()
    assert package.state == S.APPROVED
    assert package.approved_at is not None
    assert [e.action for e in AuditLogEntry.objects.filter(package=package)] == ["package.approve"]
    assert package.key in listed_keys(client)


# --- approve ----------------------------------------------------------------------------------


def test_an_approver_approves_a_package_in_the_queue_and_it_becomes_public(
    make_package, approver, client, on_commit
):
    package = make_package(state=S.READY_FOR_REVIEW)
    Screenshot.objects.create(
        package=package, title="waiting", file="x.png", width=1280, height=720, approved=False
    )
    assert package.key not in listed_keys(client)
    before = generation(LUANTI_LISTS)
    with on_commit():
        workflow.approve(by=approver, package=package)
    package.refresh_from_db()
    assert package.state == S.APPROVED
    assert package.approved_at is not None
    assert generation(LUANTI_LISTS) == before + 1
    assert not Screenshot.objects.filter(package=package, approved=False).exists()
    [entry] = entries(package, "package.approve")
    assert (entry.causer, entry.title, entry.severity) == (
        approver,
        f"Approved {package.title}",
        AuditSeverity.EDITOR,
    )
    assert package.key in listed_keys(client)


@pytest.mark.parametrize("start", [S.WIP, S.CHANGES_NEEDED, S.APPROVED, S.DELETED])
def test_only_a_package_ready_for_review_can_be_approved(make_package, approver, start):
    package = make_package(state=start)
    with pytest.raises(NotAllowed if start == S.DELETED else InvalidStateTransition):
        workflow.approve(by=approver, package=package)
    package.refresh_from_db()
    assert package.state == start


@pytest.mark.parametrize("rank", [Rank.MEMBER, Rank.TRUSTED_MEMBER])
def test_members_cannot_approve_other_peoples_packages(make_package, make_user, rank):
    package = make_package(state=S.READY_FOR_REVIEW)
    with pytest.raises(NotAllowed):
        workflow.approve(by=make_user(rank), package=package)
    package.refresh_from_db()
    assert package.state == S.READY_FOR_REVIEW


def test_a_member_cannot_approve_their_own_package(make_package, author):
    package = make_package(state=S.READY_FOR_REVIEW)
    with pytest.raises(NotAllowed):
        workflow.approve(by=author, package=package)


def test_the_first_approval_date_is_kept(make_package, approver, author):
    package = make_package(state=S.READY_FOR_REVIEW)
    workflow.approve(by=approver, package=package)
    first = type(package).objects.get(pk=package.pk).approved_at
    workflow.request_changes(by=approver, package=package, comment="Fix the licence.")
    submission.submit_for_review(by=author, package=package)
    workflow.approve(by=approver, package=package)
    package.refresh_from_db()
    assert package.approved_at == first


def test_the_approve_package_command_still_overrides_any_state(make_package):
    package = make_package(state=S.WIP, with_release=False)
    approve_package(package=package)
    package.refresh_from_db()
    assert package.state == S.APPROVED
    [entry] = entries(package, "package.approve")
    assert entry.causer is None


# --- request changes --------------------------------------------------------------------------


@pytest.mark.parametrize("start", [S.READY_FOR_REVIEW, S.APPROVED])
def test_an_approver_requests_changes_with_a_comment_the_author_sees(
    make_package, approver, client, start
):
    package = make_package(state=start)
    workflow.request_changes(by=approver, package=package, comment="  Add a screenshot.  ")
    package.refresh_from_db()
    assert package.state == S.CHANGES_NEEDED
    assert package.state_comment == "Add a screenshot."
    [entry] = entries(package, "package.request_changes")
    assert entry.description == "Add a screenshot."
    assert entry.diff == {"state": [start, "CHANGES_NEEDED"]}
    assert package.key not in listed_keys(client)


@pytest.mark.parametrize("comment", ["", "   ", "x" * 2001])
def test_requesting_changes_needs_a_comment_of_sensible_length(make_package, approver, comment):
    package = make_package(state=S.READY_FOR_REVIEW)
    with pytest.raises(InvalidModerationInput):
        workflow.request_changes(by=approver, package=package, comment=comment)
    package.refresh_from_db()
    assert (package.state, package.state_comment) == (S.READY_FOR_REVIEW, "")


@pytest.mark.parametrize("start", [S.WIP, S.CHANGES_NEEDED, S.DELETED])
def test_changes_cannot_be_requested_on_a_draft_or_a_deleted_package(make_package, approver, start):
    package = make_package(state=start)
    with pytest.raises(NotAllowed if start == S.DELETED else InvalidStateTransition):
        workflow.request_changes(by=approver, package=package, comment="Why?")


def test_the_author_cannot_request_changes_on_their_own_package(make_package, author):
    package = make_package(state=S.READY_FOR_REVIEW)
    with pytest.raises(NotAllowed):
        workflow.request_changes(by=author, package=package, comment="Please")


# --- withdraw ---------------------------------------------------------------------------------


def test_the_author_withdraws_a_package_from_review(make_package, author):
    package = make_package(state=S.READY_FOR_REVIEW)
    workflow.withdraw_from_review(by=author, package=package)
    package.refresh_from_db()
    assert package.state == S.WIP
    assert entries(package, "package.withdraw")


def test_an_approver_cannot_withdraw_someone_elses_package(make_package, approver):
    package = make_package(state=S.READY_FOR_REVIEW)
    with pytest.raises(NotAllowed):
        workflow.withdraw_from_review(by=approver, package=package)


# --- delete and restore -----------------------------------------------------------------------


@pytest.mark.parametrize("start", [S.WIP, S.CHANGES_NEEDED, S.READY_FOR_REVIEW, S.APPROVED])
def test_the_author_soft_deletes_their_package_and_rows_stay(make_package, author, client, start):
    package = make_package(state=start)
    workflow.delete_package(by=author, package=package, reason="abandoned")
    package.refresh_from_db()
    assert package.state == S.DELETED
    assert package.releases.count() == 1
    [entry] = entries(package, "package.delete")
    assert entry.title == f"Deleted {package.title}, reason=abandoned"
    assert entry.severity == AuditSeverity.MODERATION
    assert package.key not in listed_keys(client)
    response = client.get(f"/api/packages/{package.key}/")
    assert response.status_code == 404


def test_a_maintainer_or_an_approver_cannot_delete(make_package, make_user, approver):
    package = make_package(state=S.APPROVED)
    maintainer = make_user(Rank.MEMBER, username="maint")
    package.maintainers.add(maintainer)
    for user in (maintainer, approver):
        with pytest.raises(NotAllowed):
            workflow.delete_package(by=user, package=package)
    package.refresh_from_db()
    assert package.state == S.APPROVED


def test_deleting_twice_is_refused(make_package, author, staff_moderator):
    package = make_package(state=S.APPROVED)
    workflow.delete_package(by=author, package=package)
    with pytest.raises(NotAllowed):  # deleted, it is out of its author's hands
        workflow.delete_package(by=author, package=package)
    with pytest.raises(InvalidStateTransition):
        workflow.delete_package(by=staff_moderator, package=package)


def test_a_moderator_restores_deleted_luanti_content_into_the_queue(
    make_package, author, staff_moderator
):
    package = make_package(state=S.APPROVED)
    workflow.delete_package(by=author, package=package)
    with pytest.raises(NotAllowed):
        workflow.restore_package(by=author, package=package)
    workflow.restore_package(by=staff_moderator, package=package)
    package.refresh_from_db()
    assert package.state == S.READY_FOR_REVIEW
    [entry] = entries(package, "package.restore")
    assert entry.diff == {"state": ["DELETED", "READY_FOR_REVIEW"]}


def test_a_restored_rock_is_public_again_at_once(author, staff_moderator, on_commit):
    rock = RockFactory(author=author)
    workflow.delete_package(by=author, package=rock)
    before = generation(ROOT_MANIFESTS)
    with on_commit():
        workflow.restore_package(by=staff_moderator, package=rock)
    rock.refresh_from_db()
    assert rock.state == S.APPROVED
    assert generation(ROOT_MANIFESTS) == before + 1


@pytest.mark.parametrize("start", [S.WIP, S.APPROVED])
def test_only_deleted_packages_can_be_restored(make_package, staff_moderator, start):
    with pytest.raises(InvalidStateTransition):
        workflow.restore_package(by=staff_moderator, package=make_package(state=start))


def test_a_suspended_author_can_move_nothing(make_package, author):
    package = make_package(state=S.WIP)
    author.is_suspended = True
    author.save()
    with pytest.raises(NotAllowed):
        submission.submit_for_review(by=author, package=package)
    with pytest.raises(NotAllowed):
        workflow.delete_package(by=author, package=package)


def test_a_suspended_authors_approved_packages_stay_public(client, author):
    package = PackageFactory(author=author)
    author.is_suspended = True
    author.save()
    assert package.key in listed_keys(client)
    assert client.get(f"/api/packages/{package.key}/").status_code == 200
