"""Test settings: only what tests need differs from base (fast hashing, throwaway media).

Each process that loads these settings gets one folder of its own for the run, TEST_RUN_DIR: the
media go there, and tests/conftest.py points every other temporary file of the test run there too
(TMPDIR, pytest's tmp_path), then removes it when the session ends. The process that made the folder
also removes it when it exits, so a benchmark or a shell that imports these settings leaves nothing.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_RUN_DIR = Path(tempfile.mkdtemp(prefix="lua-registry-test-"))
MEDIA_ROOT = TEST_RUN_DIR / "media"
# The production backends (a store on disk shared by processes), in the run's throwaway folder
_cache_dir = TEST_RUN_DIR / "cache"
CACHES = {
    "default": disk_cache(_cache_dir / "shared", max_bytes=CACHE_MAX_BYTES),  # noqa: F405
    "counters": disk_cache(_cache_dir / "counters", max_bytes=None),  # noqa: F405
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# the import tests fetch from a plain-HTTP server they start on loopback (which they permit)
IMPORT_URL_SCHEMES = ["https", "http"]
IMPORT_FETCH_TIMEOUT = 10
# no flusher thread: a test writes the pending download counts with `manage.py flush_downloads`
DOWNLOADS_FLUSH_SECONDS = 0


def _remove_run_dir(path: Path = TEST_RUN_DIR, owner: int = os.getpid()) -> None:
    if os.getpid() == owner:  # never from a forked child (a server worker) while the owner runs
        shutil.rmtree(path, ignore_errors=True)


atexit.register(_remove_run_dir)
