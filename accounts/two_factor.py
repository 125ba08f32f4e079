"""Two-factor authentication: a TOTP authenticator app and one-time recovery codes.

The app is django-otp's TOTPDevice (RFC 6238, 6 digits, 30 s steps, one step of clock skew either
way). django-otp refuses a code at or before the last accepted time step, so a code cannot be used
twice, and backs off exponentially per device after wrong codes (1 s, 2 s, 4 s, ...), which slows
guessing spread over many addresses. On top, every wrong code counts in the same per (username,
address) throttle as a wrong password (accounts/login_throttle.py), and only a right code clears it.

Recovery codes stand in for the app when the phone is lost: RECOVERY_CODE_COUNT random codes of 79
bits (16 of 31 characters), shown once when the app is confirmed, stored as SHA-256 (79 bits leave nothing to brute-force,
as for API keys), each accepted once.

The TOTP seed itself is stored as django-otp keeps it (hex, in the database): the server must compute
the same codes as the app, so it cannot be hashed. Who reads the database can read seeds; the admin
hides them (OTP_ADMIN_HIDE_SENSITIVE_DATA).

Approvers and above must have the app before they may use the admin (registry/admin/site.py).
"""

import secrets

from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import login_throttle
from accounts.audit import record
from accounts.errors import SecondFactorError
from accounts.models import AuditSeverity, Rank, RecoveryCode, User
from accounts.secrets import hash_secret

RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without the look-alikes 0/o, 1/l/i: 4 groups of 4, 5 bits each.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS = 4
DEVICE_NAME = "Authenticator app"
# The admin is the moderators' tool: everyone who may enter it needs the second factor.
REQUIRED_FROM = Rank.APPROVER

WRONG_CODE = "That code is not right, or it was already used."
WRONG_PASSWORD = "That password is not right."  # noqa: S105 - a message, not a password
THROTTLED = "Too many failed attempts. Please wait 15 minutes and try again."
ALREADY_ON = "Two-factor authentication is already on."
NOT_STARTED = "Start the set-up again: no authenticator app is waiting for confirmation."


def is_required_for(user: User) -> bool:
    return user.is_staff or user.is_superuser or user.rank >= REQUIRED_FROM


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def unused_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def start_setup(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (a fresh seed each time the set-up starts)."""
    if has_second_factor(user):
        raise SecondFactorError(ALREADY_ON)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def confirm_setup(*, user: User, code: str, address: str) -> tuple[TOTPDevice, list[str]]:
    """Turn the pending authenticator on once it shows a right code; returns the recovery codes,
    which exist in the clear only in this return value."""
    _refuse_if_throttled(user=user, address=address)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise SecondFactorError(NOT_STARTED)
        accepted = device.verify_token(_digits(code))
    if not accepted:  # outside the transaction: django-otp's failure count must stay saved
        _refuse_wrong_code(user=user, address=address)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user=user)
        record(
            causer=user,
            action="two_factor.enable",
            title="Turned on two-factor authentication",
            severity=AuditSeverity.USER,
            target_user=user,
        )
    login_throttle.clear_failures(username=user.username, address=address)
    return device, codes


def verify_second_factor(*, user: User, code: str, address: str) -> TOTPDevice:
    """The user's authenticator when `code` is its current code or an unused recovery code."""
    _refuse_if_throttled(user=user, address=address)
    device = confirmed_device(user)
    if device is None:
        raise SecondFactorError(WRONG_CODE)
    if not _accept_code(user=user, device=device, code=code):
        _refuse_wrong_code(user=user, address=address)
    login_throttle.clear_failures(username=user.username, address=address)
    return device


def disable_second_factor(*, user: User, password: str, code: str, address: str) -> None:
    """Turn two-factor authentication off; needs the password and a current or recovery code."""
    _refuse_if_throttled(user=user, address=address)
    if not check_password(password, user.password):
        login_throttle.record_failure(username=user.username, address=address)
        raise SecondFactorError(WRONG_PASSWORD)
    verify_second_factor(user=user, code=code, address=address)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        record(
            causer=user,
            action="two_factor.disable",
            title="Turned off two-factor authentication",
            severity=AuditSeverity.USER,
            target_user=user,
        )


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _accept_code(*, user: User, device: TOTPDevice, code: str) -> bool:
    digits = _digits(code)
    if len(digits) == device.digits:
        with transaction.atomic():
            locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            return bool(locked.verify_token(digits))
    # A conditional UPDATE: two requests with the same code cannot both use it.
    used = RecoveryCode.objects.filter(
        user=user, code_hash=hash_secret(normalise_recovery_code(code)), used_at__isnull=True
    ).update(used_at=timezone.now())
    if used:
        record(
            causer=user,
            action="two_factor.recovery_code",
            title="Logged in with a recovery code",
            severity=AuditSeverity.USER,
            target_user=user,
        )
    return bool(used)


def _digits(code: str) -> str:
    stripped = "".join(code.split())
    return stripped if stripped.isascii() and stripped.isdigit() else ""


def _refuse_if_throttled(*, user: User, address: str) -> None:
    if login_throttle.is_locked_out(username=user.username, address=address):
        raise SecondFactorError(THROTTLED)


def _refuse_wrong_code(*, user: User, address: str) -> None:
    login_throttle.record_failure(username=user.username, address=address)
    raise SecondFactorError(WRONG_CODE)


@transaction.atomic
def _replace_recovery_codes(*, user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=hash_secret(normalise_recovery_code(c))) for c in codes]
    )
    return codes


def _new_recovery_code() -> str:
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)
