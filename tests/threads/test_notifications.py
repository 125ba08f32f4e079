"""Notifications and their mail: one bulk insert for any number of watchers, the list at a
constant cost, grouping and marking read, the email preferences (immediately, digest, never),
nothing mailed to an unverified address, and digests that a second run does not send again."""

import math

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Rank, User
from packages import threads
from packages.models import (
    EmailFrequency,
    EmailPreference,
    EmailState,
    Notification,
    NotificationKind,
    PackageWatch,
    ReportReason,
)
from packages.notifications import Draft, notify, set_email_preferences
from packages.reports import report_package
from releases.models import Release, TaskState
from tests.factories import ReleaseFactory, UserFactory
from tests.threads.conftest import client_for


def inserts_into_notifications(queries) -> int:
    table = Notification._meta.db_table
    return sum(
        1 for q in queries if q["sql"].lstrip().upper().startswith("INSERT") and table in q["sql"]
    )


def test_a_thousand_watchers_are_notified_with_one_bulk_insert(approved_package, author, db):
    User.objects.bulk_create(
        User(username=f"w{i}", email=f"w{i}@example.org", verified_email=f"w{i}@example.org")
        for i in range(1000)
    )
    PackageWatch.objects.bulk_create(
        PackageWatch(user=u, package=approved_package)
        for u in User.objects.filter(username__startswith="w")
    )
    from packages.notifications import notify_new_release

    with CaptureQueriesContext(connection) as queries:
        notify_new_release(package=approved_package, release_title="2.0", by=author)
    assert Notification.objects.filter(kind=NotificationKind.NEW_RELEASE).count() == 1000
    inserts = inserts_into_notifications(queries)
    if connection.vendor == "postgresql":
        assert inserts == 1
    else:  # SQLite binds at most 999 parameters a statement: Django splits the one bulk_create
        fields = len([f for f in Notification._meta.concrete_fields if not f.primary_key])
        assert inserts == math.ceil(1000 / (999 // fields))
    assert len(queries) <= inserts + 3  # the watchers, their preferences, the inserts


def test_unverified_addresses_get_no_mail_but_the_notification(
    approved_package, author, db, run_on_commit
):
    unverified = UserFactory(username="unv", verified_email="")
    verified = UserFactory(username="ver")
    for u in (unverified, verified):
        PackageWatch.objects.create(user=u, package=approved_package)
    with run_on_commit():
        ReleaseFactory(package=approved_package)  # a factory row: notify as the service does
        from packages.notifications import notify_new_release

        notify_new_release(package=approved_package, release_title="3.0", by=author)
    assert {n.user.username for n in Notification.objects.all()} == {"unv", "ver"}
    assert [m.to for m in mail.outbox] == [[verified.email]]
    assert Notification.objects.get(user=unverified).email_state == EmailState.NONE


def test_digest_mail_is_sent_once_even_if_the_command_runs_twice(approved_package, author, db):
    reader = UserFactory(username="reader")
    set_email_preferences(
        by=reader, user=reader, choices={NotificationKind.NEW_RELEASE: EmailFrequency.DIGEST}
    )
    for title in ("1.1", "1.2", "1.3"):
        notify(
            [Draft(reader, NotificationKind.NEW_RELEASE, f"Mobs {title}", "/x/", approved_package)],
            actor=author,
        )
    assert mail.outbox == []
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert "3 notifications" in digest.subject
    assert all(f"Mobs {t}" in digest.body for t in ("1.1", "1.2", "1.3"))
    assert "/unsubscribe/" in digest.body
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}


def test_never_mails_nothing(approved_package, author, db, run_on_commit):
    reader = UserFactory(username="quiet")
    EmailPreference.objects.create(
        user=reader, kind=NotificationKind.NEW_RELEASE, frequency=EmailFrequency.NEVER
    )
    with run_on_commit():
        notify([Draft(reader, NotificationKind.NEW_RELEASE, "x", "/x/")], actor=author)
    assert mail.outbox == []
    assert Notification.objects.filter(user=reader).count() == 1


def test_the_settings_page_stores_a_frequency_per_kind(author):
    c = client_for(author)
    url = reverse("accounts:notification-settings")
    page = c.get(url)
    assert page.status_code == 200
    assert b"Daily digest" in page.content
    choices = {kind: EmailFrequency.IMMEDIATELY for kind in NotificationKind.values}
    choices[NotificationKind.THREAD_REPLY] = EmailFrequency.DIGEST
    assert c.post(url, choices).status_code == 302
    assert EmailPreference.objects.get(user=author, kind="thread_reply").frequency == "digest"
    assert c.post(url, {**choices, "approved": "sometimes"}).status_code == 400


def test_a_new_report_notifies_editors_and_above(approved_package, db, run_on_commit):
    editor = UserFactory(username="ed", rank=Rank.EDITOR)
    UserFactory(username="mem", rank=Rank.MEMBER)
    admin = UserFactory(username="root", rank=Rank.MEMBER, is_superuser=True)
    with run_on_commit():
        report_package(package=approved_package, by=None, reason=ReportReason.SPAM, text="Spam!")
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        editor.username,
        admin.username,
    }


