"""Test settings: only what tests need differs from base (fast hashing, throwaway media)."""

import tempfile
from pathlib import Path

from settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lua-registry-test-media-"))
# The production backends (a store on disk shared by processes), in a throwaway folder
_cache_dir = Path(tempfile.mkdtemp(prefix="lua-registry-test-cache-"))
CACHES = {
    "default": disk_cache(_cache_dir / "shared", max_bytes=CACHE_MAX_BYTES),  # noqa: F405
    "counters": disk_cache(_cache_dir / "counters", max_bytes=None),  # noqa: F405
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
