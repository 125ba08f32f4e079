"""Counting a download of Luanti content into the daily stats (ContentDB's PackageDailyStats).

Which downloads count at all (once per client address per package a day) is decided in
releases/downloads.py, which calls this. One download adds 1 to today's (UTC) row of the package:
`platform_minetest` when the User-Agent is a Luanti client (`Luanti/5.x ...`, or `Minetest/5.x ...` before the rename; docs/protocols/luanti-client.md
section 2), else `platform_other`; plus `reason_new` / `reason_update` / `reason_dependency` for the
`reason` query value the client sends (other values count no reason). Requests without a
User-Agent are not counted (ContentDB treats them as bots).

The columns are not written by the request: they join the pending batch that
releases/download_counts.py writes to the day's row (an UPDATE with F() increments, an INSERT when
the day has no row yet, the UPDATE again on the unique-constraint race).
"""

REASONS = {"new": "reason_new", "update": "reason_update", "dependency": "reason_dependency"}
LUANTI_AGENTS = ("luanti/", "minetest/")


def is_luanti_client(user_agent: str) -> bool:
    return user_agent.strip().lower().startswith(LUANTI_AGENTS)


def daily_columns(*, reason: str | None, user_agent: str) -> list[str]:
    columns = ["platform_minetest" if is_luanti_client(user_agent) else "platform_other"]
    if reason in REASONS:
        columns.append(REASONS[reason])
    return columns
