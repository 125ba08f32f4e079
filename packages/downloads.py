"""Counting a download of Luanti content into the daily stats (ContentDB's PackageDailyStats).

Which downloads count at all (once per client address per package a day) is decided in
releases/downloads.py, which calls this. One download adds 1 to today's (UTC) row of the package:
`platform_minetest` when the User-Agent is a Luanti client (`Luanti/5.x ...`, or `Minetest/5.x ...` before the rename; docs/protocols/luanti-client.md
section 2), else `platform_other`; plus `reason_new` / `reason_update` / `reason_dependency` for the
`reason` query value the client sends (other values count no reason). Requests without a
User-Agent are not counted (ContentDB treats them as bots).

Concurrency: an UPDATE with F() increments first (`SET platform_minetest = platform_minetest + 1`),
an INSERT only when no row exists yet for the day, and on the unique-constraint race (two first
downloads of the day at once) the loser retries the UPDATE inside a savepoint. Nothing is read or
locked before writing, and each statement's row lock ends with the short transaction, never held
across the response that sends the file.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from packages.models import PackageDailyStats

REASONS = {"new": "reason_new", "update": "reason_update", "dependency": "reason_dependency"}
LUANTI_AGENTS = ("luanti/", "minetest/")


def is_luanti_client(user_agent: str) -> bool:
    return user_agent.strip().lower().startswith(LUANTI_AGENTS)


def daily_columns(*, reason: str | None, user_agent: str) -> list[str]:
    columns = ["platform_minetest" if is_luanti_client(user_agent) else "platform_other"]
    if reason in REASONS:
        columns.append(REASONS[reason])
    return columns


@transaction.atomic
def record_daily_download(
    *, package_id: int, reason: str | None, user_agent: str, day: date | None = None
) -> None:
    """Add one download to the package's row of `day` (today, UTC, by default)."""
    columns = daily_columns(reason=reason, user_agent=user_agent)
    today = day or timezone.now().date()
    rows = PackageDailyStats.objects.filter(package_id=package_id, date=today)
    if rows.update(**{c: F(c) + 1 for c in columns}):
        return
    try:
        with transaction.atomic():
            PackageDailyStats.objects.create(
                package_id=package_id, date=today, **dict.fromkeys(columns, 1)
            )
    except IntegrityError:  # someone created today's row between our UPDATE and INSERT
        rows.update(**{c: F(c) + 1 for c in columns})
