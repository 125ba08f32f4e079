"""Notifications: created in one bulk insert per event, shown in the site's list, mailed by each
recipient's preference for the kind (packages/emails.py).

`notify` is what every event calls: it drops the actor, inactive and duplicate recipients, reads
the recipients' preferences for the kinds in one query, inserts every row with one `bulk_create`
(one INSERT on PostgreSQL whatever the number of recipients), and mails the "immediately" ones
after the transaction commits. A kind mailed in the daily digest waits as `EmailState.DIGEST`
until `send_digests` (packages/emails.py) sends it. Nothing is mailed to an unverified address.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Rank, User
from packages.errors import NotAllowed
from packages.models import (
    EmailFrequency,
    EmailPreference,
    EmailState,
    Notification,
    NotificationKind,
    Package,
    PackageWatch,
    Thread,
)
from packages.permissions import Action, can

DEFAULT_FREQUENCY = EmailFrequency.IMMEDIATELY
SHOWN = 200  # the notification list shows the newest 200: a constant cost however many there are


@dataclass(frozen=True)
class Draft:
    """One notification to create: who, which kind, and what it says."""

    user: User
    kind: NotificationKind
    title: str
    url: str
    package: Package | None = None
    thread: Thread | None = None


def notify(drafts: Iterable[Draft], *, actor: User | None) -> list[Notification]:
    """Create the notifications of one event (one per user: the first draft for a user wins)."""
    chosen: dict[int, Draft] = {}
    for draft in drafts:
        user = draft.user
        if not user.is_active or (actor is not None and user.pk == actor.pk):
            continue
        chosen.setdefault(user.pk, draft)
    if not chosen:
        return []
    frequency = email_frequencies(user_ids=list(chosen), kinds={d.kind for d in chosen.values()})
    now = timezone.now()
    rows = [
        Notification(
            user=draft.user,
            kind=draft.kind,
            actor=actor,
            package=draft.package,
            thread=draft.thread,
            title=draft.title[:200],
            url=draft.url[:300],
            created_at=now,
            email_state=_email_state(draft.user, frequency.get((pk, draft.kind))),
        )
        for pk, draft in chosen.items()
    ]
    Notification.objects.bulk_create(rows)
    to_mail = [row for row in rows if row.email_state == EmailState.SENT]
    if to_mail:
        from packages.emails import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails(to_mail))
    return rows


def _email_state(user: User, frequency: str | None) -> EmailState:
    frequency = frequency or DEFAULT_FREQUENCY
    if not user.has_verified_email or frequency == EmailFrequency.NEVER:
        return EmailState.NONE
    return EmailState.SENT if frequency == EmailFrequency.IMMEDIATELY else EmailState.DIGEST


def email_frequencies(
    *, user_ids: list[int], kinds: set[NotificationKind]
) -> dict[tuple[int, str], str]:
    """The stored preferences of these users for these kinds: one query."""
    rows = EmailPreference.objects.filter(user_id__in=user_ids, kind__in=kinds).values_list(
        "user_id", "kind", "frequency"
    )
    return {(user_id, kind): frequency for user_id, kind, frequency in rows}


def preferences_of(user: User) -> dict[str, str]:
    """Every kind with the user's choice (the default where they made none)."""
    stored = dict(EmailPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {kind: stored.get(kind, DEFAULT_FREQUENCY) for kind in NotificationKind.values}


@transaction.atomic
def set_email_preferences(*, by: User, user: User, choices: dict[str, str]) -> None:
    """Store the user's frequency per kind (unknown kinds and frequencies are refused)."""
    if by.pk != user.pk:
        raise NotAllowed("You may change only your own email settings.")
    for kind, frequency in choices.items():
        if kind not in NotificationKind.values or frequency not in EmailFrequency.values:
            raise NotAllowed("Unknown email setting.")
        EmailPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"frequency": frequency}
        )
        if frequency == EmailFrequency.NEVER:  # waiting digest entries of that kind are dropped
            Notification.objects.filter(user=user, kind=kind, email_state=EmailState.DIGEST).update(
                email_state=EmailState.NONE
            )


# --- reading and marking ------------------------------------------------------------------------


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user: User) -> QuerySet[Notification]:
    """The newest notifications first, with what the list shows joined: one query."""
    return Notification.objects.filter(user=user).select_related(
        "actor", "package__author", "thread"
    )[:SHOWN]


