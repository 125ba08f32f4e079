"""What the bench runner drives: databases, gunicorn servers, wrk, and timed single requests.

Everything listens on 127.0.0.1 only; every server and database made here is removed again.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "bench" / "suite"  # var/bench itself belongs to bench/manifest_bench.py
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    return _python(env, "manage.py", *args)


def generate(env: dict, *args: str) -> str:
    """Build a data set (bench/data): `generate(env, "packages", "--scale=0.05")`."""
    return _python(env, "-m", "bench.data", *args)


def _python(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "python"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def base_env(backend: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CACHE_URL", "REDIS_URL", "COUNTERS_CACHE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="settings.base",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        MEDIA_ROOT=str(WORK / f"media-{backend}"),
        CACHE_DIR=str(WORK / f"cache-{backend}"),  # the cache on disk (and the counters)
        BENCH_STATIC_DIR=str(WORK / "static"),
        LOG_LEVEL="WARNING",
        TASK_BACKEND="immediate",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@contextlib.contextmanager
def database(backend: str) -> Iterator[dict]:
    """A fresh, migrated database (and, for PostgreSQL, an empty Redis db) for one run."""
    env = base_env(backend)
    shutil.rmtree(env["MEDIA_ROOT"], ignore_errors=True)
    shutil.rmtree(env["CACHE_DIR"], ignore_errors=True)
    if backend == "sqlite":
        path = WORK / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
        yield env
        return
    import psycopg
    import redis

    name = f"lua_registry_bench_{os.getpid()}"
    admin = psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    env["DATABASE_URL"] = f"{base}/{name}"
    env["CACHE_URL"] = REDIS_URL
    redis.Redis.from_url(REDIS_URL).flushdb()
    try:
        yield env
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int, name: str) -> Iterator[Server]:
    port = free_port()
    env = dict(env, SITE_URL=f"http://127.0.0.1:{port}")
    log = WORK / f"gunicorn-{name}.log"
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "bench.static_wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--backlog=256",
            "--timeout=120",
            "--log-level=warning",
            f"--error-logfile={log}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {log}")
            try:
                urllib.request.urlopen(f"{server.url}/bench-static/ready", timeout=2)
            except urllib.error.HTTPError:
                break  # 404 from the bench route: the workers answer
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log}") from None
                time.sleep(0.2)
        # every worker imports the site lazily; warm them all before measuring
        for _ in range(workers * 4):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{server.url}/api/tool_version", timeout=30).read()
        yield server
    finally:
        server.stop()


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk(url: str, *, seconds: int, connections: int, headers: dict | None = None) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout=10s"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += int(match.group(1)) + int(match.group(4))
    return Load(
        rps=rps, p50_ms=_percentile(out, "50%"), p99_ms=_percentile(out, "99%"), errors=errors
    )


def _percentile(out: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def fetch(
    url: str, *, data: bytes | None = None, headers: dict | None = None
) -> tuple[int, bytes, float]:
    """One request: (status, body, milliseconds)."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, body, (time.perf_counter() - start) * 1000


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def load_json(path: Path) -> dict:
    return json.loads(path.read_text())
