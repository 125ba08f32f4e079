"""Write use cases of the accounts app: credentials are created here and nowhere else."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.errors import UnknownPackageScope
from accounts.models import ApiKey, ApiToken, User
from accounts.secrets import generate_secret, hash_secret, secret_prefix


@transaction.atomic
def get_or_create_user(*, username: str) -> tuple[User, bool]:
    """Find a user case-insensitively, or create one with an unusable password (commands, demo data)."""
    user = User.objects.filter(username__iexact=username).first()
    if user is not None:
        return user, False
    user = User(username=username)
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
    return key, secret


@transaction.atomic
def revoke_api_key(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


@transaction.atomic
def create_api_token(*, user: User, name: str = "", package=None) -> tuple[ApiToken, str]:
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
        package=package,
    )
    return token, secret


def delete_api_token(*, token: ApiToken) -> None:
    token.delete()


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
