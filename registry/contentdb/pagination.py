"""ContentDB's paginated envelope: `{page, per_page, page_count, total, urls: {previous, next}, items}`.

`page` (default 1) and `n` (per page) come from the query string. A number that does not parse or
an `n` below 1 is a 400; a page below 1 or past the last page is a 404 (ContentDB's paginate);
page 1 of an empty result is fine. `n` above the endpoint's maximum is lowered to it.
"""

from collections.abc import Callable, Sequence
from math import ceil
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.http import urlencode

from registry.contentdb.base import ContentDBError

PAGE_NOT_FOUND = "Page not found"


def _int_param(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ContentDBError(f"{name} must be an integer", 400) from None
    if abs(value) > 2**31:
        raise ContentDBError(f"{name} is out of range", 400)
    return value


def _page_url(request, page: int) -> str:
    params = [(k, v) for k, values in request.query_params.lists() for v in values if k != "page"]
    params.append(("page", str(page)))
    return f"{settings.SITE_URL}{request.path}?{urlencode(params)}"


def paginate(
    request,
    items: QuerySet | Sequence,
    *,
    serialize: Callable[[list], list[dict[str, Any]]],
    default_per_page: int = 100,
    max_per_page: int = 100,
) -> dict[str, Any]:
    """One page of `items` (two queries for a queryset: count and slice); `serialize` gets the
    page's objects as one list, so it can fetch what they need in bulk."""
    page = _int_param(request, "page", 1)
    per_page = _int_param(request, "n", default_per_page)
    if per_page < 1:
        raise ContentDBError("n must be at least 1", 400)
    per_page = min(per_page, max_per_page)
    if page < 1:
        raise ContentDBError(PAGE_NOT_FOUND, 404)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    page_count = ceil(total / per_page)
    if page > max(page_count, 1):
        raise ContentDBError(PAGE_NOT_FOUND, 404)
    start = (page - 1) * per_page
    rows = list(items[start : start + per_page])
    return {
        "page": page,
        "per_page": per_page,
        "page_count": page_count,
        "total": total,
        "urls": {
            "previous": _page_url(request, page - 1) if page > 1 else None,
            "next": _page_url(request, page + 1) if page < page_count else None,
        },
        "items": serialize(rows),
    }
