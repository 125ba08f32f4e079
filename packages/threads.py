"""Threads: the approval thread of a package, review threads and private discussions.

- `post_state_change` is called by the workflow (packages/workflow.py) and by a failed release
  import (releases/tasks.py): it posts the change as a system reply in the package's approval
  thread (opened at the first submission) and notifies who needs to know.
- `open_review_thread` is called by `packages.reviews.write_review`: the review is the opening
  post of a public thread.
- `create_thread`, `reply`, `edit_reply`, `delete_reply`, `hide_reply`, `lock_thread` and
  `delete_thread` are the users' and moderators' writes; every one asks the permission table
  (SEE_THREAD ... HIDE_REPLY), posts are rate-limited per account, and a moderator's action on
  somebody else's post or thread is audited.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from accounts.audit import record
from accounts.models import AuditSeverity, Rank, User
from media_tools.limits import Limit, hit
from packages.errors import InvalidThreadPost, NotAllowed, TooManyPosts
from packages.models import (
    NotificationKind,
    Package,
    Review,
    Thread,
    ThreadKind,
    ThreadReply,
)
from packages.notifications import Draft, notify, package_people
from packages.permissions import Action, can, is_own_package

BODY_LENGTH = 2000  # ContentDB's thread_reply.comment
TITLE_LENGTH = (3, 100)
TOO_MANY_POSTS = "You are posting too fast; try again later."


class Event:
    """The state changes posted in an approval thread."""

    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"
    DELETED = "deleted"
    RESTORED = "restored"
    RELEASE_FAILED = "release_failed"


_EVENT_TEXT = {
    Event.SUBMITTED: "Submitted for review.",
    Event.CHANGES_REQUESTED: "Changes requested:",
    Event.APPROVED: "Approved.",
    Event.WITHDRAWN: "Withdrawn from review (work in progress).",
    Event.DELETED: "Deleted.",
    Event.RESTORED: "Restored.",
    Event.RELEASE_FAILED: "A release failed to import:",
}
# what the package's people hear of (others watching the thread get a THREAD_REPLY)
_EVENT_KIND = {
    Event.CHANGES_REQUESTED: NotificationKind.CHANGES_REQUESTED,
    Event.APPROVED: NotificationKind.APPROVED,
    Event.RELEASE_FAILED: NotificationKind.RELEASE_FAILED,
}
_EVENT_TITLE = {
    Event.SUBMITTED: "{package} was submitted for review",
    Event.CHANGES_REQUESTED: "Changes requested on {package}",
    Event.APPROVED: "{package} was approved",
    Event.WITHDRAWN: "{package} was withdrawn from review",
    Event.DELETED: "{package} was deleted",
    Event.RESTORED: "{package} was restored",
    Event.RELEASE_FAILED: "A release of {package} failed to import",
}


# --- reading ------------------------------------------------------------------------------------


def thread_page(thread_id: int) -> tuple[Thread, list[ThreadReply]]:
    """A thread with what its page shows, in a constant number of queries (3)."""
    thread = (
        Thread.objects.select_related("package__author", "author", "review__author")
        .prefetch_related(Prefetch("package__maintainers"))
        .get(pk=thread_id)
    )
    replies = list(thread.replies.select_related("author").order_by("created_at", "id"))
    for r in replies:
        r.thread = thread  # the permission checks read it without a query
    return thread, replies


def may_see(viewer: User | AnonymousUser | None, thread: Thread) -> bool:
    """SEE_THREAD, and for a review's thread the review's own visibility: one that waits for a
    moderator is its writer's and the moderators' until approved."""
    if not can(viewer, Action.SEE_THREAD, thread):
        return False
    review = thread.review if thread.review_id else None
    if review is None or review.approved:
        return True
    return isinstance(viewer, User) and (
        review.author_id == viewer.pk or can(viewer, Action.APPROVE_REVIEW, review)
    )


def approval_thread_of(package: Package) -> Thread | None:
    return Thread.objects.filter(package=package, kind=ThreadKind.APPROVAL).first()


def visible_threads(*, package: Package, viewer: User | None) -> list[Thread]:
    """The package's threads the viewer may see, newest activity first (at most 50); review
    threads are reached from their review."""
    threads = list(
        Thread.objects.filter(package=package)
        .exclude(kind=ThreadKind.REVIEW)
        .select_related("author", "package__author")[:50]
    )
    for t in threads:
        t.package = package
    return [t for t in threads if can(viewer, Action.SEE_THREAD, t)]


# --- the approval thread ------------------------------------------------------------------------


def ensure_approval_thread(package: Package) -> Thread:
    """The package's approval thread, opened (private, watched by its people) if it has none."""
    thread = approval_thread_of(package)
    if thread is None:
        thread = Thread.objects.create(
            package=package,
            kind=ThreadKind.APPROVAL,
            author=package.author,
            title=f"Approval thread: {package.title}"[: TITLE_LENGTH[1]],
            private=True,
        )
        thread.watchers.add(*package_people(package))
    return thread


