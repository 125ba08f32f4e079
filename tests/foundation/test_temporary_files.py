"""A test run leaves nothing in the system's temporary folder: its media, tmp_path folders and
every file made through `tempfile` (by the code, the tests or a subprocess) live in the run's own
folder (settings/test.py, tests/conftest.py), which the session removes when it ends."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_temporary_files_go_into_the_run_folder(tmp_path):
    run = Path(settings.TEST_RUN_DIR)
    assert Path(settings.MEDIA_ROOT).is_relative_to(run)
    assert tmp_path.is_relative_to(run)
    assert Path(tempfile.gettempdir()).is_relative_to(run)
    assert os.environ["TMPDIR"] == tempfile.gettempdir()
    # left behind on purpose: the session removes it with the run folder
    assert Path(tempfile.mkdtemp(prefix="leaky-")).is_relative_to(run)
    _, name = tempfile.mkstemp()
    assert Path(name).is_relative_to(run)
    result = subprocess.run(
        [sys.executable, "-c", "import tempfile; print(tempfile.mkdtemp())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(result.stdout.strip()).is_relative_to(run)


def test_a_test_run_leaves_no_folder_behind(tmp_path):
    """A real run in a fresh interpreter: uploads a release (media), uses tmp_path and leaks
    temporary files on purpose; afterwards its temporary folder is empty."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_ADDOPTS"}}
    env["TMPDIR"] = str(system_tmp)  # the inner run's "/tmp"; SQLite, never the outer database
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "--nomigrations",
            "tests/foundation/test_temporary_files.py::test_temporary_files_go_into_the_run_folder",
            "tests/contentdb_writes/test_releases.py::test_zip_release_is_stored_approved_and_describes_the_mod",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
    assert sorted(p.name for p in system_tmp.iterdir()) == []
