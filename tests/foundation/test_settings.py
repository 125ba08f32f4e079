"""Settings read from the environment: checked in a fresh interpreter, as a server would start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "a-long-and-random-production-secret-key-value" * 2,
    "SITE_URL": "https://rocks.example.org",
    "ALLOWED_HOSTS": "rocks.example.org",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def test_deploy_check_is_clean_with_production_variables():
    result = django_check(PRODUCTION, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("backend", ["console", "locmem", "dummy", "filebased"])
def test_deploy_check_fails_when_mail_would_not_reach_users(backend):
    """Password-reset links printed to the server's output are account takeovers (issue 16, 13)."""
    dotted = f"django.core.mail.backends.{backend}.EmailBackend"
    result = django_check({**PRODUCTION, "EMAIL_BACKEND": dotted}, "--deploy")
    assert result.returncode == 1
    assert f"(accounts.E001) EMAIL_BACKEND is {dotted}" in result.stderr
    assert "password-reset and email-verification links would not reach users" in result.stderr


def test_the_console_backend_is_fine_while_debugging():
    result = django_check({}, "--deploy")  # DEBUG on, the console default
    assert "accounts.E001" not in result.stdout + result.stderr


def test_unknown_task_backend_is_refused():
    result = django_check({"TASK_BACKEND": "carrier-pigeon"})
    assert result.returncode != 0
    assert "TASK_BACKEND must be one of" in result.stderr
