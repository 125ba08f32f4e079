"""The Markdown table `make bench` prints and writes to bench/results/latest.md."""

import datetime

PRODUCTION_STACK = "granian"  # the production default (docs/deploy.md)

HOT = [
    ("manifest-5.1.zip", "cached `manifest-5.1.zip`"),
    ("luanti-5.6-list", "cached Luanti 5.6 list request"),
    ("package-detail", "package detail"),
    ("updates", "`/api/updates/`"),
]
FLOOR = ("django-floor", "reference: `/api/tool_version` (constant 20 bytes, full Django stack)")
LATENCY = [
    ("cold_list", "cold Luanti list (after a write)", 150),
    ("cold_manifest", "manifest-5.1.zip rebuild (after a write)", 1000),
    ("search", "search `q=` (uncached)", 50),
    ("rockspec", "rockspec upload (sandbox included)", 100),
    ("zip", "release zip upload, 1 MB", 200),
]


def _primary(result: dict) -> tuple[str, dict] | None:
    """The stack the main table shows: the production default (docs/deploy.md) when measured."""
    stacks = result.get("hot", {}).get("stacks", {})
    for name in (PRODUCTION_STACK, *stacks):
        if name in stacks:
            return name, stacks[name]
    return None


def _hot(result: dict, label: str) -> tuple[str, str]:
    primary = _primary(result)
    body = result.get("hot", {}).get("bodies", {}).get(label, {})
    row = primary[1]["reads"].get(f"{label}|True") if primary else None
    if not row:
        return (f"HTTP {body.get('status', '?')}" if body else "not run", "n/a")
    text = (
        f"{row['rps']:,.0f} req/s = **{row['ratio']:.0%}** of the static file in "
        f"{primary[0]} ({row['static_rps']:,.0f}), {row.get('nginx_ratio', 0):.0%} of nginx "
        f"(p50 {row['p50_ms']:.1f} ms, {body.get('bytes', 0):,} B)"
    )
    if row["errors"]:
        text += f", {row['errors']} errors"
    return text, "yes" if row["ratio"] >= 0.9 else "**no**"


def _stack_tables(result: dict) -> list[str]:
    hot = result.get("hot")
    if not hot or not hot.get("stacks"):
        return []
    modes = sorted({key.split("|")[1] == "True" for key in hot["nginx"]} or {True}, reverse=True)
    head = "| Read | Stack |" + "".join(
        f" keep-alive {'on' if m else 'off'}: req/s | / nginx | / static in server |" for m in modes
    )
    lines = [
        f"### {result['backend']}: hot reads by serving stack",
        "",
        head,
        "|---|---|" + "---|---|---|" * len(modes),
    ]
    for label, title in [*HOT, FLOOR]:
        nginx_cells = []
        for mode in modes:
            ng = hot["nginx"].get(f"{label}|{mode}")
            nginx_cells += [f"{ng['rps']:,.0f}" if ng else "n/a", "100%", "-"]
        lines.append(f"| {title} | nginx (static file) | " + " | ".join(nginx_cells) + " |")
        for stack, row in hot["stacks"].items():
            cells = []
            for mode in modes:
                cell = row["reads"].get(f"{label}|{mode}")
                if not cell:
                    cells += ["n/a", "n/a", "n/a"]
                    continue
                cells += [
                    f"{cell['rps']:,.0f} (p50 {cell['p50_ms']:.1f} ms)"
                    + (f", {cell['errors']} errors" if cell["errors"] else ""),
                    f"{cell.get('nginx_ratio', 0):.0%}",
                    f"{cell['ratio']:.0%} of {cell['static_rps']:,.0f}",
                ]
            lines.append(f"| {title} | {stack} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"### {result['backend']}: the serving stacks",
        "",
        "| Stack | first answer after launch | RSS per worker after the hot reads (MiB) | "
        "rockspec upload p50 | 1 MB zip upload p50 |",
        "|---|---|---|---|---|",
    ]
    for stack, row in hot["stacks"].items():
        up = row.get("uploads", {})

        def p50(kind: str, up=up) -> str:
            one = up.get(kind) or {}
            if one.get("status") not in (200, 201):
                return f"HTTP {one.get('status')}"
            return f"{one['p50_ms']:.1f} ms (n={one['n']})"

        rss = row.get("worker_rss_mb") or []
        lines.append(
            f"| {stack} | {row['started_s']:.2f} s | "
            f"{', '.join(f'{x:.0f}' for x in rss) or 'n/a'} | {p50('rockspec')} | {p50('zip')} |"
        )
    return [*lines, ""]


def _rebuild(result: dict) -> tuple[str, str]:
    row = result.get("manifest_100k")
    if not row:
        return "not run", "n/a"
    text = (
        f"p50 {row['p50_ms']:.0f} ms (max {row['max_ms']:.0f}, CPU {row['cpu_p50_ms']:.0f} ms); "
        f"peak memory +{row['peak_growth_mb']:.0f} MiB ({row['peak_rss_mb']:.0f} MiB process); "
        f"{row.get('lua_bytes', 0):,} B Lua, {row.get('zip_bytes', 0):,} B zip"
    )
    return text, "yes" if row["p50_ms"] < 3000 else "**no**"


