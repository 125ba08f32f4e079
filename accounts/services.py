"""Write use cases of the accounts app: credentials are created here and nowhere else."""

from typing import Any, Protocol

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import record
from accounts.errors import UnknownPackageScope
from accounts.models import ApiKey, ApiToken, AuditSeverity, User
from accounts.secrets import generate_secret, hash_secret, secret_prefix
from accounts.usernames import check_new_username


@transaction.atomic
def get_or_create_user(*, username: str) -> tuple[User, bool]:
    """Find a user case-insensitively, or create one with an unusable password (commands, demo data).

    Only operators run this (management commands), so a new account is verified by their
    authority: it may publish without an email address. The name rules of sign-up apply.
    """
    user = User.objects.filter(username__iexact=username).first()
    if user is not None:
        return user, False
    check_new_username(username)
    user = User(username=username, verified_by_operator=True)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user, True


@transaction.atomic
def create_api_key(*, user: User, comment: str = "") -> tuple[ApiKey, str]:
    """Make a LuaRocks key. Returns the row and the secret, which is never stored and shown once."""
    secret = generate_secret(ApiKey.SECRET_LENGTH)
    key = ApiKey.objects.create(
        user=user, key_hash=hash_secret(secret), prefix=secret_prefix(secret), comment=comment[:255]
    )
    _audit_credential(
        by=user, user=user, action="api_key.create", what=f"LuaRocks key {key.prefix}…"
    )
    return key, secret


@transaction.atomic
def revoke_api_key(*, key: ApiKey, by: User | None = None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        _audit_credential(
            by=by or key.user,
            user=key.user,
            action="api_key.revoke",
            what=f"LuaRocks key {key.prefix}…",
        )
    return key


class PackageScope(Protocol):
    """A package a token may be limited to: a packages.Package (that app sits above this one)."""

    @property
    def pk(self) -> Any: ...

    @property
    def author_id(self) -> int: ...

    @property
    def key(self) -> str: ...

    @property
    def maintainers(self) -> Any: ...  # a related manager of users


@transaction.atomic
def create_api_token(
    *, user: User, name: str = "", package: PackageScope | None = None
) -> tuple[ApiToken, str]:
    """Make a ContentDB token, optionally limited to one package the user owns or maintains."""
    if package is not None and not (
        package.author_id == user.pk or package.maintainers.filter(pk=user.pk).exists()
    ):
        raise UnknownPackageScope(f"{user} does not maintain {package.key}.")
    secret = generate_secret(ApiToken.SECRET_LENGTH)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "API token")[:100],
        token_hash=hash_secret(secret),
        prefix=secret_prefix(secret),
        package_id=package.pk if package is not None else None,
    )
    _audit_credential(
        by=user,
        user=user,
        action="api_token.create",
        what=f"API token {token.name!r} {token.prefix}…",
    )
    return token, secret


@transaction.atomic
def delete_api_token(*, token: ApiToken, by: User | None = None) -> None:
    what = f"API token {token.name!r} {token.prefix}…"
    _audit_credential(by=by or token.user, user=token.user, action="api_token.delete", what=what)
    token.delete()


def _audit_credential(*, by: User, user: User, action: str, what: str) -> None:
    verb = {"create": "Created", "revoke": "Revoked", "delete": "Deleted"}[action.split(".")[1]]
    whose = "" if by.pk == user.pk else f" of {user.username}"
    record(
        causer=by,
        action=action,
        title=f"{verb} {what}{whose}",
        severity=AuditSeverity.USER,
        target_user=user,
        target=what,
    )


def record_api_key_use(*, key: ApiKey) -> None:
    """Touch last_used_at with one UPDATE, without loading or locking anything else."""
    now = timezone.now()
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


def record_api_key_action(*, key: ApiKey) -> None:
    """Count one successful upload made with the key (luarocks.org's `api_keys.actions`)."""
    ApiKey.objects.filter(pk=key.pk).update(actions=F("actions") + 1)


def record_api_token_use(*, token: ApiToken) -> None:
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
