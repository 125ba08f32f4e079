"""The default configuration (no Redis: one SQLite file, the cache on disk) with two app-server
processes on one machine: a write through either process, or through a management command, is
what the other process serves on its very next request, manifests and lists alike.

With a local-memory cache per process, the other process kept serving its own copy for up to
24 hours (manifests) or 5 minutes (lists). Runs on any test database: the processes use their own
SQLite file, made here with `manage.py migrate`.
"""

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scaleout.test_two_servers import (
    ROCKSPEC,
    _get,
    _multipart,
    _post,
    _start_server,
    _stop,
    _wait_until_answering,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LIST = "/api/packages/?type=mod"


@pytest.fixture
def env(tmp_path) -> dict:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CACHE_URL", "REDIS_URL", "COUNTERS_CACHE_URL", "DATABASE_URL")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_DIR=str(tmp_path / "cache"),  # the default backend, in this test's own folder
        MEDIA_ROOT=str(tmp_path / "media"),
        TASK_BACKEND="immediate",
        DEBUG="0",
        SECRET_KEY="two-processes-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    return environment


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@contextlib.contextmanager
def servers(env: dict, tmp_path: Path):
    started, urls = [], []
    try:
        for name in ("a", "b"):
            process, url = _start_server(name, env, tmp_path)
            started.append(process)
            urls.append(url)
        _wait_until_answering(urls, tmp_path, seconds=60)
        yield urls
    finally:
        _stop(started)


def listed(url: str) -> dict[str, dict]:
    status, body = _get(url + LIST)
    assert status == 200, body
    return {f"{p['author']}/{p['name']}": p for p in json.loads(body)}


def manifest(url: str) -> bytes:
    status, body = _get(f"{url}/manifest-5.1")
    assert status == 200, body
    return body


def test_a_write_through_one_process_is_served_by_the_other_at_once(env, tmp_path):
    manage(env, "migrate", "--no-input", "-v0")
    key = manage(env, "create_api_key", "scaler")
    token = manage(env, "create_api_token", "scaler")
    bearer = {"Authorization": f"Bearer {token}"}

    with servers(env, tmp_path) as (a, b):
        for _ in range(2):  # B builds, caches and then replays both answers
            assert b"scalerock" not in manifest(b)
            assert "scaler/scalemod" not in listed(b)

        body, headers = _multipart({}, {"rockspec_file": ("scalerock-1.0-1.rockspec", ROCKSPEC)})
        status, answer = _post(f"{a}/api/1/{key}/upload", body, headers)
        assert status == 200, answer
        assert b"scalerock" in manifest(b)
        # both processes serve the same build with the same validators
        heads = [_head(f"{url}/manifest-5.1") for url in (a, b)]
        assert heads[0] == heads[1]

        package = {
            "type": "MOD",
            "name": "scalemod",
            "title": "Scale Mod",
            "short_description": "Seen by the other process",
            "license": "MIT",
            "media_license": "MIT",
        }
        status, answer = _post(
            f"{a}/api/packages/",
            json.dumps(package).encode(),
            {"Content-Type": "application/json", **bearer},
        )
        assert status == 201, answer
        assert "scaler/scalemod" not in listed(b)  # work in progress: not listed
        # a moderator's decision from a third process
        manage(env, "approve_package", "scaler/scalemod")
        assert listed(b)["scaler/scalemod"]["title"] == "Scale Mod"
        assert listed(a)["scaler/scalemod"]["title"] == "Scale Mod"

        status, answer = _put(f"{b}/api/packages/scaler/scalemod/", {"title": "Renamed"}, bearer)
        assert status == 200, answer
        assert listed(a)["scaler/scalemod"]["title"] == "Renamed"


def _head(url: str) -> tuple[str, str]:
    import urllib.request

    request = urllib.request.Request(url, method="HEAD")  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.headers["ETag"], response.headers["Last-Modified"]


def _put(url: str, data: dict, headers: dict) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - loopback
        url,
        data=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="PUT",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
