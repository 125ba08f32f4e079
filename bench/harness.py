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
        RATELIMIT_UPLOADS="100000",  # the upload bench repeats uploads on every server stack
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
    stack: str = "sync"
    started_s: float = 0.0  # from the launch to the first answer of a Django view

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_rss_mb(self) -> list[float]:
        """The resident memory of each worker process (the master's children), in MiB."""
        return [round(_rss_kb(pid) / 1024, 1) for pid in _children(self.process.pid)]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# The serving stacks `make bench` compares (bench/run.py --stacks): gunicorn's sync workers (one
# request at a time, no keep-alive), gunicorn's threads (keep-alive), and granian (a Rust HTTP server
# calling the same WSGI application).
STACKS = ("sync", "gthread", "granian")


def _server_command(stack: str, *, workers: int, port: int, log: Path) -> list[str]:
    if stack == "granian":
        return [
            str(BIN / "granian"),
            "--interface=wsgi",
            f"--workers={workers}",
            "--host=127.0.0.1",
            f"--port={port}",
            "--no-ws",
            "--log-level=warning",
            "--backlog=256",
            "bench.static_wsgi:application",
        ]
    command = [
        str(BIN / "gunicorn"),
        "bench.static_wsgi:application",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--backlog=256",
        "--timeout=120",
        "--log-level=warning",
        f"--error-logfile={log}",
    ]
    if stack == "gthread":
        command += ["--worker-class=gthread", "--threads=4", "--keep-alive=30"]
    return command


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int, name: str, stack: str = "sync") -> Iterator[Server]:
    """An app server of `stack` (STACKS) on a free port, every worker warmed."""
    port = free_port()
    env = dict(env, SITE_URL=f"http://127.0.0.1:{port}")
    log = WORK / f"server-{name}.log"
    launched = time.monotonic()
    with log.open("w") as output:
        process = subprocess.Popen(
            _server_command(stack, workers=workers, port=port, log=log),
            cwd=ROOT,
            env=env,
            stdout=output if stack == "granian" else subprocess.DEVNULL,
            stderr=output if stack == "granian" else subprocess.DEVNULL,
        )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log, stack=stack)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{stack} exited; see {log}")
            try:
                urllib.request.urlopen(f"{server.url}/api/tool_version", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{stack} did not start; see {log}") from None
                time.sleep(0.05)
        server.started_s = round(time.monotonic() - launched, 2)
        # every worker imports the site lazily; warm them all before measuring
        for _ in range(workers * 4):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{server.url}/api/tool_version", timeout=30).read()
        yield server
    finally:
        server.stop()


NGINX = os.environ.get("BENCH_NGINX", "/usr/sbin/nginx")


@contextlib.contextmanager
def nginx(static_dir: Path) -> Iterator[str | None]:
    """Debian's nginx on a free port, serving `static_dir` under /bench-static/ from its own config
    in a temporary folder: the true ceiling of a static answer on this machine. None when nginx is
    not installed."""
    if not Path(NGINX).exists():
        yield None
        return
    import tempfile

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as folder:
        conf = Path(folder) / "nginx.conf"
        conf.write_text(
            f"""worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 30;
    keepalive_requests 1000000;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location /bench-static/ {{
            alias {static_dir}/;
            default_type application/octet-stream;
        }}
    }}
}}
"""
        )
        process = subprocess.Popen(
            [NGINX, "-p", folder, "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    urllib.request.urlopen(f"{url}/bench-static/", timeout=2)
                except urllib.error.HTTPError:
                    break  # nginx answers (403/404 for the folder itself)
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"nginx did not start: {(Path(folder) / 'error.log').read_text()}"
                        ) from None
                    time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=15)


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    headers: dict | None = None,
    keep_alive: bool = True,
) -> Load:
    """wrk -t2; `keep_alive=False` sends `Connection: close`, so every request opens a connection."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout=10s"]
    if not keep_alive:
        headers = {**(headers or {}), "Connection": "close"}
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
