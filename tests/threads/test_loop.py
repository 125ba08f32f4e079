"""The whole loop over HTTP, as issue #21 asks: the author submits, a moderator requests changes
from the admin's queue, the author sees the unread badge and a mail (locmem outbox) whose link
works, answers in the approval thread, the moderator approves from the queue and the author hears
of it; a review gets a reply and its writer hears of it; an unsubscribe link stops that kind."""

import re

from django.conf import settings
from django.core import mail
from django.urls import reverse

from packages.models import Notification, NotificationKind, PackageState, Thread, ThreadKind
from tests.threads.conftest import client_for

PACKAGES = reverse("admin:packages_package_changelist")
QUEUE = reverse("admin:packages_package_moderation_queue")


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def local(url: str) -> str:
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL) :]


def badge(client) -> int:
    page = client.get(reverse("web:home")).content.decode()
    found = re.search(r'class="badge unread-count"[^>]*>(\d+)<', page)
    return int(found.group(1)) if found else 0


def test_submit_request_changes_reply_approve_loop(
    author, author_client, moderator, mod_admin, wip_package, run_on_commit
):
    package = wip_package
    key = [author.username, package.name]
    # 1. the author submits: the approval thread opens with a status post
    with run_on_commit():
        response = author_client.post(reverse("packages:submit", args=key))
    assert response.status_code == 302
    thread = Thread.objects.get(package=package, kind=ThreadKind.APPROVAL)
    assert thread.private
    assert [r.is_system for r in thread.replies.all()] == [True]

    # 2. the moderator requests changes from the queue (the changelist action the queue posts)
    queue = mod_admin.get(QUEUE)
    assert package.key.encode() in queue.content
    with run_on_commit():
        done = mod_admin.post(
            PACKAGES,
            {
                "action": "request_changes",
                "_selected_action": [package.pk],
                "apply": "1",
                "comment": "Please add a **licence** file.",
            },
            follow=True,
        )
    assert done.status_code == 200
    package.refresh_from_db()
    assert package.state == PackageState.CHANGES_NEEDED

    # 3. the author: an unread badge, and a mail with a working link to the moderator's words
    assert badge(author_client) == 1
    [message] = [m for m in mail.outbox if author.email in m.to]
    assert "Changes requested on" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    thread_link = next(link for link in links_in(message) if "/threads/" in link)
    page = author_client.get(local(thread_link))
    assert page.status_code == 200
    assert b"<strong>licence</strong>" in page.content  # the moderator's Markdown, rendered
    assert badge(author_client) == 0  # opening the thread read its notification
    mail.outbox.clear()

    # 4. the author answers in the approval thread; the queue shows it first
    with run_on_commit():
        answer = author_client.post(
            reverse("web:thread", args=[thread.pk]), {"body": "Added LICENSE.txt, thanks!"}
        )
    assert answer.status_code == 302
    thread.refresh_from_db()
    assert thread.awaiting_moderator
    queue = mod_admin.get(QUEUE).content.decode()
    assert 'class="queue-thread" data-key="author/farming"' in queue
    # the moderator was not watching yet: replying makes them a participant
    with run_on_commit():
        mod_client = client_for(moderator)
        mod_client.post(reverse("web:thread", args=[thread.pk]), {"body": "Resubmit, please."})
    thread.refresh_from_db()
    assert not thread.awaiting_moderator
    with run_on_commit():
        author_client.post(reverse("packages:submit", args=key))
    assert moderator.notifications.filter(kind=NotificationKind.THREAD_REPLY).exists()

    # 5. the moderator approves from the queue; the author hears of it
    with run_on_commit():
        mod_admin.post(
            PACKAGES, {"action": "approve_packages", "_selected_action": [package.pk]}, follow=True
        )
    package.refresh_from_db()
    assert package.state == PackageState.APPROVED
    approved = Notification.objects.get(user=author, kind=NotificationKind.APPROVED)
    assert approved.thread_id == thread.pk
    assert any("was approved" in m.subject and author.email in m.to for m in mail.outbox)
    bodies = [r.body for r in thread.replies.order_by("created_at", "id")]
    assert bodies[0] == "Submitted for review."
    assert bodies[1].startswith("Changes requested:")
    assert bodies[-1] == "Approved."


