"""Generate, hash and verify the secrets behind LuaRocks API keys and ContentDB API tokens.

Secrets are long random strings, so a single SHA-256 is a safe one-way hash: there is nothing to
brute-force. Rows are looked up by that hash, so the database index never compares the secret itself
(no timing oracle on the secret), and the final comparison is constant-time.
"""

import hashlib
import hmac
import secrets
import string

ALPHABET = string.ascii_letters + string.digits
PREFIX_LENGTH = 8


def generate_secret(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def secret_prefix(secret: str) -> str:
    """The visible part shown in lists so an owner can tell their keys apart."""
    return secret[:PREFIX_LENGTH]


def verify_secret(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), secret_hash)


def looks_like_secret(value: str, *, max_length: int = 128) -> bool:
    """Cheap shape check before touching the database: only our alphabet, bounded length."""
    return 0 < len(value) <= max_length and all(ch in ALPHABET for ch in value)