def test_the_notification_list_is_grouped_marked_read_and_costs_the_same(
    private_thread_factory, author
):
    c = client_for(author)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(reverse("web:notifications")).status_code == 200
        return len(queries)

    private_thread_factory("First question")
    small = count()
    for i in range(12):
        private_thread_factory(f"Question {i}")
    assert count() == small
    print(f"notification list: {small} queries")
    page = c.get(reverse("web:notifications")).content.decode()
    assert page.count('class="notification-group"') == 13  # one group per thread
    assert 'class="badge unread-count"' in page
    one = Notification.objects.filter(user=author).first()
    c.post(reverse("web:notifications"), {"id": [one.pk]})
    assert Notification.objects.filter(user=author, read_at__isnull=True).count() == 12
    c.post(reverse("web:notifications"))
    assert Notification.objects.filter(user=author, read_at__isnull=True).count() == 0
    assert 'class="badge unread-count"' not in c.get(reverse("web:notifications")).content.decode()


@pytest.fixture
def private_thread_factory(approved_package, db):
    asker = UserFactory(username="asker")

    def make(title):
        return threads.create_thread(
            by=asker, package=approved_package, title=title, body="Please have a look."
        )

    return make


def test_a_failed_git_import_is_posted_and_notified(approved_package, author, run_on_commit):
    from releases.tasks import _fail

    release = ReleaseFactory(package=approved_package, task_state=TaskState.RUNNING, approved=False)
    with run_on_commit():
        _fail(release.pk, "could not clone https://secret.example/repo")
    release.refresh_from_db()
    assert release.task_state == TaskState.FAILED
    thread = threads.approval_thread_of(approved_package)
    post = thread.replies.get()
    assert post.is_system and "failed to import" in post.body
    assert "secret.example" not in post.body  # the reason stays with the release
    assert Notification.objects.filter(user=author, kind=NotificationKind.RELEASE_FAILED).exists()
    assert any("failed to import" in m.subject for m in mail.outbox)
    assert Release.objects.filter(pk=release.pk).exists()


def test_watching_a_package_from_its_page(approved_package, author, db):
    fan = UserFactory(username="fan")
    c = client_for(fan)
    url = reverse("packages:watch", args=[author.username, approved_package.name])
    assert c.post(url, {"watch": "1"}).status_code == 302
    assert PackageWatch.objects.filter(user=fan, package=approved_package).exists()
    page = c.get(reverse("packages:detail", args=[author.username, approved_package.name]))
    assert b"Stop watching releases" in page.content
    c.post(url, {"watch": "0"})
    assert not PackageWatch.objects.filter(user=fan).exists()


def test_one_click_unsubscribe_needs_no_csrf_token_nor_login(db):
    from django.test import Client

    from packages.emails import unsubscribe_url

    reader = UserFactory(username="oneclick")
    url = unsubscribe_url(user=reader, kind=NotificationKind.NEW_RELEASE)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = Client(enforce_csrf_checks=True).post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert EmailPreference.objects.get(user=reader).frequency == EmailFrequency.NEVER


def test_a_failing_mail_server_leaves_the_notifications_for_the_digest(
    approved_package, author, db, settings, run_on_commit
):
    settings.EMAIL_BACKEND = "tests.threads.failing_backend.EmailBackend"
    reader = UserFactory(username="unlucky")
    with run_on_commit():
        notify([Draft(reader, NotificationKind.NEW_RELEASE, "x", "/x/")], actor=author)
    assert Notification.objects.get(user=reader).email_state == EmailState.DIGEST
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.to for m in mail.outbox] == [[reader.email]]


def test_an_import_a_dead_worker_left_running_is_posted_when_failed(
    approved_package, author, run_on_commit
):
    from datetime import timedelta

    from django.utils import timezone

    from releases.tasks import fail_stuck_imports

    stuck = ReleaseFactory(
        package=approved_package,
        task_state=TaskState.RUNNING,
        approved=False,
        task_started_at=timezone.now() - timedelta(hours=2),
    )
    with run_on_commit():
        assert fail_stuck_imports() == 1
    stuck.refresh_from_db()
    assert stuck.task_state == TaskState.FAILED
    post = threads.approval_thread_of(approved_package).replies.get()
    assert "failed to import" in post.body
    assert Notification.objects.filter(user=author, kind=NotificationKind.RELEASE_FAILED).exists()
    assert fail_stuck_imports() == 0
