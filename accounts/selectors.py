"""Read-only look-ups of the accounts app."""

from django.db.models import Value
from django.db.models.functions import Lower

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
    """The user whose name equals `username` ignoring case, in the sense of the unique constraint
    (`Lower(username)`), so at most one. `username__iexact` compares UPPER() on PostgreSQL, where
    "\u017fam" (long s, U+017F) and "sam" are two accounts with one upper case: `/manifests/sam/`
    could have served the older one's files."""
    return (
        User.objects.annotate(username_lower=Lower("username"))
        .filter(username_lower=Lower(Value(username)))
        .first()
    )
