"""Thread pages and actions over HTTP: who sees a private thread, replying, editing and deleting
one's posts, moderators locking, hiding and deleting (audited), the posting rate limit, and a
thread page whose cost does not grow with its length."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from accounts.models import AuditLogEntry, Rank
from accounts.services import create_api_token
from packages import threads
from packages.models import PackageState, Thread, ThreadReply
from tests.factories import UserFactory
from tests.threads.conftest import client_for


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger", rank=Rank.MEMBER)


@pytest.fixture
def private_thread(approved_package, stranger):
    return threads.create_thread(
        by=stranger,
        package=approved_package,
        title="Security problem",
        body="The mod runs `os.execute` on chat input.",
    )


def thread_url(thread) -> str:
    return reverse("web:thread", args=[thread.pk])


def test_a_private_thread_is_seen_by_its_writer_the_packages_people_and_approvers(
    client, private_thread, author, stranger, db
):
    assert client_for(stranger).get(thread_url(private_thread)).status_code == 200
    assert client_for(author).get(thread_url(private_thread)).status_code == 200
    approver = UserFactory(username="appr", rank=Rank.APPROVER)
    assert client_for(approver).get(thread_url(private_thread)).status_code == 200
    other = UserFactory(username="other", rank=Rank.TRUSTED_MEMBER)
    assert client_for(other).get(thread_url(private_thread)).status_code == 404
    assert client.get(thread_url(private_thread)).status_code == 404
    # and through the API
    assert client.get(f"/api/threads/{private_thread.pk}/").status_code == 404


def test_opening_a_thread_on_the_web_notifies_the_package_people(
    stranger, author, approved_package
):
    url = reverse("packages:thread-new", args=[author.username, approved_package.name])
    c = client_for(stranger)
    assert c.get(url).status_code == 200
    bad = c.post(url, {"title": "x", "body": "hello", "private": "on"})
    assert bad.status_code == 400
    assert b"3 to 100 characters" in bad.content
    assert Thread.objects.filter(package=approved_package).count() == 0
    done = c.post(url, {"title": "A question", "body": "Does it work on 5.8?", "private": "on"})
    thread = Thread.objects.get(package=approved_package)
    assert done.status_code == 302 and done["Location"] == thread_url(thread)
    assert thread.private
    assert author.notifications.filter(thread=thread).count() == 1
    # the package page lists it for its people, not for the public
    page = reverse("packages:detail", args=[author.username, approved_package.name])
    assert b"A question" in client_for(author).get(page).content
    assert b"A question" not in client_for(UserFactory(username="x2")).get(page).content


def test_writers_edit_and_delete_their_replies_until_the_thread_is_locked(
    private_thread, author, moderator
):
    c = client_for(author)
    c.post(thread_url(private_thread), {"body": "Thanks, fixing it."})
    post = ThreadReply.objects.get(thread=private_thread, author=author)
    edit = reverse("web:reply-edit", args=[private_thread.pk, post.pk])
    assert c.post(edit, {"body": "Thanks, fixed in 1.2."}).status_code == 302
    post.refresh_from_db()
    assert post.body == "Thanks, fixed in 1.2." and post.edited_at is not None
    assert b"edited" in c.get(thread_url(private_thread)).content
    # somebody else may not edit it
    stranger_client = client_for(private_thread.author)
    assert stranger_client.post(edit, {"body": "hijack"}).status_code == 403
    # locked: the writer can neither edit nor reply; a moderator can
    threads.lock_thread(by=moderator, thread=private_thread)
    assert c.post(edit, {"body": "again"}).status_code == 403
    assert c.post(thread_url(private_thread), {"body": "more"}).status_code == 403
    assert AuditLogEntry.objects.filter(action="thread.lock").count() == 1
    threads.lock_thread(by=moderator, thread=private_thread, locked=False)
    delete = reverse("web:reply-change", args=[private_thread.pk, post.pk, "delete"])
    assert c.post(delete).status_code == 302
    assert not ThreadReply.objects.filter(pk=post.pk).exists()
    # the opening post goes only with its thread
    opening = private_thread.replies.get(opening=True)
    own_opening = reverse("web:reply-change", args=[private_thread.pk, opening.pk, "delete"])
    assert stranger_client.post(own_opening).status_code == 403


def test_moderators_hide_and_delete_with_an_audit_entry(private_thread, author, moderator):
    client_for(author).post(thread_url(private_thread), {"body": "Spam spam spam"})
    post = ThreadReply.objects.get(thread=private_thread, author=author)
    mod = client_for(moderator)
    hide = reverse("web:reply-change", args=[private_thread.pk, post.pk, "hide"])
    assert client_for(author).post(hide).status_code == 403
    assert mod.post(hide).status_code == 302
    post.refresh_from_db()
    assert post.hidden
    assert b"Spam spam spam" not in client_for(author).get(thread_url(private_thread)).content
    assert b"Spam spam spam" in mod.get(thread_url(private_thread)).content
    delete_thread = reverse("web:thread-change", args=[private_thread.pk, "delete"])
    assert client_for(author).post(delete_thread).status_code == 403
    assert mod.post(delete_thread).status_code == 302
    assert not Thread.objects.filter(pk=private_thread.pk).exists()
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"thread.hide_reply", "thread.delete"} <= actions


def test_the_approval_thread_cannot_be_deleted(author, moderator, wip_package):
    from releases.submission import submit_for_review

    submit_for_review(by=author, package=wip_package)
    thread = threads.approval_thread_of(wip_package)
    with pytest.raises(Exception, match="lock it instead"):
        threads.delete_thread(by=moderator, thread=thread)


def test_a_markdown_post_is_sanitised(private_thread, author):
    c = client_for(author)
    c.post(
        thread_url(private_thread),
        {"body": "<script>alert(1)</script>**bold** [x](javascript:alert(1))"},
    )
    page = c.get(thread_url(private_thread)).content
    assert b"<script>alert" not in page
    assert b"javascript:" not in page
    assert b"<strong>bold</strong>" in page


@override_settings(RATELIMIT_THREAD_POSTS=(3, 600))
def test_posting_is_rate_limited_per_account(private_thread, author):
    c = client_for(author)
    statuses = [
        c.post(thread_url(private_thread), {"body": f"post {i}"}).status_code for i in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    last = c.post(thread_url(private_thread), {"body": "again"})
    assert int(last["Retry-After"]) > 0
    assert b"too fast" in last.content
    assert private_thread.replies.filter(author=author).count() == 3


def test_an_empty_or_long_reply_is_refused_with_nothing_created(private_thread, author):
    c = client_for(author)
    assert c.post(thread_url(private_thread), {"body": "  "}).status_code == 400
    assert c.post(thread_url(private_thread), {"body": "x" * 2001}).status_code == 400
    assert private_thread.replies.filter(author=author).count() == 0


@override_settings(RATELIMIT_THREAD_POSTS=(1000, 600))
def test_the_thread_page_costs_the_same_queries_for_3_or_30_replies(private_thread, author, db):
    people = [UserFactory(username=f"p{i}", rank=Rank.APPROVER) for i in range(3)]
    c = client_for(author)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(thread_url(private_thread)).status_code == 200
        return len(queries)

    for i in range(2):
        threads.reply(by=people[i % 3], thread=private_thread, body=f"reply {i}")
    small = count()
    for i in range(27):
        threads.reply(by=people[i % 3], thread=private_thread, body=f"more {i}")
    assert count() == small
    print(f"thread page: {small} queries")


def test_the_api_answers_a_public_thread_to_anyone_and_a_private_one_to_its_token(
    client, private_thread, stranger, approved_package
):
    from packages.reviews import write_review

    review = write_review(
        by=stranger, package=approved_package, rating=5, title="Nice", comment="Nice and tidy mod."
    )
    thread = Thread.objects.get(review=review)
    answer = client.get(f"/api/threads/{thread.pk}/").json()
    assert answer["review"]["title"] == "Nice"
    assert answer["private"] is False and answer["replies"] == []
    reviews = client.get(f"/api/packages/author/{approved_package.name}/reviews/").json()
    url = f"{settings.SITE_URL}/threads/{thread.pk}/"
    assert reviews[0]["thread"] == {"id": thread.pk, "url": url}
    _token, secret = create_api_token(user=stranger, name="t")
    private = client.get(
        f"/api/threads/{private_thread.pk}/", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert private.status_code == 200
    assert private.json()["replies"][0]["comment"].startswith("The mod runs")
    assert private["Cache-Control"] == "private, no-store"


def test_a_deleted_package_hides_its_threads(private_thread, approved_package, author, moderator):
    from packages.workflow import delete_package

    delete_package(by=moderator, package=approved_package, reason="spam")
    approved_package.refresh_from_db()
    assert approved_package.state == PackageState.DELETED
    assert client_for(author).get(thread_url(private_thread)).status_code == 404
    assert client_for(moderator).get(thread_url(private_thread)).status_code == 200


def test_the_thread_of_a_review_waiting_for_approval_is_its_writers_and_moderators(
    client, approved_package, moderator, db
):
    from packages.reviews import write_review

    newbie = UserFactory(username="newbie", rank=Rank.NEW_MEMBER)
    review = write_review(
        by=newbie,
        package=approved_package,
        rating=5,
        title="Buy cheap",
        comment="Visit https://spam.example now",
    )
    assert not review.approved
    thread = Thread.objects.get(review=review)
    assert client.get(thread_url(thread)).status_code == 404
    assert client.get(f"/api/threads/{thread.pk}/").status_code == 404
    assert client_for(newbie).get(thread_url(thread)).status_code == 200
    assert client_for(moderator).get(thread_url(thread)).status_code == 200


def test_every_state_change_is_posted_in_the_approval_thread(author, moderator, wip_package):
    from packages import workflow
    from releases.submission import submit_for_review

    submit_for_review(by=author, package=wip_package)
    workflow.withdraw_from_review(by=author, package=wip_package)
    submit_for_review(by=author, package=wip_package)
    workflow.request_changes(by=moderator, package=wip_package, comment="Needs a license.")
    submit_for_review(by=author, package=wip_package)
    workflow.approve(by=moderator, package=wip_package)
    workflow.delete_package(by=moderator, package=wip_package, reason="Takedown request")
    workflow.restore_package(by=moderator, package=wip_package)
    thread = threads.approval_thread_of(wip_package)
    posts = list(thread.replies.order_by("created_at", "id"))
    assert all(p.is_system for p in posts)
    assert [p.body.split("\n")[0] for p in posts] == [
        "Submitted for review.",
        "Withdrawn from review (work in progress).",
        "Submitted for review.",
        "Changes requested:",
        "Submitted for review.",
        "Approved.",
        "Deleted.",
        "Restored.",
    ]
    assert "Needs a license." in posts[3].body and "Takedown request" in posts[6].body
    assert [p.author_id for p in posts][-3:] == [moderator.pk] * 3
