"""The Markdown table `make bench` prints and writes to bench/results/latest.md."""

import datetime

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


def _hot(result: dict, label: str) -> tuple[str, str]:
    row = result.get("hot", {}).get(label)
    if not row or "rps" not in row:
        return (f"HTTP {row.get('status') if row else '?'}", "n/a")
    text = (
        f"{row['rps']:,.0f} / {row['ceiling_rps']:,.0f} req/s = **{row['ratio']:.0%}** "
        f"(p50 {row['p50_ms']:.1f} ms, {row['bytes']:,} B)"
    )
    if row["errors"]:
        text += f", {row['errors']} errors"
    return text, "yes" if row["ratio"] >= 0.8 else "**no**"


def _latency(result: dict, key: str, goal: float) -> tuple[str, str]:
    row = result["uploads"].get(key) if key in ("rockspec", "zip") else result.get(key)
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
        f"{now}; {machine}; gunicorn {args.workers} sync workers, wrk -t2 -c{args.connections} "
        f"{args.seconds} s per measurement, loopback; whole run {seconds:.0f} s.",
        "Data: `python -m bench.data packages` (10,000 packages: 7,000 rocks / 50,000 versions, "
        "3,000 Luanti packages / 15,000 releases). Ceiling: the same bytes served as a static "
        "file by the same gunicorn and workers (`bench/static_wsgi.py`).",
        "",
        "| What | Goal | " + " | ".join(f"{n} | met" for n in names) + " |",
        "|---|---|" + "---|---|" * len(names),
    ]
    for label, title in HOT:
        cells = [c for r in results for c in _hot(r, label)]
        lines.append(f"| {title} | >= 80% of ceiling | " + " | ".join(cells) + " |")
    label, title = FLOOR
    cells = [c for r in results for c in (_hot(r, label)[0], "-")]
    lines.append(f"| {title} | reference | " + " | ".join(cells) + " |")
    for key, title, goal in LATENCY:
        cells = [c for r in results for c in _latency(r, key, goal)]
        lines.append(f"| {title} | < {goal} ms | " + " | ".join(cells) + " |")
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
        + ", ".join(f"{r['backend']} {r['generate_s']} s" for r in results),
        "",
    ]
    for result in results:
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
