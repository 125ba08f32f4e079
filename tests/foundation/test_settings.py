"""Settings read from the environment: checked in a fresh interpreter, as a server would start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def django_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # A clean server environment: nothing the test session itself set (browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which the deploy check rightly refuses).
    unset = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "settings.base", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    result = django_check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_development_runs_without_any_configuration():
    result = django_check({})
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_production_variables():
    result = django_check(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 20 + "a-long-and-random-production-secret-key-value" * 2,
            "SITE_URL": "https://rocks.example.org",
            "ALLOWED_HOSTS": "rocks.example.org",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_unknown_task_backend_is_refused():
    result = django_check({"TASK_BACKEND": "carrier-pigeon"})
    assert result.returncode != 0
    assert "TASK_BACKEND must be one of" in result.stderr