def _latency(result: dict, key: str, goal: float) -> tuple[str, str]:
    row = result.get("uploads", {}).get(key) if key in ("rockspec", "zip") else result.get(key)
    if not row:
        return "n/a", "n/a"
    if row.get("status") not in (200, 201):
        return f"HTTP {row.get('status')}", "n/a"
    text = f"p50 {row['p50_ms']:.1f} ms (max {row['max_ms']:.0f})"
    return text, "yes" if row["p50_ms"] < goal else "**no**"


def _queries_constant(result: dict) -> tuple[str, str]:
    big, small = result.get("queries", {}), result.get("queries_small")
    cells = []
    constant = True
    for label, row in big.items():
        cell = f"{label} {row['cold']}/{row['warm']}"
        if small and label in small:
            s = small[label]
            cell += f" (500 pkgs: {s['cold']}/{s['warm']})"
            # one query fewer on the small set is data shape, not size: an empty result skips
            # its follow-up query (no game support rows, no search hits -> no aliases query)
            constant &= row["cold"] - s["cold"] <= 1 and row["warm"] - s["warm"] <= 1
        cells.append(cell)
    met = ("yes" if constant else "**no**") if small else "see SQLite"
    return "; ".join(cells), met


def _downloads(result: dict) -> str:
    row = result.get("downloads")
    if not row:
        return "n/a"

    def ms(key: str) -> str:
        return f"{row[key]['median_us'] / 1000:.1f}"

    return (
        f"Luanti zip {ms('luanti_one_address')} / {ms('luanti_new_addresses')} ms; "
        f"LuaRocks file {ms('luarocks_one_address')} / {ms('luarocks_new_addresses')} ms; "
        f"check {row.get('check_us', '?')} µs, writes {row.get('writes_us', '?')} µs"
    )


def render(results: list[dict], *, args, machine: str, seconds: float) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    names = [r["backend"] for r in results]
    lines = [
        "# Benchmark results",
        "",
        f"{now}; {machine}; {args.workers} workers per app server, wrk -t2 -c{args.connections} "
        f"{args.seconds} s per measurement, loopback; parts run: {args.only}; "
        f"whole run {seconds:.0f} s.",
        "Data: `python -m bench.data packages` (10,000 packages: 7,000 rocks / 50,000 versions, "
        "3,000 Luanti packages / 15,000 releases). Two ceilings, measured in the same run with the "
        "same wrk parameters: nginx (Debian's, started by the bench with its own configuration) "
        "serving the same bytes as a static file, and the same bytes served as a static file by "
        f"the same app server (`bench/static_wsgi.py`). The main table shows the {PRODUCTION_STACK} "
        "stack with keep-alive on; every stack and keep-alive off are in the tables below it.",
        "",
        "| What | Goal | " + " | ".join(f"{n} | met" for n in names) + " |",
        "|---|---|" + "---|---|" * len(names),
    ]
    for label, title in HOT:
        cells = [c for r in results for c in _hot(r, label)]
        lines.append(f"| {title} | >= 90% of the static file | " + " | ".join(cells) + " |")
    label, title = FLOOR
    cells = [c for r in results for c in (_hot(r, label)[0], "-")]
    lines.append(f"| {title} | reference | " + " | ".join(cells) + " |")
    for key, title, goal in LATENCY:
        cells = [c for r in results for c in _latency(r, key, goal)]
        lines.append(f"| {title} | < {goal} ms | " + " | ".join(cells) + " |")
    cells = [c for r in results for c in _rebuild(r)]
    lines.append(
        "| manifest-5.1 + .zip rebuild, 100,000 versions (after a write) | < 3000 ms | "
        + " | ".join(cells)
        + " |"
    )
    cells = [c for r in results for c in _queries_constant(r)]
    lines.append("| SQL queries cold/warm per request | constant | " + " | ".join(cells) + " |")
    cells = [c for r in results for c in (_downloads(r), "-")]
    lines.append(
        "| counted download in process, one address x200 / 200 addresses (median per request; "
        "the once-a-day check and the counter writes it spares) | reference | "
        + " | ".join(cells)
        + " |"
    )
    lines += [
        "",
        "Notes: SQLite runs with the default cache, on disk and shared by all workers; "
        "PostgreSQL with Redis (one copy shared by all workers); both with a per-process copy of "
        "large bodies behind a shared pointer. Search: PostgreSQL full-text "
        "search (GIN index); SQLite falls back to case-insensitive substring matching "
        "(packages/search.py). Cold = the first request after a cache-generation bump, on a "
        "one-worker server; uploads on the same one-worker server. Requests are those of the "
        "clients: no Accept-Encoding (luarocks, Luanti 5.6).",
        "",
        "Generation of the data set (migrate + bench.data): "
        + ", ".join(f"{r['backend']} {r.get('generate_s', 'n/a')} s" for r in results),
        "",
    ]
    for result in results:
        lines += _stack_tables(result)
    for result in results:
        if not result.get("queries"):
            continue
        lines += [f"## {result['backend']}: slowest query per request (cold) and its plan", ""]
        for label, row in result.get("queries", {}).items():
            lines += [
                f"<details><summary>{label}: {row['cold']} queries cold, {row['warm']} warm; "
                f"slowest {row['slowest_ms']} ms</summary>",
                "",
                "```",
                row["slowest_sql"][:3000],
                "",
                row.get("plan", ""),
                "```",
                "</details>",
                "",
            ]
        for label, text in result.get("profiles", {}).items():
            lines += [f"### Profile: {label}", "", "```", text.strip()[:6000], "```", ""]
    return "\n".join(lines) + "\n"
