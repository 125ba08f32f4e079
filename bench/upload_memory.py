"""Peak memory (RSS) of the server while it takes a 200 MB release zip through the ContentDB API.

    .venv/bin/python -m bench.upload_memory [--megabytes 200]

A throwaway SQLite database and media folder (settings.test's run folder, removed at exit); one
user, one mod and a token; a mod zip of incompressible "textures" written to disk in 1 MiB pieces.
The multipart body is streamed from disk into Django's WSGI handler as a WSGI server streams the
socket (tests/contentdb_writes/large_uploads.py), so every step from the request on is the
production path: the multipart parser, the zip checks, hashing, storing. MAX_RELEASE_ZIP_SIZE is
raised for the run (the default, 100 MiB, would refuse the body with 413 before reading it).

Prints the process's resident memory before the upload, its peak during it (VmHWM after the peak
was reset through /proc/self/clear_refs, Linux), and the difference, which is what the upload
cost. Linux only. Numbers are reported, never asserted.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_DB_DIR = tempfile.mkdtemp(prefix="upload-memory-")
os.environ["DJANGO_SETTINGS_MODULE"] = "settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{_DB_DIR}/db.sqlite3"

import django  # noqa: E402

django.setup()

import shutil  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

MiB = 1024 * 1024


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()  # the test client's host, as in the tests
    call_command("migrate", verbosity=0)
    from accounts.services import create_api_token
    from packages.models import PackageState
    from tests.contentdb_writes.large_uploads import MultipartStream, write_mod_zip
    from tests.factories import PackageFactory, UserFactory

    user = UserFactory(username="alice")
    PackageFactory(author=user, name="farming", state=PackageState.WIP, approved_at=None)
    _, secret = create_api_token(user=user, name="bench")
    path = Path(settings.TEST_RUN_DIR) / "farming.zip"
    size = write_mod_zip(path, name="farming", size=args.megabytes * 1000 * 1000)
    settings.MAX_RELEASE_ZIP_SIZE = size + MiB
    body = MultipartStream({"title": "1.0.0"}, file_field="file", path=path, filename="farming.zip")
    client = Client()
    client.get("/api/packages/")  # warm: imports and first queries happen before the baseline

    before = status_kib("VmRSS")
    exact = reset_peak()
    started = time.perf_counter()
    response = client.post(
        "/api/packages/alice/farming/releases/new/",
        **body.environ(),
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    seconds = time.perf_counter() - started
    peak = status_kib("VmHWM")
    if response.status_code != 200:
        raise SystemExit(f"upload refused: {response.status_code} {response.content[:300]!r}")
    print(f"zip: {size / 1e6:.1f} MB ({size} bytes), upload handled in {seconds:.1f} s")
    print(f"RSS before the upload: {before / 1024:.1f} MiB")
    print(
        f"peak RSS during the upload: {peak / 1024:.1f} MiB"
        + ("" if exact else " (process peak: /proc/self/clear_refs not writable)")
    )
    print(
        f"growth: {(peak - before) / 1024:.1f} MiB ({(peak - before) * 1024 / size:.1%} of the zip)"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(_DB_DIR, ignore_errors=True)
