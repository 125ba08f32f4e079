"""Read-only look-ups of the accounts app."""

from accounts.models import ApiKey, ApiToken, User
from accounts.secrets import hash_secret, looks_like_secret, verify_secret


def api_key_by_secret(*, secret: str) -> ApiKey | None:
    """The key row for a secret (revoked ones included: the face decides 401 vs 403), or None."""
    if not looks_like_secret(secret):
        return None
    key = ApiKey.objects.select_related("user").filter(key_hash=hash_secret(secret)).first()
    if key is None or not verify_secret(secret, key.key_hash):
        return None
    return key


def api_token_by_secret(*, secret: str) -> ApiToken | None:
    if not looks_like_secret(secret):
        return None
    token = (
        ApiToken.objects.select_related("user", "package", "package__author")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    if token is None or not verify_secret(secret, token.token_hash):
        return None
    return token


def user_by_username(*, username: str) -> User | None:
    return User.objects.filter(username__iexact=username).first()
