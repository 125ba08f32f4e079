"""Download counts written by the app server itself, through real gunicorn processes on the default
configuration (SQLite, the cache on disk): every DOWNLOADS_FLUSH_SECONDS by the worker's own thread,
and at a clean shutdown (SIGTERM: atexit and gunicorn's worker_exit hook) what it still held."""

import sqlite3
import time

from tests.scaleout.test_two_processes_default import env, manage, servers  # noqa: F401 - fixture
from tests.scaleout.test_two_servers import ROCKSPEC, _get, _multipart, _post

AGENT = {"User-Agent": "LuaRocks/3.11.1 linux-x86_64 via curl"}


def _downloads(tmp_path) -> int:
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        row = db.execute(
            "SELECT downloads FROM packages_package WHERE name = 'scalerock'"
        ).fetchone()
    return row[0] if row else -1


def _upload_and_download(url: str, key: str) -> None:
    import urllib.request

    body, headers = _multipart({}, {"rockspec_file": ("scalerock-1.0-1.rockspec", ROCKSPEC)})
    status, answer = _post(f"{url}/api/1/{key}/upload", body, headers)
    assert status == 200, answer
    request = urllib.request.Request(f"{url}/scalerock-1.0-1.rockspec", headers=AGENT)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert response.status == 200
        response.read()
    assert _get(f"{url}/api/tool_version")[0] == 200


def test_a_stopping_server_writes_the_counts_it_holds(env, tmp_path):  # noqa: F811
    env["DOWNLOADS_FLUSH_SECONDS"] = "3600"  # the thread would not write before the stop
    manage(env, "migrate", "--no-input", "-v0")
    key = manage(env, "create_api_key", "scaler")
    with servers(env, tmp_path) as (a, _b):
        _upload_and_download(a, key)
        assert _downloads(tmp_path) == 0  # pending in the worker, not in the database
    # servers() ends with SIGTERM and waits: a clean stop
    assert _downloads(tmp_path) == 1


def test_a_stopping_granian_server_writes_the_counts_it_holds(env, tmp_path):  # noqa: F811
    """granian (the production default, docs/deploy.md): its workers end with os._exit, after
    multiprocessing's finalizers, which write what the worker still holds."""
    import subprocess

    from tests.scaleout.test_two_processes_default import BIN, ROOT
    from tests.scaleout.test_two_servers import _free_port

    env["DOWNLOADS_FLUSH_SECONDS"] = "3600"
    manage(env, "migrate", "--no-input", "-v0")
    key = manage(env, "create_api_key", "scaler")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "granian.log").open("w") as log:
        server = subprocess.Popen(
            [
                str(BIN / "granian"),
                "--interface=wsgi",
                "--workers=1",
                "--host=127.0.0.1",
                f"--port={port}",
                "registry.wsgi:application",
            ],
            cwd=ROOT,
            env=dict(env, SITE_URL=url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{url}/api/tool_version")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "granian.log").read_text()
                time.sleep(0.1)
        _upload_and_download(url, key)
        assert _downloads(tmp_path) == 0
    finally:
        server.terminate()  # SIGTERM: granian stops its workers gracefully
        server.wait(timeout=60)
    assert _downloads(tmp_path) == 1


def test_a_running_server_writes_its_counts_every_period(env, tmp_path):  # noqa: F811
    env["DOWNLOADS_FLUSH_SECONDS"] = "0.2"
    manage(env, "migrate", "--no-input", "-v0")
    key = manage(env, "create_api_key", "scaler")
    with servers(env, tmp_path) as (a, _b):
        _upload_and_download(a, key)
        deadline = time.monotonic() + 60  # a bound for a loaded machine, not a speed test
        while _downloads(tmp_path) != 1:
            assert time.monotonic() < deadline, (tmp_path / "server-a.log").read_text()
            time.sleep(0.1)
