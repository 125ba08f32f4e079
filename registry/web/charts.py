"""Downloads over time as a server-side SVG bar chart: no JavaScript, no external library."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from packages.models import Package, PackageDailyStats

WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 28


def daily_downloads(*, package: Package, days: int = 90) -> list[tuple[date, int]]:
    """Downloads per UTC day for the last `days` days, zero-filled, oldest first (one query)."""
    end = timezone.now().date()
    start = end - timedelta(days=days - 1)
    rows = PackageDailyStats.objects.filter(package=package, date__gte=start).values_list(
        "date", "platform_minetest", "platform_other"
    )
    counts = {day: luanti + other for day, luanti, other in rows}
    return [(start + timedelta(n), counts.get(start + timedelta(n), 0)) for n in range(days)]


def _nice_max(value: int) -> int:
    """Round the top of the axis up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= factor * step:
                return factor * step
        step *= 10


def downloads_svg(series: list[tuple[date, int]], *, title: str) -> SafeString:
    """An accessible SVG (role=img with a title and a text summary) of the daily counts."""
    total = sum(count for _, count in series)
    top = _nice_max(max((count for _, count in series), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(series), 1)
    bar = max(slot * 0.8, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        '<desc id="chart-desc">{}</desc>'.format(
            escape(
                _("{total} downloads from {start} to {end}, at most {most} a day.").format(
                    total=total,
                    start=date_format(series[0][0], "SHORT_DATE_FORMAT"),
                    end=date_format(series[-1][0], "SHORT_DATE_FORMAT"),
                    most=max((c for _, c in series), default=0),
                )
            )
        )
        if series
        else '<desc id="chart-desc">{}</desc>'.format(escape(_("No data."))),
    ]
    for fraction in (0, 0.5, 1) if top % 2 == 0 else (0, 1):
        y = TOP + plot_h * (1 - fraction)
        label = top * fraction // 1
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#dce3ea" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#5a6673">{int(label)}</text>'
        )
    for index, (day, count) in enumerate(series):
        if count <= 0:
            continue
        h = plot_h * count / top
        x = LEFT + index * slot + (slot - bar) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="#2458a6"><title>{day:%Y-%m-%d}: {count}</title></rect>'
        )
    if series:
        parts.append(
            f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="11" fill="#5a6673">'
            f"{escape(date_format(series[0][0], 'M j'))}</text>"
            f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" font-size="11" '
            f'fill="#5a6673">{escape(date_format(series[-1][0], "M j"))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only


def downloads_chart(*, package: Package, days: int = 90) -> SafeString | None:
    """The chart of a package's last `days` days, or None when nothing was downloaded in them."""
    series = daily_downloads(package=package, days=days)
    if not any(count for _, count in series):
        return None
    return downloads_svg(series, title=f"Daily downloads of {package.title}, last {days} days")
