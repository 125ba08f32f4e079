"""Search benchmark: p50/p99 of the one search (packages/search.py) at 10,000 packages, on SQLite
and PostgreSQL, for typo, prefix, author and multi-word queries; and the SQL query counts of a
game's page and of a package page with 20 dependencies.

    .venv/bin/python -m bench.search [--backends sqlite,postgresql] [--repeat 20] [--scale 1.0]
        [--json FILE]

For each backend: a fresh database (bench/harness.py), migrated, filled by `python -m bench.data
packages` (the 10,000-package set of `make bench`), then, in a child process inside Django, each
query is run `repeat` times as the web list runs it (`browse_packages`: the count and the first
page of 24) and timed with perf_counter; the first run of each query is a warm-up, not counted.
Query counts come from the test client with CaptureQueriesContext. Numbers are printed (and
written as JSON with --json); nothing is asserted: the machine's load moves them.
"""

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "search"

QUERIES = {
    "typo": ["lantren", "glaicer", "meadwo", "forset"],
    "prefix": ["lant", "glac", "mead", "fores"],
    "author": ["author0042", "author1234", "author0777", "author0009"],
    "multi-word": ["lantern library", "forest mod", "crystal world", "amber ore"],
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def inside(repeat: int) -> dict:
    """The measurements, run inside Django in the prepared database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.base")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from packages.models import MetaPackage, Package, PackageDependency, PackageType
    from packages.search import browse_packages

    out: dict = {"vendor": connection.vendor, "packages": Package.objects.count(), "search": {}}
    for kind, queries in QUERIES.items():
        timings: list[float] = []
        hits = {}
        for query in queries:
            for run in range(repeat + 1):
                start = time.perf_counter()
                packages = browse_packages(query=query)
                total = packages.count()
                list(packages[:24])
                elapsed = (time.perf_counter() - start) * 1000
                if run:  # the first run warms caches and the statement
                    timings.append(elapsed)
            hits[query] = total
        out["search"][kind] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p99_ms": round(percentile(timings, 0.99), 1),
            "samples": len(timings),
            "hits": hits,
        }
    client = Client()

    def count(url: str) -> str:
        """Queries with an empty cache, then with the cache a worker keeps: "cold/warm"."""
        numbers = []
        cache.clear()
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                status = client.get(url).status_code
            assert status == 200, (url, status)
            numbers.append(len(captured.captured_queries))
        return f"{numbers[0]}/{numbers[1]}"

    game = (
        Package.objects.filter(type=PackageType.GAME, state="APPROVED")
        .select_related("author")
        .order_by("-score")
        .first()
    )
    mods = list(
        Package.objects.filter(type=PackageType.MOD, state="APPROVED")
        .select_related("author")
        .order_by("-score")[:21]
    )
    depender = mods[0]
    PackageDependency.objects.filter(depender=depender).delete()
    for n, provider in enumerate(mods[1:]):
        meta, _ = MetaPackage.objects.get_or_create(name=provider.name)
        provider.provides.add(meta)
        PackageDependency.objects.create(
            depender=depender, meta_package=meta, is_optional=n % 4 == 0
        )
    out["queries"] = {
        "game page": count(f"/packages/{game.author.username}/{game.name}/"),
        "package page, 20 dependencies": count(
            f"/packages/{depender.author.username}/{depender.name}/"
        ),
        "web search (typo)": count("/packages/?q=lantren"),
        "api search (typo)": count("/api/packages/?q=lantren"),
    }
    return out


@contextlib.contextmanager
def database(backend: str) -> Iterator[dict]:
    """A fresh database for one run, removed afterwards. Unlike harness.database it leaves Redis
    alone (search needs no shared cache: the default on-disk cache of base_env serves)."""
    from bench import harness

    env = harness.base_env(backend)
    env["MEDIA_ROOT"] += "-search"
    env["CACHE_DIR"] += "-search"
    WORK.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        path = WORK / "search.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
        yield env
        return
    import psycopg

    name = f"search_bench_{os.getpid()}"
    admin = psycopg.connect(harness.PG_ADMIN_URL.replace("postgres://", "postgresql://"))
    admin.autocommit = True
    admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{harness.PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        yield env
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run_backend(backend: str, repeat: int, scale: float) -> dict:
    from bench import harness

    with database(backend) as env:
        harness.manage(env, "migrate", "--no-input", "-v0")
        generated = harness.generate(env, "packages", f"--scale={scale}").strip()
        print(f"[{backend}] {generated}", flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "bench.search", "--inside", f"--repeat={repeat}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        print(json.dumps(inside(args.repeat)))
        return
    results = {}
    for backend in args.backends.split(","):
        result = run_backend(backend, args.repeat, args.scale)
        results[backend] = result
        print(f"[{backend}] {result['packages']} packages")
        for kind, figures in result["search"].items():
            print(
                f"[{backend}]   {kind:<11} p50 {figures['p50_ms']:>7} ms   "
                f"p99 {figures['p99_ms']:>7} ms   ({figures['samples']} runs; hits {figures['hits']})"
            )
        for label, number in result["queries"].items():
            print(f"[{backend}]   queries: {label}: {number}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
