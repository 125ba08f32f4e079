"""Cache flooding on the 10k data set: a worker's memory and the security counters after a flood.

    .venv/bin/python -m bench.flood [--backend sqlite] [--requests 400]

Builds the data set (`python -m bench.data packages`), serves it with one gunicorn worker, locks an address
out with failed key authentications, then sends `--requests` anonymous list requests that each
carry a new unknown parameter (`&cachebust=N`) and as many valid variants (`&limit=N`). Prints
the worker's resident memory (VmRSS) before and after each flood, the bytes the cache on disk
holds, and whether the address is still locked out. Numbers are reported, never asserted
(tests/security/test_cache_flood.py holds the bounds).
"""

import argparse
import json
import sys
from pathlib import Path

from bench import harness
from bench.harness import WORK, fetch

LIST = "/api/packages/?type=mod&type=game&type=txp&protocol_version=41&engine_version=5.6.1"


def worker_rss_kib(server: harness.Server) -> int:
    """VmRSS of the server's one worker (the child of the gunicorn arbiter)."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    (pid,) = children.read_text().split()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cache_bytes(env: dict) -> int:
    folder = Path(env["CACHE_DIR"]) / "shared"
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def locked_out(server: harness.Server) -> bool:
    status, _, _ = fetch(f"{server.url}/api/1/flood-guess-final/status")
    return status == 429


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    out: dict = {}
    with harness.database(args.backend) as env:
        env["RATELIMIT_FAILED_AUTHS"] = "5"
        harness.manage(env, "migrate", "--no-input", "-v0")
        harness.generate(env, "packages")
        with harness.gunicorn(env, workers=1, name=f"flood-{args.backend}") as server:
            for number in range(5):
                fetch(f"{server.url}/api/1/flood-guess-{number}/status")
            _, body, _ = fetch(server.url + LIST)
            out["list_bytes"] = len(body)
            out["locked_out_before"] = locked_out(server)
            out["rss_kib_before"] = worker_rss_kib(server)
            for number in range(args.requests):
                fetch(f"{server.url}{LIST}&cachebust={number}")
            out["rss_kib_after_cachebust"] = worker_rss_kib(server)
            for number in range(1, args.requests + 1):
                fetch(f"{server.url}{LIST}&limit={number}")
            out["rss_kib_after_variants"] = worker_rss_kib(server)
            out["locked_out_after"] = locked_out(server)
            if "CACHE_URL" not in env and "CACHE_DIR" in env:
                out["cache_dir_bytes"] = cache_bytes(env)
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
