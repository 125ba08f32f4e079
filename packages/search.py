"""Package search, the one every face uses: `search_packages` matches the words of a query (`q=` of
the ContentDB list, the web's search box), `browse_packages` adds the web's filters and orders.

What a query matches. The query is cut into at most MAX_WORDS words (of at most MAX_WORD_LENGTH
characters); a package matches when EVERY word hits at least one of: its name, title, short
description or labels (LuaRocks labels); its author's username or display name; the name or title of
one of its tags. A word hits a field when

- it is a substring of it, case-insensitively: partial words and prefixes ("wol", "lant", "sofia");
- on PostgreSQL, also when the stemmed full-text document of migration 0004 (name A, title B, short
  description C) holds it ("farms" finds "farming");
- it is a typo of a word of the name or title ("wolvs", "lanten", "wolf" for Wolves, "lantren"):
  trigram similarity, computed by each database its own way (below). Author names get no typo
  matching: generated names (author0042, author0043) are all "similar" to each other.

Authors and tags are looked up first (two small queries per word), so the package condition is an
OR of plain column tests: on PostgreSQL every branch is an index scan (a BitmapOr).

Ranking: `search_rank` (higher is better) puts an exact name first (4), then a name starting with
the query (3), then a name or title containing it (2), plus the best trigram similarity of the whole
query to the name or title (PostgreSQL: pg_trgm's word_similarity; SQLite: the Python similarity of
its typo matches, for the FUZZY_RANKED closest). Lists order by `-search_rank`, then score.

PostgreSQL: `pg_trgm` (migration 0010 enables it and adds GIN trigram indexes on UPPER(name),
UPPER(title), UPPER(short_description) and UPPER(labels::text), the expressions Django's `icontains`
writes). A typo is `word <% UPPER(field)`: word_similarity(word, field) >= the session's
pg_trgm.word_similarity_threshold, which settings/base.py sets to 0.5 ("lantren" to "lantern" is
0.5, "wolf" to "wolves" 0.6, "wolvs" 0.67, "lanten" to "lanterns" 0.71).

SQLite: FTS5's trigram tokenizer (SQLite 3.34+) would need a shadow table kept in step with
packages, users and tags by triggers, for the laptop and test database; the fallback is bounded
instead. Substrings are LIKE scans. For a typo, the candidates are at most FUZZY_CANDIDATES
packages (best score first) whose name or title contains the word's first or last three letters
(one typo leaves one of them whole); Python computes the trigram similarity of the word to each word
of those names and titles (pg_trgm's definition: shared trigrams over the union, each word padded
with two spaces in front and one behind) and keeps those at FUZZY_THRESHOLD (0.3) or more. A typo in
both ends of a word, or of a package outside the candidates, is not found; a substring always is.
"""

import re

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression, RawSQL
from django.db.models.functions import Greatest, Upper

from accounts.models import User
from packages.games import supporting_filter
from packages.models import Package, PackageType
from packages.selectors import public_packages, with_covers

CONFIG = "english"
MAX_WORDS = 10
MAX_WORD_LENGTH = 50
FUZZY_CANDIDATES = 500
FUZZY_THRESHOLD = 0.3
MAX_AUTHORS = 1000
FUZZY_RANKED = 48
# Must stay identical to the indexed expression in migrations/0004_package_search_index.py.
DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, coalesce({t}.name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce({t}.title, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce({t}.short_description, '')), 'C'))"
)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def query_words(text: str) -> list[str]:
    """The words of a query, lower-cased, at most MAX_WORDS of at most MAX_WORD_LENGTH each."""
    return [word[:MAX_WORD_LENGTH].lower() for word in text.split()[:MAX_WORDS]]


