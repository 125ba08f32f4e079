"""No LuaRocks key or ContentDB token reaches a log line, whatever path or query carries it
(docs/security.md, "Secrets in logs and at rest").

Keys and tokens are random strings of letters and digits (accounts/secrets.py): 40 for a key, 32 for
a token. Clients get paths wrong (`/api/1//KEY/status`, `/api/2/KEY/upload`, `/API/1/KEY/status`,
a token pasted into a query string), and Django, runserver and gunicorn log the path of every such
request. Each variant is sent through the test client with caplog recording every logger, and through
a real gunicorn with its access log on.
"""

import contextlib
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from accounts.services import create_api_key, create_api_token

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

NEAR_MISSES = [
    ("get", "/api/1//{key}/status"),
    ("get", "/api/1///{key}/status"),
    ("get", "/api//1/{key}/status"),
    ("post", "/api/2/{key}/upload"),
    ("get", "/API/1/{key}/status"),
    ("post", "/API/1/{key}/upload"),  # outside the CSRF-exempt API: django.security.csrf logs it
    ("get", "/Api/1/{key}/tool_version"),
    ("get", "/api/1/{key}"),
    ("get", "/api/1/{key}/status/"),
    ("get", "/api/1/{key}x/status"),
    ("get", "/api/1/{short}/status"),  # a key cut short still looks like one
    ("get", "/api/1/{key}/upload_rock/abc"),
    ("get", "/manifests/{key}/manifest"),
    ("get", "/{key}"),
    ("get", "/api/{token}/"),
    ("get", "/api/packages/alice/{token}/"),
    ("post", "/api/delete-token/{token}"),
    ("get", "/nothing/here/?token={token}"),  # Django logs the path; the query is in META
]
# answered 200, so Django logs nothing; runserver and gunicorn log the whole request line
ANSWERED = [
    ("get", "/?key={key}"),
    ("get", "/api/packages/?token={token}"),
    ("get", "/api/whoami/?access_token={token}"),
    ("get", "/packages/?q={token}"),
]


@pytest.fixture
def secrets(user) -> dict[str, str]:
    key = create_api_key(user=user)[1]
    return {"key": key, "short": key[:30], "token": create_api_token(user=user)[1]}


def leaks(text: str, secrets: dict[str, str]) -> list[str]:
    """Which secrets (or a 20-character piece of one) appear in `text`."""
    found = []
    for secret in secrets.values():
        if any(secret[i : i + 20] in text for i in range(len(secret) - 19)):
            found.append(secret)
    return found


def logged_text(records) -> str:
    lines = []
    for record in records:
        lines.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            lines.append(f"{request.path} {request.get_full_path()} {request.META}")
    return "\n".join(lines)


@pytest.mark.parametrize(("method", "path"), NEAR_MISSES)
def test_a_secret_in_any_path_or_query_is_not_logged(client, secrets, caplog, method, path):
    url = path.format(**secrets)
    with caplog.at_level(logging.DEBUG):
        getattr(client, method)(url, HTTP_USER_AGENT="LuaRocks/3.8.0")
    text = logged_text(caplog.records)
    assert caplog.records, "the request was logged"  # every near miss is a 4xx
    assert leaks(text, secrets) == []
    assert "<key>" in text or "<secret>" in text  # redacted, not dropped


def test_a_secret_in_a_header_is_not_logged(client, secrets, caplog):
    with caplog.at_level(logging.DEBUG):
        client.get(
            f"/API/1/{secrets['key']}/status",
            HTTP_AUTHORIZATION=f"Bearer {secrets['token']}",
            HTTP_REFERER=f"https://example.org/?key={secrets['key']}",
        )
    assert leaks(logged_text(caplog.records), secrets) == []


def test_what_is_not_key_shaped_stays_readable(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.get("/modules/alice/lua-cjson-2.1.0-1/nothing")
        client.get("/api/1/short/status")
    text = logged_text(caplog.records)
    assert "/modules/alice/lua-cjson-2.1.0-1/nothing" in text
    assert "/api/1/<key>/status" in text  # the key slot is redacted whatever it holds


@pytest.mark.parametrize(("method", "path"), NEAR_MISSES + ANSWERED)
def test_runserver_access_lines_are_redacted(secrets, caplog, method, path):
    """What django.core.servers.basehttp logs for each request: '"GET /path HTTP/1.1" 404 179'."""
    from django.utils.log import ServerFormatter

    line = f"{method.upper()} {path.format(**secrets)} HTTP/1.1"
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").warning('"%s" %s %s', line, "404", "179")
    record = caplog.records[-1]
    formatted = ServerFormatter().format(record)
    assert leaks(formatted, secrets) == []
    assert "HTTP/1.1" in formatted


def _wait_for(port: int) -> None:
    for _ in range(300):  # until it listens (or gives up after 30 s)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.1)


def _send_every_variant(port: int, secrets: dict) -> None:
    for method, path in NEAR_MISSES + ANSWERED:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path.format(**secrets)}",
            method=method.upper(),
            data=b"" if method == "post" else None,
            headers={"Referer": f"https://example.org/?key={secrets['key']}"},
        )
        with contextlib.suppress(urllib.error.HTTPError):  # 4xx and 5xx are the point
            urllib.request.urlopen(request, timeout=30).close()  # noqa: S310 - loopback http


def test_a_real_runserver_logs_each_request_redacted_and_without_a_logging_error(secrets, tmp_path):
    """`make run`'s server: django.server hands its log records the connection's socket as
    `request`, which the redaction filter must leave alone (copying it raised, and every request
    printed a logging error and two tracebacks)."""
    port = _free_port()
    output = tmp_path / "runserver.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    with output.open("w") as sink:
        server = subprocess.Popen(
            [str(BIN / "python"), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port)
            _send_every_variant(port, secrets)
            # runserver logs a request after answering it: wait for the last line (30 s at most)
            for _ in range(300):
                if output.read_text().count(' HTTP/1.1" ') >= len(NEAR_MISSES + ANSWERED):
                    break
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(timeout=30)
    log = output.read_text()
    assert log.count(' HTTP/1.1" ') >= len(NEAR_MISSES + ANSWERED), log  # one line per request
    # (the empty database answers some variants with a 500 and its traceback: not the point here)
    assert "redaction.py" not in log and "Logging error" not in log, log
    assert leaks(log, secrets) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_access_and_error_logs_are_redacted(secrets, tmp_path):
    port = _free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "registry.wsgi:application",
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            f"--access-logfile={access}",
            f"--error-logfile={errors}",
            "--log-level=debug",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(port)
        _send_every_variant(port, secrets)
    finally:
        server.terminate()
        server.wait(timeout=30)
    access_log = access.read_text()
    assert access_log.count("\n") >= len(NEAR_MISSES + ANSWERED)  # one line per request
    assert leaks(access_log, secrets) == []
    assert leaks(errors.read_text(), secrets) == []
