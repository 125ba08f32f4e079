"""Scale-out: two app-server processes on one PostgreSQL database and one Redis, plus a task worker.

A write through process A must change what process B serves within the stated bound,
CACHE_FRESHNESS_MS (the manifest and the Luanti package list are cached in Redis under generations
that A's write bumps; B learns of the bump by Redis pub/sub, and trusts no generation older than the
bound even if the message is lost: media_tools/shared_view.py), and a background task queued by A
must run on the separate `manage.py db_worker` process.
Runs only with DATABASE_URL on PostgreSQL and a Redis on 127.0.0.1:6379 (`.ci/run` sets both).
"""

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Rank
from accounts.services import create_api_key, create_api_token
from releases.models import Release, TaskState
from tests.factories import PackageFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/13")
LIST = "/api/packages/?type=mod&protocol_version=41&engine_version=5.6.1"
BOUND_MS = 500  # CACHE_FRESHNESS_MS of the servers here


def _within_bound(check) -> None:
    """`check()` holds at the latest once the bound has passed since the write returned: polled
    until then (pub/sub usually makes it hold at once), then asserted one last time."""
    deadline = time.monotonic() + BOUND_MS / 1000
    while time.monotonic() < deadline:
        try:
            check()
            return
        except AssertionError:
            time.sleep(0.02)
    check()


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="scale-out needs DATABASE_URL on PostgreSQL (several processes share it)",
    ),
    pytest.mark.skipif(not _redis_answers(), reason=f"scale-out needs Redis at {REDIS_URL}"),
    # the processes read committed rows; reference data is restored afterwards
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _post(url: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _multipart(fields: dict, files: dict) -> tuple[bytes, dict]:
    boundary = "scaleoutboundary7f3a"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


@pytest.fixture
def env(tmp_path):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    db = connection.settings_dict
    user = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="settings.base",
        DATABASE_URL=f"postgres://{user}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        CACHE_URL=REDIS_URL,
        TASK_BACKEND="database",
        DEBUG="0",
        SECRET_KEY="scale-out-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        MEDIA_ROOT=str(tmp_path / "media"),  # one media folder for all processes, as S3 would be
        CACHE_DIR=str(
            tmp_path / "cache"
        ),  # the counter store of this machine (no COUNTERS_CACHE_URL)
        GIT_IMPORT_ALLOWED_SCHEMES="file",
        LOG_LEVEL="WARNING",
        CACHE_FRESHNESS_MS=str(BOUND_MS),
    )
    environment.pop("REDIS_URL", None)
    environment.pop("COUNTERS_CACHE_URL", None)
    yield environment
    redis.Redis.from_url(REDIS_URL).flushdb()


def _start_server(name: str, env: dict, tmp_path: Path) -> tuple[subprocess.Popen, str]:
    """One gunicorn worker of the site on a free port, logging to server-<name>.log."""
    port = _free_port()
    log = (tmp_path / f"server-{name}.log").open("w")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "registry.wsgi:application",
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=dict(env, SITE_URL=f"http://127.0.0.1:{port}"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, f"http://127.0.0.1:{port}"


def _wait_until_answering(urls: list[str], tmp_path: Path, *, seconds: float) -> None:
    for url in urls:
        deadline = time.monotonic() + seconds
        while True:
            try:
                _get(f"{url}/api/tool_version")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "server-a.log").read_text()
                time.sleep(0.1)


def _stop(started: list[subprocess.Popen]) -> None:
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def _processes(env: dict, tmp_path: Path):
    started: list[subprocess.Popen] = []
    urls = []
    try:
        for name in ("a", "b"):
            process, url = _start_server(name, env, tmp_path)
            started.append(process)
            urls.append(url)
        worker_log = (tmp_path / "worker.log").open("w")
        started.append(
            subprocess.Popen(
                [
                    str(BIN / "python"),
                    "manage.py",
                    "db_worker",
                    "--interval=0.2",
                    "--no-startup-delay",
                    "--no-reload",
                    "--worker-id=scaleout-worker",
                ],
                cwd=ROOT,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        )
        _wait_until_answering(urls, tmp_path, seconds=30)
        yield urls
    finally:
        _stop(started)


ROCKSPEC = b"""package = "scalerock"
version = "1.0-1"
source = { url = "git+https://example.org/scalerock.git", tag = "v1.0" }
description = { summary = "Seen by the other server.", license = "MIT" }
dependencies = { "lua >= 5.1" }
build = { type = "builtin", modules = { scalerock = "scalerock.lua" } }
"""


def _mod_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scalemod/mod.conf", "name = scalemod\ntitle = Scale Mod\n")
        archive.writestr("scalemod/init.lua", "-- scale-out\n")
    return buffer.getvalue()


def _git_repo(path: Path) -> str:
    path.mkdir()
    (path / "mod.conf").write_text("name = scalemod\n")
    (path / "init.lua").write_text("-- from git\n")
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=path, check=True)
    subprocess.run([*git, "add", "."], cwd=path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "v1"], cwd=path, check=True)
    return f"file://{path}"