def search_packages(queryset: QuerySet[Package], text: str) -> QuerySet[Package]:
    """`queryset` narrowed to packages matching `text`, annotated with `search_rank` (higher is
    better). Order by `-search_rank` to get the best matches first."""
    words = query_words(text)
    if not words:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    whole = " ".join(words)
    postgres = uses_full_text()
    fuzzy: dict[int, float] = {}
    for word in words:
        condition = _plain_match(word)
        if postgres:
            condition |= _postgres_match(queryset, word)
        else:
            similar = _similar_packages(word)
            for pk, value in similar.items():
                fuzzy[pk] = max(fuzzy.get(pk, 0.0), value)
            condition |= Q(pk__in=list(similar))
        queryset = queryset.filter(condition)
    rank: Case | CombinedExpression = Case(
        When(name__iexact=whole, then=Value(4.0)),
        When(name__istartswith=whole, then=Value(3.0)),
        When(Q(name__icontains=whole) | Q(title__icontains=whole), then=Value(2.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if postgres:
        similarity = Greatest(
            TrigramWordSimilarity(whole, Upper("name")),
            TrigramWordSimilarity(whole, Upper("title")),
        )
        return queryset.annotate(search_rank=rank + similarity)
    if fuzzy:
        # the closest few get their similarity in the rank (the rest rank by score, after them)
        best = sorted(fuzzy.items(), key=lambda item: -item[1])[:FUZZY_RANKED]
        rank = rank + Case(
            *[When(pk=pk, then=Value(value)) for pk, value in best],
            default=Value(0.0),
            output_field=FloatField(),
        )
    return queryset.annotate(search_rank=rank)


def _plain_match(word: str) -> Q:
    """Substring matches, the same on every database. Authors and tags are looked up first (two
    small queries), so that every branch of the condition is an index scan on PostgreSQL (the
    GIN trigram indexes of migration 0010 serve `icontains`, which is UPPER(col) LIKE)."""
    authors = list(
        User.objects.filter(
            Q(username__icontains=word) | Q(display_name__icontains=word)
        ).values_list("pk", flat=True)[:MAX_AUTHORS]
    )
    tagged = list(
        Package.tags.through.objects.filter(
            Q(tag__name__icontains=word) | Q(tag__title__icontains=word)
        ).values_list("package_id", flat=True)
    )
    return (
        Q(name__icontains=word)
        | Q(title__icontains=word)
        | Q(short_description__icontains=word)
        | Q(labels__icontains=word)  # LuaRocks labels (Luanti packages have none)
        | Q(author_id__in=authors)
        | Q(pk__in=tagged)
    )


def _postgres_match(queryset: QuerySet[Package], word: str) -> Q:
    """Stemmed full text (the GIN index of migration 0004) and trigram typos (pg_trgm's `<%`,
    served by the GIN trigram indexes on UPPER(name) and UPPER(title); pg_trgm ignores case)."""
    document = DOCUMENT.format(t=connection.ops.quote_name(queryset.model._meta.db_table))
    stemmed = RawSQL(  # noqa: S611 (constant SQL; the word travels as the bound parameter)
        f"{document} @@ plainto_tsquery('{CONFIG}'::regconfig, %s)",
        [word],
        output_field=BooleanField(),
    )
    if len(word) < 3:
        return Q(stemmed)
    return (
        Q(stemmed)
        | Q(TrigramWordSimilar(Upper("name"), Value(word)))
        | Q(TrigramWordSimilar(Upper("title"), Value(word)))
    )


# SQLite's typo matching: bounded candidates, similarity in Python ------------------------------


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: lower-cased, two spaces in front and one behind."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(word: str, other: str) -> float:
    """pg_trgm's `similarity` of two words: shared trigrams over all trigrams of both."""
    mine, theirs = trigrams(word), trigrams(other)
    return len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0


_SPLIT = re.compile(r"[^\w]+|_")


def best_similarity(word: str, texts: list[str]) -> float:
    """The best similarity of `word` to any word of `texts` (names split at underscores too)."""
    return max(
        (similarity(word, part) for text in texts for part in _SPLIT.split(text) if part),
        default=0.0,
    )


def _ends(word: str) -> list[str]:
    """The first and the last three letters: a single typo leaves at least one of them whole."""
    return sorted({word[:3], word[-3:]})


def _candidates(
    queryset: QuerySet[Package], fields: tuple[str, ...], word: str
) -> QuerySet[Package]:
    condition = Q()
    for gram in _ends(word):
        for field in fields:
            condition |= Q(**{f"{field}__icontains": gram})
    return queryset.filter(condition)


def _similar_packages(word: str) -> dict[int, float]:
    if len(word) < 3:
        return {}
    rows = (
        _candidates(Package.objects.all(), ("name", "title"), word)
        .order_by("-score", "id")
        .values_list("pk", "name", "title")[:FUZZY_CANDIDATES]
    )
    found = {}
    for pk, name, title in rows:
        value = best_similarity(word, [name, title])
        if value >= FUZZY_THRESHOLD:
            found[pk] = value
    return found


# The web's list ---------------------------------------------------------------------------------

SEARCH_ORDERS = {
    "relevance": ("-search_rank", "-score", "name"),
    "score": ("-score", "-downloads", "name"),
    "downloads": ("-downloads", "name"),
    "new": ("-approved_at", "-id"),
    "updated": ("-updated_at", "-id"),
    "name": ("title", "name"),
}
TYPE_NAMES = {"mod": "MOD", "game": "GAME", "txp": "TXP", "rock": "ROCK"}


def package_type(value: str) -> str | None:
    """A package type from what a user types (`rock`, `ROCK`, `Mod`); None when it names none."""
    return TYPE_NAMES.get(value.strip().lower())


def browse_packages(
    *,
    query: str = "",
    type: str = "",
    tag: str = "",
    license: str = "",
    author: str = "",
    game: Package | None = None,
    order: str = "",
) -> QuerySet[Package]:
    """Approved rocks and Luanti content matching every given filter (the web's package list);
    `query` is matched by `search_packages`, as on the ContentDB face; `type` is a PackageType
    value (see `package_type`); `game` keeps the mods and texture packs that support it. The order
    is relevance then score when there is a query and no other order is asked."""
    packages = public_packages()
    if query:
        packages = search_packages(packages, query)
    if type:
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
    if game is not None:
        packages = packages.filter(supporting_filter(game))
    if tag:
        packages = packages.distinct()
    if order not in SEARCH_ORDERS or (order == "relevance" and not query):
        order = "relevance" if query else "score"
    return with_covers(packages.order_by(*SEARCH_ORDERS[order]))
