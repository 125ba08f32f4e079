"""Creating a Luanti package and editing it with ContentDB's PUT rules (docs/protocols/contentdb.md section 3).

Every documented key is accepted, with ContentDB's aliases; `$`-keys and the read-only keys of the
detail dict are ignored; unknown keys and wrong types are refused. Unlike ContentDB, values that do
not fit (too long, a bad enum name, a malformed URL) are a 400 with a message, never a 500.

Length limits (why): ContentDB's columns are title 100, short description 200 and URLs 200
characters; we keep those so packages move between the two unchanged. The long description is
capped at 50,000 characters (ContentDB has no cap; that is ten times a long README and keeps one
request from filling the database).
"""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.audit import changes, record
from accounts.models import AuditSeverity, User
from media_tools.limits import count_upload
from packages.aliases import check_key_free, keep_old_name
from packages.errors import (
    InvalidPackageData,
    PackageEditDenied,
    PackageExists,
    ProtectedTagRefused,
)
from packages.models import (
    LUANTI_TYPES,
    AIDisclosure,
    ContentWarning,
    DevState,
    License,
    Package,
    PackageState,
    PackageType,
    Tag,
)
from packages.permissions import Action, can, is_own_package, refusal_message
from releases.cache import invalidate_luanti_lists

NAME = re.compile(r"[a-z0-9_]+")
MAX_NAME, MAX_TITLE, MAX_SHORT, MAX_URL, MAX_LONG = 100, 100, 200, 200, 50_000
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
NULLABLE = frozenset(
    [
        "tags",
        "content_warnings",
        "repo",
        "website",
        "issue_tracker",
        "forums",
        "forum_url",
        "video_url",
        "donate_url",
        "translation_url",
        "dev_state",
        "ai_disclosure",
    ]
)
EXPECTED: dict[str, type | tuple[type, ...]] = {
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
NO_EDIT = "You don't have permission to edit this package"
NO_RENAME = "You don't have permission to change the package name"
NO_RETYPE = "You cannot change package type once approved"
NO_CREATE_PERMISSION = "You do not have the permission to create packages"
ADD_PROTECTED = "Unable to add protected tag {title} to package"  # ContentDB's message, 400


def _fail(message: str) -> InvalidPackageData:
    return InvalidPackageData(message)


def normalise_changes(data: Any) -> dict[str, Any]:
    """Apply aliases, drop ignored keys, check the key set and each value's JSON type."""
    if not isinstance(data, dict):
        raise _fail("Expected a JSON object")
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str) or key.startswith("$") or key in READ_ONLY:
            continue
        target = ALIASES.get(key, key)
        if target not in EXPECTED:
            raise _fail(f"{key} is not a known field")
        changes[target] = value
    for alias, target in ALIASES.items():
        if alias in data and target in data and data[alias] != data[target]:
            raise PackageEditDenied(f"Aliased field ({alias}) does not match new field ({target})")
    for key, value in changes.items():
        if value is None:
            if key not in NULLABLE:
                raise _fail(f"{key} must not be null")
            continue
        expected = EXPECTED[key]
        if isinstance(value, bool) or not isinstance(value, expected):
            raise _fail(f"{key} must be a {TYPE_NAMES[expected]}")
    return changes


def _text(key: str, value: str, limit: int, *, one_line: bool = True) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if one_line:
        value = value.strip()
    if len(value) > limit:
        raise _fail(f"{key} must be at most {limit} characters")
    if "\x00" in value or (one_line and "\n" in value):
        raise _fail(f"{key} must be a single line of text")
    return value


