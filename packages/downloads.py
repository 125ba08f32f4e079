"""Counting a download of Luanti content into the daily stats (ContentDB's PackageDailyStats).

One download adds 1 to today's (UTC) row of the package: `platform_minetest` when the User-Agent is a
Luanti client (`Luanti/5.x ...`, or `Minetest/5.x ...` before the rename; docs/protocols/luanti-client.md
section 2), else `platform_other`; plus `reason_new` / `reason_update` / `reason_dependency` for the
`reason` query value the client sends (other values count no reason). Requests without a
User-Agent are not counted (ContentDB treats them as bots).

Concurrency: an UPDATE with F() increments first (`SET platform_minetest = platform_minetest + 1`),
an INSERT only when no row exists yet for the day, and on the unique-constraint race (two first
downloads of the day at once) the loser retries the UPDATE inside a savepoint. Nothing is read or
locked before writing, and each statement's row lock ends with the short transaction, never held
across the response that sends the file.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from packages.models import PackageDailyStats
from packages.scoring import add_download_score
from releases.downloads import count_download
from releases.models import ReleaseFile

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
def record_daily_download(*, package_id: int, reason: str | None, user_agent: str) -> None:
    columns = daily_columns(reason=reason, user_agent=user_agent)
    today = timezone.now().date()
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


@transaction.atomic
def count_luanti_download(
    *, release_file: ReleaseFile, package_id: int, reason: str | None, user_agent: str
) -> bool:
    """Count one download in the totals and the daily stats; False (nothing counted) for bots."""
    if not user_agent.strip():
        return False
    count_download(release_file=release_file)
    record_daily_download(package_id=package_id, reason=reason, user_agent=user_agent)
    add_download_score(package_id=package_id, reason=reason)  # the decaying half of the score
    return True
