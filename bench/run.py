"""`make bench`: the hot reads against the static-file ceiling, cold paths, search and uploads.

    .venv/bin/python -m bench.run [--backends sqlite,postgresql] [--seconds 5] [--workers 4]

For each backend: a fresh database with the 10k-package data set (`python -m bench.data packages`), then
gunicorn (DEBUG off, `bench.static_wsgi`) with several workers on a free loopback port, and wrk.
SQLite runs with the default cache: on disk (diskcache, under var/bench/suite/cache-sqlite), shared
by every worker, each of which also keeps its own copy of large bodies behind a shared pointer.
PostgreSQL runs with Redis (db 14, flushed) as the one cache all workers share.
Prints the table and writes it to bench/results/latest.md. Numbers are reported, never asserted.
"""

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from bench import harness
from bench.harness import WORK, fetch, median, multipart, wrk
from bench.report import render

LUANTI_LIST = (
    "/api/packages/?type=mod&type=game&type=txp&protocol_version=41&engine_version=5.6.1"
    "&hide=nonfree&hide=desktop_default"
)
SEARCH_WORDS = [
    "forest", "mobs", "json", "river", "castle", "http", "farming", "crystal", "dragon", "armor",
    "storm", "socket", "winter", "quarry", "lantern", "boats", "honey", "volcano", "parser", "wolf",
]  # fmt: skip


def rockspec(version: str) -> bytes:
    return f"""package = "benchrock"
version = "{version}"
source = {{ url = "git+https://example.org/benchrock.git", tag = "v{version}" }}
description = {{
   summary = "The rock the upload benchmark writes.",
   homepage = "https://example.org/benchrock",
   license = "MIT",
}}
dependencies = {{ "lua >= 5.1" }}
build = {{ type = "builtin", modules = {{ benchrock = "src/benchrock.lua" }} }}
""".encode()


def release_zip(size: int, n: int, name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}/mod.conf", f"name = {name}\ntitle = Bench Mod\n")
        archive.writestr(f"{name}/init.lua", f"-- release {n}\n")
        # random bytes do not compress: the zip is `size` bytes on the wire
        archive.writestr(f"{name}/textures/noise.png", os.urandom(size), zipfile.ZIP_STORED)
    return buffer.getvalue()


def inprocess(env: dict, step: str, args: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "bench/inprocess.py", step, json.dumps(args)],
        cwd=harness.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def _load_row(load, ceiling=None) -> dict:
    row = {"rps": load.rps, "p50_ms": load.p50_ms, "p99_ms": load.p99_ms, "errors": load.errors}
    if ceiling is not None:
        row["ratio"] = load.rps / ceiling.rps if ceiling.rps else 0
    return row


