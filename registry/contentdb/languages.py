"""Accept-Language on the package list, detail and for-client answers, as ContentDB answers it
(docs/protocols/contentdb.md "Translations").

The language is the best match of the request's `Accept-Language` among the site's languages
(`/api/languages/`, `en` included), matched as Werkzeug's `LanguageAccept.best_match` does for
ContentDB: highest quality first, `-` and `_` alike and case ignored, then a client tag's primary
subtag (`de-AT` -> `de`), then a site language's primary subtag (`zh` -> `zh_TW`); no match is
`en`. The newest Luanti client sends `Accept-Language: <lang>, en;q=0.8`.

In the negotiated language, `title` and `short_description` (and the detail's `long_description`)
come from the package's translation when it has that text, else stay the package's own. A WIP
package's list text keeps ContentDB's "Work in Progress. " + the untranslated short description.
The answers carry `Vary: Accept-Language`, and the cached bodies are keyed by the negotiated
language (registry/contentdb/views/packages.py), never by the raw header, so a flood of odd headers
maps onto at most one entry per site language.
"""

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from packages.models import DevState, Language, Package, PackageTranslation

DEFAULT = "en"
MAX_HEADER = 512  # characters of Accept-Language read; real headers are a few dozen
MAX_ITEMS = 16
LANGUAGES_KEY = "cdb:language-ids"
LANGUAGES_SECONDS = 300


def site_languages() -> list[str]:
    """The ids of the site's languages, sorted; cached for a few minutes (an admin edits them)."""
    ids = cache.get_or_set(
        LANGUAGES_KEY,
        lambda: sorted(Language.objects.values_list("id", flat=True)),
        LANGUAGES_SECONDS,
    )
    return list(ids or [])


def parse_accept_language(header: str) -> list[tuple[str, float]]:
    """(tag, quality) pairs, highest quality first (stable); malformed items are skipped."""
    items: list[tuple[str, float]] = []
    for part in header[:MAX_HEADER].split(",")[:MAX_ITEMS]:
        tag, *params = (piece.strip() for piece in part.split(";"))
        if not tag:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        items.append((tag, quality))
    return sorted(items, key=lambda item: -item[1])


def _normal(tag: str) -> str:
    return tag.replace("-", "_").lower()


def _primary(tag: str) -> str:
    return tag.replace("-", "_").split("_", 1)[0]


def _best(items: list[tuple[str, float]], offered: list[str]) -> str | None:
    result, best_quality, best_specific = None, -1.0, -1
    for value in offered:
        for tag, quality in items:
            specific = int(tag != "*")
            if quality <= 0 or quality < best_quality:
                continue
            if quality == best_quality and specific <= best_specific:
                continue
            if tag == "*" or _normal(tag) == _normal(value):
                result, best_quality, best_specific = value, quality, specific
    return result


def best_match(header: str, offered: list[str]) -> str | None:
    items = parse_accept_language(header)
    if not items:
        return None
    found = _best(items, offered)
    if found is None:
        found = _best([(_primary(tag), quality) for tag, quality in items], offered)
    if found is None:
        primary = _best(items, [_primary(value) for value in offered])
        if primary is not None:
            found = next(v for v in offered if _normal(v).startswith(_normal(primary)))
    return found


def negotiated_language(request: HttpRequest) -> str:
    header = request.headers.get("Accept-Language", "").strip()
    if not header or _normal(header) in ("en", "en_us", "en_gb"):
        return DEFAULT  # the common cases, without a cache read
    return best_match(header, site_languages()) or DEFAULT


def _texts(package_ids: list[int], language: str) -> dict[int, PackageTranslation]:
    if language == DEFAULT or not package_ids:
        return {}
    return {
        t.package_id: t
        for t in PackageTranslation.objects.filter(
            package_id__in=package_ids, language_id=language
        ).only("package_id", "title", "short_description", "long_description")
    }


def translate_rows(rows: list[dict[str, Any]], language: str) -> None:
    """Put the translated title and short description into short-dict rows (one query)."""
    found = _texts([row["id"] for row in rows], language)
    for row in rows:
        translation = found.get(row["id"])
        if translation is None:
            continue
        row["title"] = translation.title or row["title"]
        if row["dev_state"] != DevState.WIP:  # ContentDB prefixes the untranslated text
            row["short_description"] = translation.short_description or row["short_description"]


def package_language_titles(package: Package) -> list[str]:
    """The titles of the package's languages other than English, by code (the client's
    "Languages" line, after "English")."""
    return [title for title in package.languages.exclude(id="en").values_list("title", flat=True)]


def translate_package_dict(data: dict[str, Any], *, package_id: int, language: str) -> None:
    """Put the translated title and descriptions into a detail or for-client dict."""
    translation = _texts([package_id], language).get(package_id)
    if translation is None:
        return
    data["title"] = translation.title or data["title"]
    data["short_description"] = translation.short_description or data["short_description"]
    data["long_description"] = translation.long_description or data["long_description"]
