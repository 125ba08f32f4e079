"""Email verification: a signed link mailed at sign-up (and when the address changes) proves the
account holder reads that mailbox; an account publishes nothing until then (packages.permissions).

The link carries the account id and the address, signed with SECRET_KEY (django.core.signing), and
expires after LINK_MAX_AGE. Opening it shows a button; the POST verifies, so a mail scanner that
follows links cannot verify an address for whoever typed it. A link for an address the account no
longer uses verifies nothing. One account per verified address (a database constraint).

Accounts made by operators (management commands, `createsuperuser`) are verified by the operator's
authority instead (`User.verified_by_operator`); accounts that existed before verification was
introduced were marked by migration accounts/0004 (see docs/security.md).
"""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.audit import record
from accounts.errors import EmailTaken, InvalidVerificationLink
from accounts.models import AuditSeverity, User

SALT = "accounts.verify-email"
LINK_MAX_AGE = 7 * 24 * 3600
EMAIL_NOT_VERIFIED = (
    "Verify your email address before publishing: open the link we mailed to you, "
    "or send a new one from your profile settings."
)
LINK_BROKEN = "This verification link is broken or has expired. Send a new one from your profile."
LINK_STALE = "This link is for an address your account no longer uses."
ALREADY_VERIFIED_ELSEWHERE = "Another account has already verified this address."


def verification_link(*, user: User) -> str:
    token = signing.dumps({"user": user.pk, "email": user.email.lower()}, salt=SALT)
    return settings.SITE_URL + reverse("accounts:verify-email", args=[token])


def send_verification_link(*, user: User) -> None:
    """Mail the link to the account's current address (no-op without one or when verified)."""
    if not user.email or user.has_verified_email:
        return
    context = {"user": user, "link": verification_link(user=user), "SITE_URL": settings.SITE_URL}
    send_mail(
        subject=render_to_string("accounts/verify_email_subject.txt", context).strip(),
        message=render_to_string("accounts/verify_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def user_for_link(*, token: str) -> User:
    """The account a link is for, if the link is sound and its address is still the account's."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
        user = User.objects.get(pk=data["user"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        raise InvalidVerificationLink(LINK_BROKEN) from None
    if not user.email or user.email.lower() != data.get("email"):
        raise InvalidVerificationLink(LINK_STALE)
    return user


def verify_email(*, token: str) -> User:
    """Mark the address in the link verified for its account."""
    user = user_for_link(token=token)
    if user.has_verified_email:
        return user
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user.pk)
            user.verified_email = user.email
            user.save(update_fields=["verified_email"])
            record(
                causer=user,
                action="user.verify_email",
                title="Verified the email address",
                severity=AuditSeverity.USER,
                target_user=user,
            )
    except IntegrityError:  # the constraint: another account verified it first
        raise EmailTaken(ALREADY_VERIFIED_ELSEWHERE) from None
    return user