def post_state_change(
    *, package: Package, by: User | None, event: str, text: str = ""
) -> ThreadReply | None:
    """Post a state change in the approval thread (Luanti packages always; a rock only when it
    has one) and notify the package's people and the thread's watchers."""
    thread = approval_thread_of(package) if package.is_rock else ensure_approval_thread(package)
    if thread is None:
        return None
    body = _EVENT_TEXT[event] + (f"\n\n{text.strip()}" if text.strip() else "")
    now = timezone.now()
    reply = ThreadReply.objects.create(
        thread=thread, author=by, is_system=True, body=body, created_at=now
    )
    # a moderator's decision answers the author; a submission or withdrawal is the author's move
    thread.awaiting_moderator = False
    thread.last_reply_at = now
    thread.save(update_fields=["awaiting_moderator", "last_reply_at"])
    title = _EVENT_TITLE[event].format(package=package.title)
    url = reply.get_absolute_url()
    people = package_people(package)
    kind = _EVENT_KIND.get(event, NotificationKind.THREAD_REPLY)
    drafts = [Draft(u, kind, title, url, package, thread) for u in people]
    drafts += [
        Draft(u, NotificationKind.THREAD_REPLY, title, url, package, thread)
        for u in _watchers_who_see(thread)
    ]
    notify(drafts, actor=by)
    return reply


# --- reviews ------------------------------------------------------------------------------------


def open_review_thread(*, review: Review) -> Thread:
    """The public thread a review opens; the package's people hear of an approved review."""
    package = review.package
    thread = Thread.objects.create(
        package=package,
        kind=ThreadKind.REVIEW,
        review=review,
        author=review.author,
        title=review.title,
        private=False,
    )
    thread.watchers.add(review.author)
    if review.approved:
        notify_new_review(review=review, thread=thread)
    return thread


def notify_new_review(*, review: Review, thread: Thread) -> None:
    package = review.package
    title = f"{review.author.shown_name} reviewed {package.title}: {review.title}"
    notify(
        (
            Draft(u, NotificationKind.NEW_REVIEW, title, thread.get_absolute_url(), package, thread)
            for u in package_people(package)
        ),
        actor=review.author,
    )


# --- users' writes ------------------------------------------------------------------------------


@transaction.atomic
def create_thread(
    *, by: User, package: Package, title: str, body: str, private: bool = True
) -> Thread:
    """Open a discussion with the package's people (private: only they, its writer and
    approvers and above see it)."""
    if not can(by, Action.CREATE_THREAD, package):
        raise NotAllowed("You may not open a thread on this package.")
    title = (title or "").strip()
    if not TITLE_LENGTH[0] <= len(title) <= TITLE_LENGTH[1]:
        raise InvalidThreadPost("The title must be 3 to 100 characters long.", field="title")
    body = _clean_body(body)
    _count_post(by)
    thread = Thread.objects.create(
        package=package, kind=ThreadKind.DISCUSSION, author=by, title=title, private=private
    )
    ThreadReply.objects.create(thread=thread, author=by, body=body, opening=True)
    people = package_people(package)
    thread.watchers.add(by, *people)
    notify(
        (
            Draft(
                u,
                NotificationKind.THREAD_REPLY,
                f"{by.shown_name} opened a thread on {package.title}: {title}",
                thread.get_absolute_url(),
                package,
                thread,
            )
            for u in people
        ),
        actor=by,
    )
    return thread


@transaction.atomic
def reply(*, by: User, thread: Thread, body: str) -> ThreadReply:
    """Post in a thread; its writer watches it from then on, its watchers hear of it."""
    thread = Thread.objects.select_for_update().select_related("package__author").get(pk=thread.pk)
    if not can(by, Action.COMMENT_THREAD, thread):
        raise NotAllowed(
            "This thread is locked." if thread.locked else "You may not reply in this thread."
        )
    body = _clean_body(body)
    _count_post(by)
    now = timezone.now()
    post = ThreadReply.objects.create(thread=thread, author=by, body=body, created_at=now)
    thread.last_reply_at = now
    if thread.is_approval:
        moderator = by.rank >= Rank.APPROVER or by.is_superuser
        if is_own_package(by, thread.package) and not moderator:
            thread.awaiting_moderator = True
        elif moderator:
            thread.awaiting_moderator = False
    thread.save(update_fields=["last_reply_at", "awaiting_moderator"])
    thread.watchers.add(by)
    title = f"{by.shown_name} replied in {thread.title}"
    notify(
        (
            Draft(
                u,
                NotificationKind.THREAD_REPLY,
                title,
                post.get_absolute_url(),
                thread.package,
                thread,
            )
            for u in _watchers_who_see(thread)
        ),
        actor=by,
    )
    return post


