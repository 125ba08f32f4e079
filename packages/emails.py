"""Mail for notifications, through Django's email framework (EMAIL_BACKEND: console in
development, SMTP in production, locmem in tests).

Every mail has a plain-text and an HTML part and, for each kind it carries, an unsubscribe link
signed with SECRET_KEY (django.core.signing) that works without logging in: opening it shows a
button, and the POST sets that kind to "never" (a mail scanner that follows links changes nothing).
The link is also in the `List-Unsubscribe` header. Only verified addresses get mail (the choice is
made when the notification is created, packages/notifications.py).

`send_digests` mails each user's waiting digest entries as one mail and marks them sent in the same
transaction: run twice, the second run finds nothing to send.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django_tasks import task

from accounts.models import User
from packages.errors import InvalidUnsubscribeLink
from packages.models import (
    EmailFrequency,
    EmailPreference,
    EmailState,
    Notification,
    NotificationKind,
)

logger = logging.getLogger(__name__)

SALT = "packages.unsubscribe"
LINK_BROKEN = "This unsubscribe link is broken. Change your email settings after logging in."


def unsubscribe_token(*, user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=SALT)


def unsubscribe_url(*, user: User, kind: str) -> str:
    token = unsubscribe_token(user=user, kind=kind)
    return settings.SITE_URL + reverse("web:unsubscribe", args=[token])


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The account and kind a link is for (no expiry: an old mail's link keeps working)."""
    try:
        data = signing.loads(token, salt=SALT)
        user = User.objects.get(pk=data["u"])
        kind = NotificationKind(data["k"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        raise InvalidUnsubscribeLink(LINK_BROKEN) from None
    return user, kind


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, str]:
    """Stop mail of the link's kind for its account (the link is the proof, no login needed)."""
    user, kind = read_unsubscribe_token(token)
    EmailPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": EmailFrequency.NEVER}
    )
    Notification.objects.filter(user=user, kind=kind, email_state=EmailState.DIGEST).update(
        email_state=EmailState.NONE
    )
    return user, kind


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def _message(*, user: User, subject: str, items: list[Notification]) -> EmailMultiAlternatives:
    kinds = sorted({n.kind for n in items})
    links = {kind: unsubscribe_url(user=user, kind=kind) for kind in kinds}
    settings_url = settings.SITE_URL + reverse("accounts:notification-settings")
    text_lines = [f"Hello {user.shown_name},", ""]
    for n in items:
        text_lines += [f"* {n.title}", f"  {_absolute(n.url)}"]
    text_lines += ["", "--", f"Email settings: {settings_url}"]
    for kind in kinds:
        label = NotificationKind(kind).label
        text_lines.append(f"Stop mail of this kind ({label}): {links[kind]}")
    html = format_html(
        '<p>Hello {},</p><ul>{}</ul><hr><p><a href="{}">Email settings</a></p><p>{}</p>',
        user.shown_name,
        format_html_join(
            "", '<li><a href="{}">{}</a></li>', ((_absolute(n.url), n.title) for n in items)
        ),
        settings_url,
        format_html_join(
            " ",
            '<a href="{}">Stop mail of this kind ({})</a>',
            ((links[kind], NotificationKind(kind).label) for kind in kinds),
        ),
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body="\n".join(text_lines) + "\n",
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{links[kinds[0]]}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(str(html), "text/html")
    return message


def send_notification_emails(notifications: list[Notification]) -> None:
    """Mail each notification at once, over one connection (after the commit that made them).

    A mail server that fails does not fail the request that caused the notifications: they wait
    for the next digest instead, and the failure is logged."""
    mailed = [n for n in notifications if n.user.has_verified_email]
    messages = [
        _message(user=n.user, subject=f"[Lua Registry] {n.title}", items=[n]) for n in mailed
    ]
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("Mailing %d notifications failed; they wait for the digest", len(mailed))
        Notification.objects.filter(pk__in=[n.pk for n in mailed]).update(
            email_state=EmailState.DIGEST
        )


def send_digests() -> int:
    """Mail every waiting digest entry, one mail per user; returns the number of mails."""
    waiting = (
        Notification.objects.filter(email_state=EmailState.DIGEST)
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(waiting):
        with transaction.atomic():
            items = list(
                Notification.objects.select_for_update()
                .filter(user_id=user_id, email_state=EmailState.DIGEST)
                .select_related("user")
                .order_by("created_at", "id")
            )
            if not items:
                continue  # another run took them
            user = items[0].user
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                email_state=EmailState.SENT if user.has_verified_email else EmailState.NONE
            )
            if user.has_verified_email:
                subject = f"[Lua Registry] Your daily digest: {len(items)} notifications"
                _message(user=user, subject=subject, items=items).send()
                sent += 1
    return sent


@task()
def send_digests_task() -> int:
    """The task backend's way to run the daily digest (`manage.py send_digests` from cron)."""
    return send_digests()
