"""The bench steps that run inside Django: sample URLs, SQL query counts, query plans, profiles.

Run by bench/run.py as `python bench/inprocess.py <step> '<json>'` with the run's environment; prints
one JSON document. Query counts come from the test client with CaptureQueriesContext, cold (empty
cache) and warm (second request), so they are the queries a production worker runs.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.base")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from packages.models import Package, PackageState, PackageType  # noqa: E402


def samples(_args: dict) -> dict:
    popular = (
        Package.objects.filter(type=PackageType.MOD, state=PackageState.APPROVED)
        .order_by("-downloads", "id")
        .select_related("author")
        .first()
    )
    return {"detail": f"/api/packages/{popular.author.username}/{popular.name}/"}


def _empty_caches() -> None:
    """The shared cache emptied, and this process's view of it (media_tools/shared_view.py, on
    Redis) forgotten, so the next request is really cold."""
    from media_tools.shared_view import view

    cache.clear()
    view.clear()


def queries(args: dict) -> dict:
    """Per URL: queries cold and warm, and the plan of the slowest cold query."""
    client = Client()
    out = {}
    for label, url in args["urls"].items():
        _empty_caches()
        with CaptureQueriesContext(connection) as cold:
            status = client.get(url).status_code
        with CaptureQueriesContext(connection) as warm:
            client.get(url)
        slowest = max(cold.captured_queries, key=lambda q: float(q["time"]), default=None)
        out[label] = {
            "status": status,
            "cold": len(cold.captured_queries),
            "warm": len(warm.captured_queries),
            "slowest_sql": slowest["sql"] if slowest else "",
            "slowest_ms": round(float(slowest["time"]) * 1000, 1) if slowest else 0,
            "plan": explain(slowest["sql"]) if slowest and args.get("explain") else "",
        }
    return out


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def profile(args: dict) -> dict:
    """A pyinstrument profile of one cold request (if pyinstrument is installed)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return {"text": "pyinstrument not installed (pip install pyinstrument)"}
    client = Client()
    client.get(args["url"])
    _empty_caches()
    profiler = Profiler(interval=0.001)
    profiler.start()
    client.get(args["url"])
    profiler.stop()
    return {"text": profiler.output_text(unicode=False, color=False, show_all=False)}


def downloads(args: dict) -> dict:
    from bench.download_bench import measure

    return measure(repeat=int(args.get("repeat", 300)))


def rebuild(args: dict) -> dict:
    """The root manifest-5.1 (Lua text, then the zip from it) rebuilt after a generation bump, as
    the first request after a write pays it: wall and CPU time per rebuild, and the memory it takes
    (the growth of this process's peak resident size over the first rebuild; the OS's figure)."""
    import resource
    import statistics
    import time

    from media_tools.generations import bump
    from packages.invalidation import ROOT_MANIFESTS
    from registry.luarocks.manifest_cache import get_manifest
    from releases.manifests import ManifestScope

    scope = ManifestScope.root()
    if connection.vendor == "postgresql":
        # the data set was just bulk-loaded: give it the statistics and visibility map that
        # autovacuum keeps for a live database, or the plan and its heap fetches are not a real site's
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    Package.objects.exists()  # the connection is open before the baseline
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    walls, cpus, sizes = [], [], {}
    for n in range(int(args.get("repeat", 3))):
        bump(ROOT_MANIFESTS)  # outside a transaction: at once
        wall, cpu = time.perf_counter(), time.process_time()
        lua = get_manifest(scope=scope, lua_version="5.1", fmt="lua")
        zipped = get_manifest(scope=scope, lua_version="5.1", fmt="zip")
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        if n == 0:
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            sizes = {"lua_bytes": len(lua.body), "zip_bytes": len(zipped.body)}
    return {
        "p50_ms": round(statistics.median(walls), 1),
        "max_ms": round(max(walls), 1),
        "cpu_p50_ms": round(statistics.median(cpus), 1),
        "n": len(walls),
        "peak_growth_mb": round((peak_kb - baseline_kb) / 1024, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        **sizes,
    }


STEPS = {
    "samples": samples,
    "queries": queries,
    "profile": profile,
    "downloads": downloads,
    "rebuild": rebuild,
}

if __name__ == "__main__":
    result = STEPS[sys.argv[1]](json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
    sys.stdout.write(json.dumps(result))