def _url(key: str, value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    value = _text(key, value, MAX_URL)
    if not value.lower().startswith(("http://", "https://")):
        raise _fail(f"{key} must start with http:// or https://")
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as error:
        raise _fail(f"{key} is not a valid URL") from error
    return value


def _youtube(value: str | None) -> str | None:
    """ContentDB stores YouTube links in one form so that it can show their thumbnails."""
    value = _url("video_url", value)
    if value is None:
        return None
    parts = urlsplit(value)
    host = parts.netloc.lower().removeprefix("www.")
    video = None
    if host == "youtu.be":
        video = parts.path.strip("/")
    elif host in ("youtube.com", "m.youtube.com") and parts.path == "/watch":
        video = (parse_qs(parts.query).get("v") or [None])[0]
    if video and re.fullmatch(r"[A-Za-z0-9_-]+", video):
        return f"https://www.youtube.com/watch?v={video}"
    return value


def _enum(key: str, value: str | None, choices) -> str | None:
    if value is None or value.strip().lower() in ("", "none", "null"):
        return None
    wanted = value.strip().upper()
    if wanted not in choices.values:
        raise _fail(f"{key} must be one of {', '.join(choices.values)}")
    return wanted


def _type(value: str) -> str:
    wanted = value.strip().upper()
    if wanted not in LUANTI_TYPES:
        raise _fail("type must be one of mod, game, txp")
    return wanted


def _license(key: str, value: str) -> License:
    # bounded before the query: SQLite refuses a LIKE pattern over 50,000 bytes (a 500)
    found = (
        License.objects.filter(name__iexact=value.strip()).first() if len(value) <= 100 else None
    )
    if found is None:
        raise _fail(f"Unknown license {value[:100]}")
    return found


def _named(model, key: str, values: list | None, word: str) -> list:
    if values is None:
        return []
    rows = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _fail(f"{key} must be a list of names")
        row = model.objects.filter(pk=value).first() if isinstance(value, int) else None
        row = row or model.objects.filter(name=str(value)).first()
        if row is None:
            raise _fail(f"Unknown {word}: {value}")
        if row not in rows:
            rows.append(row)
    return rows


def _forums(value: int | None) -> int | None:
    if value is not None and not 0 < value < 2**31:
        raise _fail("forums must be a positive topic id")
    return value


def _forum_url(value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    topic = (parse_qs(urlsplit(value).query).get("t") or [None])[0]
    if topic is None or not topic.isdigit():
        raise _fail("Invalid forum_url - missing t")
    return _forums(int(topic))


SCALARS: dict[str, Callable[[Any], Any]] = {
    "title": lambda v: _text("title", v, MAX_TITLE) or _raise(_fail("title must not be empty")),
    "short_description": lambda v: _text("short_description", v, MAX_SHORT),
    "long_description": lambda v: _text("long_description", v, MAX_LONG, one_line=False),
    "dev_state": lambda v: _enum("dev_state", v, DevState),
    "ai_disclosure": lambda v: _enum("ai_disclosure", v, AIDisclosure),
    "repo": lambda v: _url("repo", v),
    "website": lambda v: _url("website", v),
    "issue_tracker": lambda v: _url("issue_tracker", v),
    "donate_url": lambda v: _url("donate_url", v),
    "translation_url": lambda v: _url("translation_url", v),
    "video_url": _youtube,
    "forums": _forums,
}


def _raise(error: Exception):
    raise error


def _validated(changes: dict[str, Any]) -> dict[str, Any]:
    """Turn checked JSON values into model values (license rows, tag rows, enum names)."""
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key in SCALARS:
            out[key] = SCALARS[key](value)
        elif key == "forum_url":
            out["forums"] = _forum_url(value)
        elif key == "type":
            out["type"] = _type(value)
        elif key == "name":
            name = value.strip()
            if not NAME.fullmatch(name) or len(name) > MAX_NAME:
                raise _fail("name must be 1-100 characters of a-z, 0-9 and _")
            out["name"] = name
        elif key in ("license", "media_license"):
            out[key] = _license(key, value)
        elif key == "tags":
            out["tags"] = _named(Tag, key, value, "tag")
        elif key == "content_warnings":
            out["content_warnings"] = _named(ContentWarning, key, value, "warning")
    if "forums" in changes and "forum_url" in changes and out["forums"] != changes["forums"]:
        raise _fail("forums and forum_url name different topics")
    return out


def _snapshot(package: Package) -> dict[str, Any]:
    fields = {f: getattr(package, f) for f in SCALARS}
    fields.update(
        name=package.name,
        type=package.type,
        license=package.license_id,
        media_license=package.media_license_id,
    )
    if package.pk:
        fields["tags"] = sorted(package.tags.values_list("pk", flat=True))
        fields["content_warnings"] = sorted(package.content_warnings.values_list("pk", flat=True))
    return fields


def _apply(package: Package, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key not in ("tags", "content_warnings"):
            setattr(package, key, value)
    if package.type == PackageType.TXP and package.media_license_id:
        package.license = package.media_license  # ContentDB: one license for a texture pack


def _check_name_free(package: Package) -> None:
    """The author has no other Luanti package of that name, and the key is nobody's old name."""
    taken = (
        Package.objects.filter(author_id=package.author_id, name__iexact=package.name)
        .exclude(type=PackageType.ROCK)
        .exclude(pk=package.pk)
        .exists()
    )
    if taken:
        raise PackageExists(f"You already have a package called {package.name}")
    check_key_free(
        author=package.author.username,
        name=package.name,
        rock=False,
        package=package if package.pk else None,
    )


def _tags_by_rank(*, by: User, old: list[Tag], new: list[Tag]) -> list[Tag]:
    """Only editors add or remove a protected tag. Adding one is refused (ContentDB's answer); one
    the package has stays when someone else's list leaves it out, as ContentDB's API kept it, so
    an author's own tag list (which cannot hold it) still saves."""
    if can(by, Action.CHANGE_PROTECTED_TAGS):
        return new
    for tag in new:
        if tag.is_protected and tag not in old:
            raise ProtectedTagRefused(ADD_PROTECTED.format(title=tag.title))
    return new + [tag for tag in old if tag.is_protected and tag not in new]


@transaction.atomic
def create_package(
    *,
    author: User,
    type: str,
    name: str,
    title: str,
    short_description: str,
    license: str,
    media_license: str,
    **fields: Any,
) -> Package:
    """A new Luanti package in the work-in-progress state (public once approved)."""
    count_upload(user_id=author.pk)  # a new package counts as an upload (media_tools.limits)
    if not can(author, Action.CREATE_PACKAGE):
        raise PackageEditDenied(
            refusal_message(author, Action.CREATE_PACKAGE, default=NO_CREATE_PERMISSION)
        )
    changes = normalise_changes(
        {
            **fields,
            "type": type,
            "name": name,
            "title": title,
            "short_description": short_description,
            "license": license,
            "media_license": media_license,
        }
    )
    values = _validated(changes)
    if "tags" in values:
        values["tags"] = _tags_by_rank(by=author, old=[], new=values["tags"])
    package = Package(author=author, state=PackageState.WIP, created_at=timezone.now())
    _apply(package, values)
    _check_name_free(package)
    package.save()
    package.tags.set(values.get("tags", []))
    package.content_warnings.set(values.get("content_warnings", []))
    package.maintainers.add(author)
    invalidate_luanti_lists()
    return package


@transaction.atomic
def update_package(*, package: Package, by: User, changes: dict) -> tuple[Package, bool]:
    """Apply a PUT body; returns (package, was_modified). Nothing is saved when nothing changed."""
    package = Package.objects.select_for_update().select_related("author").get(pk=package.pk)
    if package.type not in LUANTI_TYPES or not can(by, Action.EDIT_PACKAGE, package):
        raise PackageEditDenied(NO_EDIT)
    values = _validated(normalise_changes(changes))
    if "tags" in values:
        values["tags"] = _tags_by_rank(by=by, old=list(package.tags.all()), new=values["tags"])
    before = _snapshot(package)
    old_name = package.name
    _apply(package, values)
    if package.name != old_name:
        if package.is_approved and not can(by, Action.RENAME_APPROVED_PACKAGE, package):
            raise PackageEditDenied(NO_RENAME)
        _check_name_free(package)
    retyped = package.type != before["type"]
    if (
        retyped
        and package.is_approved
        and not can(by, Action.CHANGE_TYPE_OF_APPROVED_PACKAGE, package)
    ):
        raise PackageEditDenied(NO_RETYPE)
    after = _snapshot(package)
    for key in ("tags", "content_warnings"):
        if key in values:
            after[key] = sorted(row.pk for row in values[key])
    if after == before:
        return package, False
    if package.name != old_name and package.is_approved:
        keep_old_name(package=package, author=package.author.username, name=old_name)
    package.save()
    for key in ("tags", "content_warnings"):
        if key in values:
            getattr(package, key).set(values[key])
    _audit_edit(by=by, package=package, before=before, after=after, old_name=old_name)
    invalidate_luanti_lists()
    return package, True


def _audit_edit(*, by: User, package: Package, before: dict, after: dict, old_name: str) -> None:
    """ContentDB logs every edit with its diff; a rename is a security-relevant event (#10)."""
    renamed = package.name != old_name
    record(
        causer=by,
        action="package.rename" if renamed else "package.edit",
        title=f"Renamed {old_name} to {package.name}" if renamed else f"Edited {package.title}",
        severity=AuditSeverity.NORMAL if is_own_package(by, package) else AuditSeverity.EDITOR,
        package=package,
        diff=changes(before, after),
    )