def grouped(notifications: Iterable[Notification]) -> list[tuple[str, list[Notification]]]:
    """The list's groups: one per thread, else per package, in order of their newest entry."""
    groups: dict[tuple[str, int | None], tuple[str, list[Notification]]] = {}
    for n in notifications:
        key: tuple[str, int | None]
        if n.thread_id is not None and n.thread is not None:
            key, label = ("thread", n.thread_id), n.thread.title
            if n.package is not None and not n.thread.is_approval:
                label = f"{n.package.title}: {label}"
        elif n.package_id is not None and n.package is not None:
            key, label = ("package", n.package_id), n.package.title
        else:
            key, label = ("other", None), "Other"
        groups.setdefault(key, (label, []))[1].append(n)
    return list(groups.values())


def mark_read(*, by: User, ids: Iterable[int] | None = None, thread: Thread | None = None) -> int:
    """Mark the user's unread notifications read: all, the given ids, or those of one thread."""
    unread = Notification.objects.filter(user=by, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    if thread is not None:
        unread = unread.filter(thread=thread)
    return unread.update(read_at=timezone.now())


# --- watching -----------------------------------------------------------------------------------


@transaction.atomic
def watch_thread(*, by: User, thread: Thread, watch: bool = True) -> None:
    if watch and not can(by, Action.SEE_THREAD, thread):
        raise NotAllowed("You may not see this thread.")
    if watch:
        thread.watchers.add(by)
    else:
        thread.watchers.remove(by)


@transaction.atomic
def watch_package(*, by: User, package: Package, watch: bool = True) -> None:
    if watch and not can(by, Action.VIEW_PACKAGE, package):
        raise NotAllowed("You may not see this package.")
    if watch:
        PackageWatch.objects.get_or_create(user=by, package=package)
    else:
        PackageWatch.objects.filter(user=by, package=package).delete()


def watches_package(user: User, package: Package) -> bool:
    return PackageWatch.objects.filter(user=user, package=package).exists()


# --- who hears of what --------------------------------------------------------------------------


def package_people(package: Package) -> list[User]:
    """The author and the maintainers."""
    return [package.author, *package.maintainers.exclude(pk=package.author_id)]


def editors_and_above() -> QuerySet[User]:
    return User.objects.filter(
        Q(rank__gte=Rank.EDITOR) | Q(is_superuser=True), is_active=True, is_suspended=False
    )


def notify_new_report(*, package: Package, by: User | None, reason: str) -> None:
    url = f"/admin/packages/package/{package.pk}/review/"
    title = f"New report on {package.title}: {reason}"
    notify(
        (Draft(u, NotificationKind.NEW_REPORT, title, url, package) for u in editors_and_above()),
        actor=by if isinstance(by, User) else None,
    )


def notify_new_release(*, package: Package, release_title: str, by: User | None) -> None:
    """The package's watchers, who may see it, hear of a release that is now public."""
    if not package.is_approved:
        return
    watchers = User.objects.filter(package_watches__package=package)
    title = f"{package.title}: new release {release_title}"
    url = _package_url(package)
    notify(
        (Draft(u, NotificationKind.NEW_RELEASE, title, url, package) for u in watchers), actor=by
    )


def _package_url(package: Package) -> str:
    if package.is_rock:
        return f"/modules/{package.author.username}/{package.name}"
    return f"/packages/{package.author.username}/{package.name}/"


def notify_update_available(*, package: Package, ref: str) -> list[Notification]:
    """The package's people hear that its repository has something new (`ref`: a tag name, or a
    branch and commit) when its update detection only notifies (releases/update_tasks.py): the
    link leads to the new-release form (a rock's page: rocks are uploaded, not made here)."""
    title = f"Update available for {package.title}: {ref}"
    url = _package_url(package) if package.is_rock else f"{_package_url(package)}releases/new/"
    return _tell_package_people(package, NotificationKind.UPDATE_AVAILABLE, title, url)


def notify_updates_paused(*, package: Package, reason: str) -> list[Notification]:
    """The package's people hear that checking its repository stopped after repeated failures
    (releases/update_checks.py), with the last error (cut to a title's length); the link leads to
    the update settings, where they unpause it."""
    title = f"Update checks paused for {package.title}: {reason}"
    url = _package_url(package) + ("/updates" if package.is_rock else "updates/")
    return _tell_package_people(package, NotificationKind.UPDATES_PAUSED, title, url)


def _tell_package_people(
    package: Package, kind: NotificationKind, title: str, url: str
) -> list[Notification]:
    drafts = (Draft(u, kind, title, url, package) for u in package_people(package))
    return notify(drafts, actor=None)
