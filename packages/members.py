"""Moderators acting on members' accounts: suspend, unsuspend, change rank. Each asks the
permission table and writes an audit entry in the same transaction.

The rows are the accounts app's, but who may act on whom is the permission table's answer
(packages.permissions, which knows packages as well as ranks), and accounts sits below that table:
so these moderation services live here, beside the table, and raise the accounts app's errors.

A suspended account keeps its packages (they stay visible unless a moderator hides them), but its
LuaRocks keys and ContentDB tokens are refused with 403 by both faces, and web login is refused
with an explanation (accounts.backends).
"""

from django.db import transaction

from accounts.audit import record
from accounts.errors import InvalidRank, NotAllowed
from accounts.models import AuditSeverity, Rank, User
from packages.permissions import Action, can

REASON_LENGTH = 500

# The Django admin is the moderators' tool: approvers and up get in, with what the rank allows.
STAFF_FROM = Rank.APPROVER


def _set_suspended(*, by: User, user: User, suspended: bool, reason: str) -> User:
    user = _lock(by=by, user=user, action=Action.SUSPEND_USER)
    if user.is_suspended != suspended:
        user.is_suspended = suspended
        user.save(update_fields=["is_suspended"])
        record(
            causer=by,
            action="user.suspend" if suspended else "user.unsuspend",
            title=(
                f"Suspended {user.username}"
                if suspended
                else f"Lifted the suspension of {user.username}"
            ),
            severity=AuditSeverity.MODERATION,
            target_user=user,
            diff={"is_suspended": (not suspended, suspended)},
            description=reason.strip()[:REASON_LENGTH],
        )
    return user


@transaction.atomic
def suspend_user(*, by: User, user: User, reason: str = "") -> User:
    """Refuse every login, key and token of `user` from now on (their packages stay)."""
    return _set_suspended(by=by, user=user, suspended=True, reason=reason)


@transaction.atomic
def unsuspend_user(*, by: User, user: User, reason: str = "") -> User:
    return _set_suspended(by=by, user=user, suspended=False, reason=reason)


@transaction.atomic
def change_rank(*, by: User, user: User, rank: Rank | int) -> User:
    """Set a lower-ranked user's rank, at most to the moderator's own (ContentDB's rule)."""
    user = _lock(by=by, user=user, action=Action.CHANGE_RANK)
    try:
        rank = Rank(int(rank))
    except (TypeError, ValueError):
        raise InvalidRank(f"{rank!r} is not a rank.") from None
    if not by.is_superuser and rank > by.rank:
        raise InvalidRank("You cannot give a rank higher than your own.")
    old = Rank(user.rank)
    if rank != old:
        user.rank = rank
        fields = ["rank"]
        if not user.is_superuser and user.is_staff != (rank >= STAFF_FROM):
            user.is_staff = rank >= STAFF_FROM
            fields.append("is_staff")
        user.save(update_fields=fields)
        record(
            causer=by,
            action="user.change_rank",
            title=f"Set the rank of {user.username} to {rank.label}",
            severity=AuditSeverity.MODERATION,
            target_user=user,
            diff={"rank": (old.name, rank.name)},
        )
    return user


def _lock(*, by: User, user: User, action: Action) -> User:
    if not can(by, action, user):
        raise NotAllowed(f"You may not do that to {user.username}.")
    return User.objects.select_for_update().get(pk=user.pk)
