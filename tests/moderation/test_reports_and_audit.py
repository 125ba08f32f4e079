"""Reports (anyone may file one; editors and moderators resolve them) and the audit log of security
events: keys and tokens created, revoked or deleted; a package's own entries shown to its people."""

import pytest

from accounts.audit import record
from accounts.models import AuditLogEntry, AuditSeverity, Rank
from accounts.services import create_api_key, create_api_token, delete_api_token, revoke_api_key
from packages import workflow
from packages.errors import InvalidReport, NotAllowed
from packages.history import package_audit_log
from packages.models import PackageState, Report
from packages.reports import open_reports, report_package, resolve_report
from tests.factories import PackageFactory


def test_anyone_reports_an_approved_package(author, make_user):
    package = PackageFactory(author=author)
    anonymous = report_package(package=package, by=None, reason="spam", text=" Ads ")
    signed = report_package(
        package=package, by=make_user(), reason="copyright", text="Copied from X"
    )
    assert (anonymous.reporter, anonymous.text) == (None, "Ads")
    assert signed.reporter is not None
    assert list(open_reports()) == [anonymous, signed]


@pytest.mark.parametrize(
    ("reason", "text"),
    [("", "x"), ("boring", "x"), ("spam", ""), ("spam", "  "), ("spam", "x" * 2001)],
)
def test_bad_reports_are_refused(author, reason, text):
    package = PackageFactory(author=author)
    with pytest.raises(InvalidReport):
        report_package(package=package, by=None, reason=reason, text=text)
    assert not Report.objects.exists()


def test_a_hidden_package_cannot_be_reported_by_outsiders(author):
    package = PackageFactory(author=author, state=PackageState.WIP)
    with pytest.raises(InvalidReport, match="no such package"):
        report_package(package=package, by=None, reason="spam", text="x")


def test_editors_resolve_reports_and_members_cannot(author, make_user):
    package = PackageFactory(author=author)
    report = report_package(package=package, by=None, reason="spam", text="x")
    with pytest.raises(NotAllowed):
        resolve_report(by=make_user(Rank.APPROVER), report=report)
    editor = make_user(Rank.EDITOR)
    resolve_report(by=editor, report=report, note="removed the links")
    report.refresh_from_db()
    assert report.is_resolved and report.resolved_by == editor
    assert not open_reports().exists()
    entry = AuditLogEntry.objects.get(action="report.resolve")
    assert entry.description == "removed the links"


def test_key_and_token_events_are_audited_without_secrets(author, staff_moderator):
    key, key_secret = create_api_key(user=author, comment="laptop")
    revoke_api_key(key=key)
    revoke_api_key(key=key)  # already revoked: no second entry
    token, token_secret = create_api_token(user=author, name="ci")
    delete_api_token(token=token, by=staff_moderator)
    rows = list(AuditLogEntry.objects.order_by("id"))
    assert [(e.action, e.causer.username, e.title) for e in rows] == [
        ("api_key.create", "author", f"Created LuaRocks key {key.prefix}…"),
        ("api_key.revoke", "author", f"Revoked LuaRocks key {key.prefix}…"),
        ("api_token.create", "author", f"Created API token 'ci' {token.prefix}…"),
        ("api_token.delete", "staffmod", f"Deleted API token 'ci' {token.prefix}… of author"),
    ]
    assert {e.severity for e in rows} == {AuditSeverity.USER}
    assert all(e.target_user == author for e in rows)
    dumped = repr(list(AuditLogEntry.objects.values()))
    assert key_secret not in dumped and token_secret not in dumped


def test_a_rolled_back_change_leaves_no_audit_entry(author, make_user):
    package = PackageFactory(author=author, state=PackageState.WIP)
    with pytest.raises(NotAllowed):
        workflow.approve(by=make_user(Rank.MEMBER), package=package)
    assert not AuditLogEntry.objects.exists()


def test_long_titles_are_cut_and_kept_whole_in_the_description(author):
    entry = record(causer=author, action="test", title="x" * 150)
    assert len(entry.title) == 100 and entry.title.endswith("…")
    assert entry.description == "x" * 150


def test_a_packages_own_entries_are_shown_to_its_people_and_moderators(
    author, make_user, approver, staff_moderator
):
    package = PackageFactory(author=author, state=PackageState.READY_FOR_REVIEW)
    other = PackageFactory(author=make_user(), state=PackageState.READY_FOR_REVIEW)
    workflow.approve(by=approver, package=package)
    workflow.approve(by=approver, package=other)
    mine = package_audit_log(package=package, viewer=author)
    assert [e.title for e in mine] == [f"Approved {package.title}"]
    assert list(package_audit_log(package=package, viewer=staff_moderator)) == list(mine)
    assert not package_audit_log(package=package, viewer=make_user(Rank.MEMBER)).exists()
    assert not package_audit_log(package=package, viewer=None).exists()


def test_renaming_and_editing_a_package_are_audited_with_a_diff(author, make_user):
    from packages.package_edits import PackageChanges, update_package

    package = PackageFactory(author=author, name="old_name", title="Old")
    editor = make_user(Rank.EDITOR, username="ed")
    update_package(package=package, by=editor, changes=PackageChanges(name="new_name"))
    update_package(package=package, by=author, changes=PackageChanges(title="New title"))
    rename, edit = AuditLogEntry.objects.order_by("id")
    assert (rename.action, rename.title, rename.severity) == (
        "package.rename",
        "Renamed old_name to new_name",
        AuditSeverity.EDITOR,
    )
    assert rename.diff == {"name": ["old_name", "new_name"]}
    assert (edit.action, edit.severity, edit.diff) == (
        "package.edit",
        AuditSeverity.NORMAL,
        {"title": ["Old", "New title"]},
    )
