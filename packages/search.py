"""Package search, the one every face uses: `search_packages` matches the words of a query (`q=` of
the ContentDB list, the web's search box), `browse_packages` adds the web's filters and orders.

Matching: PostgreSQL full-text search, and a substring fallback on SQLite.

PostgreSQL: a weighted document like ContentDB's (name A, title B, short description C) matched
with `websearch_to_tsquery` and ranked with `ts_rank`. The document is written below exactly as
the GIN expression index of migration 0004 writes it, so the planner can use that index (an
expression index only serves a query whose expression is the same).

SQLite: every word must appear (case-insensitive substring) in the name, title or short
description; ranked by where it appears (exact name, name, title, elsewhere). FTS5 would need a
shadow table kept in step by triggers; at 10,000 packages the scan takes a few milliseconds.
"""

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from packages.models import Package, PackageType
from packages.selectors import public_packages, with_covers

CONFIG = "english"
MAX_WORDS = 10
# Must stay identical to the indexed expression in migrations/0004_package_search_index.py.
DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, coalesce({t}.name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce({t}.title, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce({t}.short_description, '')), 'C'))"
)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def search_packages(queryset: QuerySet[Package], text: str) -> QuerySet[Package]:
    """`queryset` narrowed to packages matching `text`, annotated with `search_rank` (higher is
    better). Order by `-search_rank` to get the best matches first."""
    words = text.split()[:MAX_WORDS]
    if not words:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if uses_full_text():
        return _full_text(queryset, " ".join(words))
    return _substring(queryset, words)


def _full_text(queryset: QuerySet[Package], text: str) -> QuerySet[Package]:
    document = DOCUMENT.format(t=connection.ops.quote_name(queryset.model._meta.db_table))
    query = f"websearch_to_tsquery('{CONFIG}'::regconfig, %s)"
    # the SQL text is constant; the user's words travel only as the bound parameter
    matches = RawSQL(f"{document} @@ {query}", [text], output_field=BooleanField())  # noqa: S611
    rank = RawSQL(f"ts_rank({document}, {query})", [text], output_field=FloatField())  # noqa: S611
    return queryset.filter(matches).annotate(search_rank=rank)


def _substring(queryset: QuerySet[Package], words: list[str]) -> QuerySet[Package]:
    for word in words:
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(title__icontains=word)
            | Q(short_description__icontains=word)
        )
    whole = " ".join(words)
    return queryset.annotate(
        search_rank=Case(
            When(name__iexact=whole, then=3),
            When(name__icontains=whole, then=2),
            When(title__icontains=whole, then=1),
            default=0,
            output_field=IntegerField(),
        )
    )


SEARCH_ORDERS = {
    "score": ("-score", "-downloads", "name"),
    "downloads": ("-downloads", "name"),
    "new": ("-approved_at", "-id"),
    "updated": ("-updated_at", "-id"),
    "name": ("title", "name"),
}


def browse_packages(
    *,
    query: str = "",
    type: str = "",
    tag: str = "",
    license: str = "",
    author: str = "",
    order: str = "score",
) -> QuerySet[Package]:
    """Approved rocks and Luanti content matching every given filter (the web's package list);
    `query` is matched by `search_packages`, as on the ContentDB face."""
    packages = public_packages()
    if query:
        packages = search_packages(packages, query)
    if type in PackageType.values:
        packages = packages.filter(type=type)
    if tag:
        # a rock label matches as a whole JSON string, so "json" does not match "tinyjson"
        packages = packages.filter(
            Q(tags__name=tag) | Q(type=PackageType.ROCK, labels__icontains=f'"{tag}"')
        )
    if license:
        packages = packages.filter(
            Q(license__name__iexact=license) | Q(declared_license__iexact=license)
        )
    if author:
        packages = packages.filter(author__username__iexact=author)
    if tag:
        packages = packages.distinct()
    return with_covers(packages.order_by(*SEARCH_ORDERS.get(order, SEARCH_ORDERS["score"])))
