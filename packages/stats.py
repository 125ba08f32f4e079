"""Daily download statistics per UTC day, zero-filled (docs/protocols/contentdb.md section 6)."""

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from packages.models import Package, PackageDailyStats, PackageState

FIELDS = (
    "platform_minetest",
    "platform_other",
    "reason_new",
    "reason_dependency",
    "reason_update",
    "views_luanti",
)
WINDOW_DAYS = 30


def today() -> date:
    return timezone.now().date()  # USE_TZ with TIME_ZONE UTC: the UTC day


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _series(
    rows: QuerySet[PackageDailyStats], *, start: date | None, end: date | None
) -> dict[str, Any] | None:
    """Sum `rows` per day; `start`/`end` of the answer are the first/last days WITH data."""
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    per_day = {
        row["date"]: row
        for row in rows.values("date").annotate(**{f: Sum(f) for f in FIELDS}).order_by("date")
    }
    if not per_day:
        return None
    first, last = min(per_day), max(per_day)
    days = _days(first, last)
    answer: dict[str, Any] = {"start": first.isoformat(), "end": last.isoformat()}
    for field in FIELDS:
        answer[field] = [int((per_day.get(day) or {}).get(field) or 0) for day in days]
    return answer


def package_stats(
    *, package: Package, start: date | None, end: date | None
) -> dict[str, Any] | None:
    """One package's daily stats, or None when it has no data in the range."""
    return _series(PackageDailyStats.objects.filter(package=package), start=start, end=end)


def user_stats(*, user: User, start: date | None, end: date | None) -> dict[str, Any] | None:
    """The sum over a user's approved Luanti packages, plus downloads per package title."""
    packages = Package.objects.filter(author=user, state=PackageState.APPROVED).exclude(type="ROCK")
    rows = PackageDailyStats.objects.filter(package__in=packages)
    answer = _series(rows, start=start, end=end)
    if answer is None:
        return None
    days = _days(date.fromisoformat(answer["start"]), date.fromisoformat(answer["end"]))
    index = {day: n for n, day in enumerate(days)}
    downloads: dict[str, list[int]] = {}
    for title, day, luanti, other in rows.filter(date__gte=days[0], date__lte=days[-1]).values_list(
        "package__title", "date", "platform_minetest", "platform_other"
    ):
        series = downloads.setdefault(title, [0] * len(days))
        series[index[day]] += luanti + other
    # the spec names the first key `from`; ContentDB sends `start`: both are given
    return {"from": answer["start"], **answer, "package_downloads": downloads}


def all_packages_stats() -> dict[str, Any]:
    """The last 30 UTC days of downloads of every approved Luanti package that has data."""
    end = today()
    start = end - timedelta(days=WINDOW_DAYS - 1)
    days = _days(start, end)
    index = {day: n for n, day in enumerate(days)}
    downloads: dict[str, list[int]] = {}
    rows = (
        PackageDailyStats.objects.filter(
            date__gte=start, date__lte=end, package__state=PackageState.APPROVED
        )
        .exclude(package__type="ROCK")
        .values_list(
            "package__author__username",
            "package__name",
            "date",
            "platform_minetest",
            "platform_other",
        )
    )
    for author, name, day, luanti, other in rows:
        series = downloads.setdefault(f"{author}/{name}", [0] * len(days))
        series[index[day]] += luanti + other
    return {"start": start.isoformat(), "end": end.isoformat(), "package_downloads": downloads}
