"""Manifest benchmark: cold manifest-5.1 rebuild time, and cached manifest-5.1.zip requests/s.

    .venv/bin/python -m bench.manifest_bench [--modules 10000] [--versions 50000] [--workers 4]
        [--database-url URL] [--cache-url redis://127.0.0.1:6379/13] [--duration 10]

1. Builds a dataset with `python -m bench.data rocks` in its own database (default
   var/bench/manifest/bench.sqlite3, apart from `make bench`'s; reused when it holds the sizes asked for).
2. Times, in this process, cold rebuilds of manifest-5.1 (the DB query plus the Lua text) and of
   the .zip and .json forms, each after a generation bump so nothing is reused.
3. Starts gunicorn (`bench.static_wsgi`, DEBUG off) with several workers sharing the cache, warms
   it, and runs wrk against /manifest-5.1.zip and against the same bytes as a static file served
   by the same gunicorn (`/bench-static/manifest-5.1.zip`).
Numbers are printed (and written as JSON with --json); nothing is asserted.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORK = ROOT / "var/bench/manifest"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=50_000)
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'var/bench/manifest/bench.sqlite3'}"
    )
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", ""))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rebuilds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser.parse_args()


def bench_env(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="settings.base",
        DATABASE_URL=args.database_url,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-use-0123456789",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="http://127.0.0.1",
        LOG_LEVEL="WARNING",
        BENCH_STATIC_DIR=str(WORK / "static"),
        CACHE_DIR=str(WORK / "cache"),  # the default cache on disk, shared by the workers
    )
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    return env


def manage(env, *argv: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def generate(env, *argv: str) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "bench.data", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def prepare_data(args, env) -> None:
    (WORK / "static").mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--no-input")
    os.environ.update(env)
    import django

    django.setup()
    from releases.models import Release

    have = Release.objects.filter(package__author__username__startswith="bench-user-").count()
    if have != args.versions:
        print(f"generating {args.modules} modules / {args.versions} versions ...", flush=True)
        started = time.perf_counter()
        print(" ", generate(env, "rocks", "--clear", f"--modules={args.modules}",
                            f"--versions={args.versions}"))  # fmt: skip
        print(f"  generated in {time.perf_counter() - started:.1f} s")


def time_cold_rebuilds(args) -> dict:
    from media_tools.generations import bump
    from packages.invalidation import ROOT_MANIFESTS
    from registry.luarocks.lua import lua_manifest
    from registry.luarocks.manifest_cache import get_manifest, render_manifest
    from releases.manifests import ManifestScope, manifest_repository

    scope = ManifestScope.root()
    results: dict[str, list[float]] = {
        "query": [],
        "lua": [],
        "zip": [],
        "json": [],
        "get": [],
        "get_cpu": [],
        "get_zip_after_lua": [],
    }
    sizes = {}
    for _ in range(args.rebuilds):
        t0 = time.perf_counter()
        repository = manifest_repository(scope=scope, lua_version="5.1")
        t1 = time.perf_counter()
        text = lua_manifest(repository)
        t2 = time.perf_counter()
        zipped = render_manifest(repository, lua_version="5.1", fmt="zip")
        t3 = time.perf_counter()
        as_json = render_manifest(repository, lua_version="5.1", fmt="json")
        t4 = time.perf_counter()
        bump(ROOT_MANIFESTS)  # outside a transaction: at once
        t5, cpu5 = time.perf_counter(), time.process_time()
        get_manifest(scope=scope, lua_version="5.1", fmt="lua")  # what a request pays
        t6, cpu6 = time.perf_counter(), time.process_time()
        get_manifest(scope=scope, lua_version="5.1", fmt="zip")  # then .zip, from the Lua text
        t7 = time.perf_counter()
        gzipped = get_manifest(scope=scope, lua_version="5.1", fmt="lua", gzipped=True)
        results["query"].append(t1 - t0)
        results["lua"].append(t2 - t1)
        results["zip"].append(t3 - t2)
        results["json"].append(t4 - t3)
        results["get"].append(t6 - t5)
        # CPU time of this process (SQLite runs in it): the same figure on a busy shared machine
        results["get_cpu"].append(cpu6 - cpu5)
        results["get_zip_after_lua"].append(t7 - t6)
        sizes = {
            "modules": len(repository),
            "versions": sum(len(v) for v in repository.values()),
            "lua_bytes": len(text),
            "zip_bytes": len(zipped),
            "json_bytes": len(as_json),
            "gzip_bytes": len(gzipped.body),
        }
    (WORK / "static/manifest-5.1.zip").write_bytes(zipped)
    medians = {k: round(statistics.median(v) * 1000, 1) for k, v in results.items()}
    return {"median_ms": medians, "sizes": sizes}


def time_file_lookups() -> dict:
    from releases.manifests import ManifestScope, file_for_download
    from releases.models import ReleaseFile

    names = list(
        ReleaseFile.objects.filter(kind="rockspec")
        .order_by("?")
        .values_list("filename", flat=True)[:200]
    )
    started = time.perf_counter()
    for name in names:
        assert file_for_download(scope=ManifestScope.root(), filename=name) is not None
    return {"root_file_lookup_ms": round((time.perf_counter() - started) / len(names) * 1000, 2)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, args) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    transfer = re.search(r"Transfer/sec:\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_s": rps,
        "transfer_per_s": transfer,
        "p99_latency": p99,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def serve_and_measure(args, env) -> dict:
    if shutil.which("wrk") is None:
        return {"skipped": "wrk not installed"}
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bench.static_wsgi:application",
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--keep-alive=30",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/manifest-5.1.zip", timeout=30).read()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(4 * args.workers):  # warm every worker (and its cache, if per process)
            urllib.request.urlopen(f"{base}/manifest-5.1.zip", timeout=30).read()
        return {
            "workers": args.workers,
            "cache": "redis" if args.cache_url else "disk (shared by the workers)",
            "dynamic /manifest-5.1.zip": wrk(f"{base}/manifest-5.1.zip", args),
            "static same bytes": wrk(f"{base}/bench-static/manifest-5.1.zip", args),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    args = parse_args()
    env = bench_env(args)
    prepare_data(args, env)
    from django.core.cache import cache

    cache.clear()
    results = {
        "dataset": {"modules": args.modules, "versions": args.versions, "db": args.database_url},
        "cold_rebuild": time_cold_rebuilds(args),
        "files": time_file_lookups(),
    }
    print(json.dumps(results, indent=2), flush=True)
    results["http"] = serve_and_measure(args, env)
    print(json.dumps(results["http"], indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