def test_a_write_through_one_server_is_served_by_the_other_and_tasks_run_on_the_worker(
    env, tmp_path
):
    user = UserFactory(username="scaler", rank=Rank.TRUSTED_MEMBER)
    _key, key = create_api_key(user=user)
    _token, token = create_api_token(user=user)
    mod = PackageFactory(author=user, name="scalemod", repo=_git_repo(tmp_path / "repo"))
    mod.maintainers.add(user)

    with _processes(env, tmp_path) as (a, b):
        # B builds and caches both answers before the writes
        for _ in range(2):
            status, manifest = _get(f"{b}/manifest-5.1")
            assert status == 200
            assert b"scalerock" not in manifest
            _status, listed = _get(b + LIST)
            assert status == 200
            assert "scaler/scalemod" not in [
                f"{p['author']}/{p['name']}" for p in json.loads(listed)
            ]

        body, headers = _multipart({}, {"rockspec_file": ("scalerock-1.0-1.rockspec", ROCKSPEC)})
        status, answer = _post(f"{a}/api/1/{key}/upload", body, headers)
        assert status == 200, answer

        def b_lists_the_rock() -> None:
            status, manifest = _get(f"{b}/manifest-5.1")
            assert status == 200
            assert b"scalerock" in manifest

        _within_bound(b_lists_the_rock)

        body, headers = _multipart({"title": "Zip 1"}, {"file": ("scalemod.zip", _mod_zip())})
        headers["Authorization"] = f"Bearer {token}"
        status, answer = _post(f"{a}/api/packages/scaler/scalemod/releases/new/", body, headers)
        assert status == 200, answer

        def b_lists_the_release() -> None:
            _status, listed = _get(b + LIST)
            rows = {f"{p['author']}/{p['name']}": p for p in json.loads(listed)}
            assert rows["scaler/scalemod"]["release"] == json.loads(answer)["release"]["id"]

        _within_bound(b_lists_the_release)

        # A queues a git import; only the worker process runs tasks (TASK_BACKEND=database)
        status, answer = _post(
            f"{a}/api/packages/scaler/scalemod/releases/new/",
            json.dumps({"method": "git", "ref": "main", "title": "From git"}).encode(),
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        assert status == 200, answer
        release_id = json.loads(answer)["release"]["id"]
        # The task result turns SUCCESSFUL after the task returned, so after its commit and the
        # generation bump that follows it (the release row alone is visible a moment earlier).
        deadline = time.monotonic() + 30
        while not DBTaskResult.objects.filter(
            task_path="releases.tasks.import_git_release",
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        ).exists():
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        result = DBTaskResult.objects.get(task_path="releases.tasks.import_git_release")
        assert result.status == TaskResultStatus.SUCCESSFUL, result.traceback
        assert result.worker_ids == ["scaleout-worker"]
        release = Release.objects.get(pk=release_id)
        assert (release.task_state, release.approved) == (TaskState.DONE, True)

        def b_lists_the_git_release() -> None:
            _status, listed = _get(b + LIST)
            rows = {f"{p['author']}/{p['name']}": p for p in json.loads(listed)}
            assert rows["scaler/scalemod"]["release"] == release_id

        _within_bound(b_lists_the_git_release)


def test_a_write_whose_message_is_lost_is_served_within_the_bound(env, tmp_path):
    """A bump that reaches Redis but not the subscribers (a writer that died between its INCR and
    its PUBLISH, a dropped connection): B still serves the write once the bound has passed."""
    import redis

    user = UserFactory(username="scaler")
    mod = PackageFactory(author=user, name="scalemod", title="Before")
    with _processes(env, tmp_path) as (_a, b):
        for _ in range(3):  # built, cached and replayed by B
            status, listed = _get(b + "/api/packages/?type=mod")
            assert status == 200
            assert json.loads(listed)[0]["title"] == "Before"
        mod.title = "After"
        mod.save()  # committed (a transactional test)
        redis.Redis.from_url(REDIS_URL).incr(":1:generation:luanti")  # no message published
        time.sleep(BOUND_MS / 1000)
        status, listed = _get(b + "/api/packages/?type=mod")
        assert json.loads(listed)[0]["title"] == "After"