def test_a_review_reply_notifies_the_reviewer_and_unsubscribe_stops_that_kind(
    author, author_client, reviewer, approved_package, run_on_commit
):
    key = [author.username, approved_package.name]
    reviewer_client = client_for(reviewer)
    with run_on_commit():
        reviewer_client.post(
            reverse("packages:review", args=key),
            {"rating": "positive", "title": "Great mobs", "comment": "Lovely animals, no lag."},
        )
    thread = Thread.objects.get(review__author=reviewer)
    assert not thread.private
    # the package's author heard of the review, by mail too
    assert Notification.objects.filter(user=author, kind=NotificationKind.NEW_REVIEW).exists()
    assert any(author.email in m.to and "reviewed Mobs" in m.subject for m in mail.outbox)
    mail.outbox.clear()
    # the author replies; the reviewer is notified and mailed
    with run_on_commit():
        response = author_client.post(
            reverse("web:thread", args=[thread.pk]), {"body": "Thank you!"}
        )
    assert response.status_code == 302
    assert (
        Notification.objects.filter(user=reviewer, kind=NotificationKind.THREAD_REPLY).count() == 1
    )
    [message] = mail.outbox
    assert message.to == [reviewer.email]
    assert "List-Unsubscribe" in message.extra_headers
    # the unsubscribe link works without logging in: GET asks, POST stops that kind
    unsubscribe = local(next(link for link in links_in(message) if "/unsubscribe/" in link))
    anonymous = client_for(reviewer)
    anonymous.logout()
    assert b"Unsubscribe" in anonymous.get(unsubscribe).content
    assert anonymous.post(unsubscribe).status_code == 200
    mail.outbox.clear()
    with run_on_commit():
        author_client.post(reverse("web:thread", args=[thread.pk]), {"body": "One more thing."})
    assert mail.outbox == []  # no mail of that kind any more...
    # ...but still in the list
    assert (
        Notification.objects.filter(user=reviewer, kind=NotificationKind.THREAD_REPLY).count() == 2
    )


def test_a_broken_unsubscribe_link_is_refused(client, db):
    response = client.post(reverse("web:unsubscribe", args=["not-a-token"]))
    assert response.status_code == 400
    assert b"broken" in response.content


def test_the_queue_lists_an_answered_approval_thread_first_and_the_admin_links_it(
    author, mod_admin, run_on_commit
):
    from django.utils import timezone

    from packages import threads
    from releases.submission import submit_for_review
    from tests.factories import PackageFactory, ReleaseFactory

    older, newer = (
        PackageFactory(author=author, name=name, state=PackageState.WIP, approved_at=None)
        for name in ("older", "newer")
    )
    for package in (older, newer):
        ReleaseFactory(package=package)
        submit_for_review(by=author, package=package)
    older.__class__.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now().replace(year=2020)
    )
    thread = threads.approval_thread_of(newer)
    threads.reply(by=author, thread=thread, body="Anything missing?")
    queue = mod_admin.get(QUEUE).content.decode()
    rows = re.findall(r'class="queue-package" data-key="([^"]+)"', queue)
    assert rows == ["author/newer", "author/older"]  # the answered one first, then the oldest
    assert "(author replied)" in queue
    change = mod_admin.get(reverse("admin:packages_package_change", args=[newer.pk])).content
    assert f'href="/threads/{thread.pk}/"'.encode() in change
    review = mod_admin.get(reverse("admin:packages_package_review", args=[newer.pk])).content
    assert f'href="/threads/{thread.pk}/"'.encode() in review