@transaction.atomic
def edit_reply(*, by: User, reply: ThreadReply, body: str) -> ThreadReply:
    if not can(by, Action.EDIT_REPLY, reply):
        raise NotAllowed("You may not edit this post.")
    before = reply.body
    reply.body = _clean_body(body)
    reply.edited_at = timezone.now()
    reply.save(update_fields=["body", "edited_at"])
    if reply.author_id != by.pk:
        _audit(by, reply.thread, "thread.edit_reply", "Edited a post by another user", before)
    return reply


@transaction.atomic
def delete_reply(*, by: User, reply: ThreadReply) -> None:
    if not can(by, Action.DELETE_REPLY, reply):
        raise NotAllowed("You may not delete this post.")
    if reply.author_id != by.pk:
        _audit(by, reply.thread, "thread.delete_reply", "Deleted a post", reply.body)
    reply.delete()


@transaction.atomic
def hide_reply(*, by: User, reply: ThreadReply, hidden: bool = True) -> ThreadReply:
    """A moderator hides a post from everyone below moderator (or shows it again)."""
    if not can(by, Action.HIDE_REPLY, reply):
        raise NotAllowed("Only moderators hide posts.")
    if reply.hidden != hidden:
        reply.hidden = hidden
        reply.save(update_fields=["hidden"])
        verb = "Hid" if hidden else "Unhid"
        _audit(by, reply.thread, "thread.hide_reply", f"{verb} a post", reply.body)
    return reply


@transaction.atomic
def lock_thread(*, by: User, thread: Thread, locked: bool = True) -> Thread:
    if not can(by, Action.LOCK_THREAD, thread):
        raise NotAllowed("Only moderators lock threads.")
    if thread.locked != locked:
        thread.locked = locked
        thread.save(update_fields=["locked"])
        verb = "Locked" if locked else "Unlocked"
        _audit(by, thread, "thread.lock", f"{verb} the thread {thread.title}")
    return thread


@transaction.atomic
def delete_thread(*, by: User, thread: Thread) -> None:
    if not can(by, Action.DELETE_THREAD, thread):
        raise NotAllowed("Only moderators delete threads.")
    if thread.kind == ThreadKind.APPROVAL:
        raise NotAllowed("The approval thread is the package's record; lock it instead.")
    if thread.kind == ThreadKind.REVIEW:
        raise NotAllowed("Delete the review instead: its thread goes with it.")
    _audit(by, thread, "thread.delete", f"Deleted the thread {thread.title}")
    thread.delete()


# --- helpers ------------------------------------------------------------------------------------


def _watchers_who_see(thread: Thread) -> list[User]:
    """The watchers who may still see the thread (a rank or a maintainer list may have changed),
    checked in memory: one query for the watchers, one for the package's maintainers."""
    watchers = list(thread.watchers.all())
    package = thread.package
    if "maintainers" not in getattr(package, "_prefetched_objects_cache", {}):
        prefetch_related_objects([package], "maintainers")
    return [u for u in watchers if can(u, Action.SEE_THREAD, thread)]


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise InvalidThreadPost("Write something: the post is empty.", field="body")
    if len(body) > BODY_LENGTH:
        raise InvalidThreadPost(f"The post is longer than {BODY_LENGTH} characters.", field="body")
    return body


def thread_post_limit() -> Limit:
    count, window = settings.RATELIMIT_THREAD_POSTS
    return Limit("thread-posts", count, window)


def _count_post(by: User) -> None:
    wait = hit(thread_post_limit(), str(by.pk))
    if wait:
        raise TooManyPosts(TOO_MANY_POSTS, retry_after=wait)


def _audit(by: User, thread: Thread, action: str, title: str, before: str = "") -> None:
    record(
        causer=by,
        action=action,
        title=title,
        severity=AuditSeverity.MODERATION,
        package=thread.package,
        target=f"thread {thread.pk}",
        description=before[:500],
    )