def hot_reads(env: dict, urls: dict, credentials: dict, args) -> dict:
    """Each hot read against two ceilings, with keep-alive on and off, on every serving stack:
    nginx serving the same bytes as a static file (the machine's true ceiling, measured once), and
    the same bytes as a static file served by the same app server (`bench/static_wsgi.py`). Then per
    stack: the resident memory of each worker after the reads, the time to its first answer after
    the launch, and the upload paths."""
    static = WORK / "static"
    static.mkdir(parents=True, exist_ok=True)
    modes = [mode == "on" for mode in args.keep_alive.split(",")]
    stacks = args.stacks.split(",")
    out: dict = {"bodies": {}, "nginx": {}, "stacks": {}}
    with harness.gunicorn(env, workers=1, name="bodies") as server:
        for label, url in urls.items():
            status, body, _ = fetch(server.url + url)
            out["bodies"][label] = {"status": status, "url": url, "bytes": len(body)}
            if status == 200:
                (static / label).write_bytes(body)
    labels = [label for label, row in out["bodies"].items() if row["status"] == 200]

    def measure(base: str, path: str, keep_alive: bool):
        return wrk(base + path, seconds=args.seconds, connections=args.connections,
                   keep_alive=keep_alive)  # fmt: skip

    with harness.nginx(static) as nginx_url:
        for keep_alive in modes:
            for label in labels:
                if nginx_url is None:
                    continue
                load = measure(nginx_url, f"/bench-static/{label}", keep_alive)
                out["nginx"][f"{label}|{keep_alive}"] = _load_row(load)
    print("  nginx ceilings done", flush=True)
    for stack in stacks:
        row: dict = {"reads": {}}
        with harness.gunicorn(env, workers=args.workers, name=stack, stack=stack) as server:
            row["started_s"] = server.started_s
            for keep_alive in modes:
                for label in labels:
                    url = urls[label]
                    fetch(server.url + url)  # the shared cache is warm
                    # warm every worker's own copy of the body and its replay
                    wrk(server.url + url, seconds=1, connections=args.connections)
                    ceiling = measure(server.url, f"/bench-static/{label}", keep_alive)
                    real = measure(server.url, url, keep_alive)
                    nginx_row = out["nginx"].get(f"{label}|{keep_alive}")
                    cell = _load_row(real, ceiling)
                    cell["static_rps"] = ceiling.rps
                    if nginx_row:
                        cell["nginx_ratio"] = real.rps / nginx_row["rps"] if nginx_row["rps"] else 0
                    row["reads"][f"{label}|{keep_alive}"] = cell
            row["worker_rss_mb"] = server.worker_rss_mb()
            row["uploads"] = uploads(
                server, credentials, repeat=max(2, args.uploads // 2), tag=f"{stack} "
            )
        out["stacks"][stack] = row
        print(f"  {stack} done", flush=True)
    return out


def cold(server, url: str, scope: str, repeat: int) -> dict:
    """Latency of the first request after a generation bump (what the next reader after a write
    pays), on a one-worker server so the bump and the request meet the same cache."""
    times, status = [], None
    for _ in range(repeat):
        fetch(f"{server.url}/bench-bump/{scope}")
        status, _, ms = fetch(server.url + url)
        times.append(ms)
    return {"status": status, "p50_ms": median(times), "max_ms": max(times), "n": repeat}


def search(server) -> dict:
    times, status, hits = [], None, 0
    for word in SEARCH_WORDS:
        fetch(f"{server.url}/bench-bump/luanti")
        status, body, ms = fetch(f"{server.url}/api/packages/?q={word}")
        times.append(ms)
        if status == 200:
            data = json.loads(body)
            hits += len(data if isinstance(data, list) else data.get("items", []))
    return {"status": status, "p50_ms": median(times), "max_ms": max(times), "hits": hits}


def uploads(server, credentials: dict, repeat: int, tag: str = "") -> dict:
    """`repeat` rockspec and 1 MB release zip uploads; `tag` keeps each run's release titles apart."""
    key, token = credentials["api_key"], credentials["api_token"]
    times, status, body = [], None, b""
    for i in range(repeat):
        data, content_type = multipart(
            {}, {"rockspec_file": (f"benchrock-1.{i}-1.rockspec", rockspec(f"1.{i}-1"))}
        )
        status, body, ms = fetch(
            f"{server.url}/api/1/{key}/upload", data=data, headers={"Content-Type": content_type}
        )
        times.append(ms)
    rock = {"status": status, "p50_ms": median(times), "max_ms": max(times), "n": repeat}
    if status != 200:
        rock["body"] = body[:300].decode(errors="replace")
    times = []
    for i in range(repeat):
        mod_name = credentials["mods"][i].split("/")[1]
        data, content_type = multipart(
            {"title": f"Bench {tag}{i}"},
            {"file": ("release.zip", release_zip(1024 * 1024, i, mod_name))},
        )
        status, body, ms = fetch(
            f"{server.url}/api/packages/{credentials['mods'][i]}/releases/new/",
            data=data,
            headers={"Content-Type": content_type, "Authorization": f"Bearer {token}"},
        )
        times.append(ms)
    zipped = {"status": status, "p50_ms": median(times), "max_ms": max(times), "n": repeat}
    if status not in (200, 201):
        zipped["body"] = body[:300].decode(errors="replace")
    return {"rockspec": rock, "zip": zipped}


PARTS = ("hot-reads", "cold", "queries", "downloads", "manifest-100k")


def run_backend(backend: str, args) -> dict:
    out: dict = {"backend": backend}
    parts = set(args.only.split(","))
    if parts & {"hot-reads", "cold", "queries", "downloads"}:
        _run_packages(backend, args, parts, out)
    if "manifest-100k" in parts:
        out["manifest_100k"] = manifest_rebuild(backend, versions=args.rebuild_versions)
        print(
            f"[{backend}] manifest rebuild on {args.rebuild_versions:,} versions done", flush=True
        )
    return out


def _run_packages(backend: str, args, parts: set, out: dict) -> None:
    with harness.database(backend) as env:
        start = time.monotonic()
        harness.manage(env, "migrate", "--no-input", "-v0")
        credentials_path = WORK / f"credentials-{backend}.json"
        out["generated"] = harness.generate(
            env, "packages", f"--credentials={credentials_path}"
        ).strip()
        out["generate_s"] = round(time.monotonic() - start, 1)
        credentials = harness.load_json(credentials_path)
        samples = inprocess(env, "samples", {})
        urls = {
            "manifest-5.1.zip": "/manifest-5.1.zip",
            "luanti-5.6-list": LUANTI_LIST,
            "package-detail": samples["detail"],
            "updates": "/api/updates/?protocol_version=41&engine_version=5.6.1",
            # the floor: a view that only returns 20 constant bytes through the same stack
            "django-floor": "/api/tool_version",
        }
        out["urls"] = urls
        print(f"[{backend}] {out['generated']} in {out['generate_s']} s", flush=True)
        if "hot-reads" in parts:
            out["hot"] = hot_reads(env, urls, credentials, args)
            print(f"[{backend}] hot reads done", flush=True)
        if "cold" in parts:
            with harness.gunicorn(env, workers=1, name=f"{backend}-cold") as server:
                out["cold_list"] = cold(server, LUANTI_LIST, "luanti", repeat=10)
                out["cold_manifest"] = cold(server, "/manifest-5.1.zip", "root", repeat=5)
                out["search"] = search(server)
                out["uploads"] = uploads(server, credentials, repeat=args.uploads)
                print(f"[{backend}] cold paths, search and uploads done", flush=True)
        query_urls = dict(urls, search="/api/packages/?q=forest")
        if "queries" in parts:
            out["queries"] = inprocess(env, "queries", {"urls": query_urls, "explain": True})
        if "downloads" in parts:
            out["downloads"] = inprocess(env, "downloads", {"repeat": 200})  # download_bench.py
        if args.profile and "cold" in parts:
            out["profiles"] = {
                label: inprocess(env, "profile", {"url": url})["text"]
                for label, url in (
                    ("cold list", LUANTI_LIST),
                    ("cold manifest", "/manifest-5.1.zip"),
                )
            }
    if backend == "sqlite" and "queries" in parts:
        # the same requests on a data set 20 times smaller: query counts must not change
        with harness.database("sqlite") as env:
            harness.manage(env, "migrate", "--no-input", "-v0")
            harness.generate(env, "packages", "--scale=0.05")
            small_urls = dict(query_urls, **inprocess(env, "samples", {}))
            small_urls["package-detail"] = small_urls.pop("detail")
            out["queries_small"] = inprocess(env, "queries", {"urls": small_urls})


def manifest_rebuild(backend: str, *, versions: int) -> dict:
    """The root manifest-5.1 rebuilt after a write, on a rocks-only data set of `versions`
    versions (`python -m bench.data rocks`): time per rebuild and the memory it takes."""
    with harness.database(backend) as env:
        started = time.monotonic()
        harness.manage(env, "migrate", "--no-input", "-v0")
        generated = harness.generate(
            env, "rocks", f"--modules={max(1, versions // 5)}", f"--versions={versions}"
        ).strip()
        out = {"generated": generated, "generate_s": round(time.monotonic() - started, 1)}
        out.update(inprocess(env, "rebuild", {"repeat": 3}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per measurement")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--uploads", type=int, default=10, help="uploads of each kind")
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts to run (default all): {', '.join(PARTS)}",
    )
    parser.add_argument(
        "--stacks",
        default=",".join(harness.STACKS),
        help="serving stacks of the hot reads: sync (gunicorn), gthread (gunicorn), granian",
    )
    parser.add_argument(
        "--keep-alive", default="on,off", help="hot reads with keep-alive on, off, or both"
    )
    parser.add_argument(
        "--rebuild-versions",
        type=int,
        default=100_000,
        help="versions of the rocks data set of the manifest-100k part",
    )
    parser.add_argument(
        "--no-profile", dest="profile", action="store_false", help="skip cold-path profiles"
    )
    parser.add_argument("--output", type=Path, default=harness.ROOT / "bench/results/latest.md")
    parser.add_argument("--from-json", type=Path, help="only render the table of an earlier run")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if args.from_json:
        results = json.loads(args.from_json.read_text())
    else:
        results = [run_backend(backend, args) for backend in args.backends.split(",")]
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    if not args.from_json:  # kept even if rendering fails
        (WORK / "latest.json").write_text(json.dumps(results, indent=2))
    load = os.getloadavg()
    machine += f", load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    text = render(results, args=args, machine=machine, seconds=time.monotonic() - started)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)


if __name__ == "__main__":
    main()
