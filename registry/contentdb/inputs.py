"""The ContentDB face's wire parsing: request bodies and query values as ContentDB clients send them,
turned into the typed inputs of the domain services (docs/protocols/contentdb.md section 3).

A package body (POST /api/packages/, PUT /api/packages/<a>/<n>/) accepts every documented key with
ContentDB's aliases (`short_desc`, `issueTracker`, `desc`); `$`-keys and the read-only keys of the
detail dict are ignored; unknown keys, nulls where a value is needed and values of the wrong JSON
type are refused with ContentDB's messages. `forum_url` is read for its topic id (`forums`). What
the values may be (lengths, links, licenses, tags) is the domain's rule (packages.package_edits),
the same for the web forms.
"""

from typing import Any
from urllib.parse import parse_qs, urlsplit

from packages import package_edits
from packages.package_edits import PackageChanges
from registry.contentdb.base import ContentDBError

ALIASES = {
    "short_desc": "short_description",
    "issueTracker": "issue_tracker",
    "desc": "long_description",
}
READ_ONLY = frozenset(
    [
        "author",
        "approved_at",
        "created_at",
        "downloads",
        "game_support",
        "maintainers",
        "provides",
        "release",
        "score",
        "screenshots",
        "state",
        "supports_all_games",
        "thumbnail",
        "url",
        "video_thumbnail_url",
    ]
)
NULLABLE = package_edits.NULLABLE | {"forum_url"}
EXPECTED: dict[str, type] = {
    "type": str,
    "title": str,
    "name": str,
    "short_description": str,
    "dev_state": str,
    "ai_disclosure": str,
    "tags": list,
    "content_warnings": list,
    "license": str,
    "media_license": str,
    "long_description": str,
    "repo": str,
    "website": str,
    "issue_tracker": str,
    "forum_url": str,
    "forums": int,
    "video_url": str,
    "donate_url": str,
    "translation_url": str,
}
TYPE_NAMES = {int: "int", str: "str", list: "list"}
YES = frozenset({"true", "yes", "on", "1"})


def is_yes(value: object, *, default: bool = False) -> bool:
    """ContentDB's `is_yes`: true/yes/on/1 in any case, or JSON true; anything else is false, and
    an absent value (None) is `default`."""
    if value is None:
        return default
    return value is True or (isinstance(value, str) and value.strip().lower() in YES)


def json_object(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ContentDBError("Expected a JSON object", 400)
    return data


def package_changes(data: object, *, ignore: frozenset[str] = frozenset()) -> PackageChanges:
    """The changes a package body asks for; keys in `ignore` are left out as if absent."""
    body = json_object(data)
    changes: dict[str, Any] = {}
    for key, value in body.items():
        if not isinstance(key, str) or key.startswith("$") or key in READ_ONLY or key in ignore:
            continue
        target = ALIASES.get(key, key)
        if target not in EXPECTED:
            raise ContentDBError(f"{key} is not a known field", 400)
        changes[target] = value
    for alias, target in ALIASES.items():
        if alias in body and target in body and body[alias] != body[target]:
            message = f"Aliased field ({alias}) does not match new field ({target})"
            raise ContentDBError(message, 403)  # ContentDB's status for this one
    for key, value in changes.items():
        if value is None:
            if key not in NULLABLE:
                raise ContentDBError(f"{key} must not be null", 400)
            continue
        expected = EXPECTED[key]
        if isinstance(value, bool) or not isinstance(value, expected):
            raise ContentDBError(f"{key} must be a {TYPE_NAMES[expected]}", 400)
    if "forum_url" in changes:
        topic = _forum_topic(changes.pop("forum_url"))
        if "forums" in changes and changes["forums"] != topic:
            raise ContentDBError("forums and forum_url name different topics", 400)
        changes["forums"] = topic
    return PackageChanges(**changes)


def _forum_topic(value: str | None) -> int | None:
    """The topic id in a forum link (`...viewtopic.php?t=123`); None for an empty link."""
    if value is None or value.strip() == "":
        return None
    topic = next(iter(parse_qs(urlsplit(value).query).get("t", [])), None)
    if topic is None or not topic.isdigit():
        raise ContentDBError("Invalid forum_url - missing t", 400)
    return int(topic)
