"""Creating a Luanti package and editing it, with ContentDB's rules for the values
(docs/protocols/contentdb.md section 3), whichever face asks: the ContentDB API parses its body into
`PackageChanges` (registry.contentdb.inputs), the web form fills one in.

Unlike ContentDB, values that do not fit (too long, a bad enum name, a malformed URL) are refused
with a message naming the field (InvalidPackageData.field), never a 500.

Length limits (why): ContentDB's columns are title 100, short description 200 and URLs 200
characters; we keep those so packages move between the two unchanged. The long description is
capped at 50,000 characters (ContentDB has no cap; that is ten times a long README and keeps one
request from filling the database).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone

from accounts.audit import changes as diff_of
from accounts.audit import record
from accounts.models import User
from media_tools.limits import count_upload
from media_tools.links import youtube_video_id
from packages.aliases import check_key_free, keep_old_name
from packages.errors import (
    InvalidPackageData,
    PackageEditDenied,
    PackageExists,
    ProtectedTagRefused,
)
from packages.history import change_severity
from packages.invalidation import invalidate_luanti_lists
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
from packages.permissions import Action, can, refusal_message

NamedRow = TypeVar("NamedRow", Tag, ContentWarning)
NAME = re.compile(r"[a-z0-9_]+")
MAX_NAME, MAX_TITLE, MAX_SHORT, MAX_URL, MAX_LONG = 100, 100, 200, 200, 50_000
REQUIRED = ("type", "name", "title", "short_description", "license", "media_license")
# The fields an edit may clear (None); the others need a value.
NULLABLE = frozenset(
    [
        "tags",
        "content_warnings",
        "repo",
        "website",
        "issue_tracker",
        "forums",
        "video_url",
        "donate_url",
        "translation_url",
        "dev_state",
        "ai_disclosure",
    ]
)
NO_EDIT = "You don't have permission to edit this package"
NO_RENAME = "You don't have permission to change the package name"
NO_RETYPE = "You cannot change package type once approved"
NO_CREATE_PERMISSION = "You do not have the permission to create packages"
ADD_PROTECTED = "Unable to add protected tag {title} to package"  # ContentDB's message, 400


class Unset(Enum):
    """A field a change leaves as it is (a PUT body without that key)."""

    UNSET = "unset"


UNSET = Unset.UNSET
Named = Sequence[str | int]  # tags and content warnings, by name or by id


@dataclass(frozen=True, kw_only=True)
class PackageChanges:
    """What a create or an edit sets. A field left UNSET keeps its value; None clears a field that
    may be empty. Values are checked by the services (lengths, links, licenses, tags), whoever
    sends them: the ContentDB face parses its body into this (registry.contentdb.inputs), the web
    form fills it from its fields."""

    type: str | Unset = UNSET
    name: str | Unset = UNSET
    title: str | Unset = UNSET
    short_description: str | Unset = UNSET
    long_description: str | Unset = UNSET
    dev_state: str | Unset | None = UNSET
    ai_disclosure: str | Unset | None = UNSET
    license: str | Unset = UNSET
    media_license: str | Unset = UNSET
    tags: Named | Unset | None = UNSET
    content_warnings: Named | Unset | None = UNSET
    repo: str | Unset | None = UNSET
    website: str | Unset | None = UNSET
    issue_tracker: str | Unset | None = UNSET
    forums: int | Unset | None = UNSET
    video_url: str | Unset | None = UNSET
    donate_url: str | Unset | None = UNSET
    translation_url: str | Unset | None = UNSET

    def given(self) -> dict[str, Any]:
        """The fields this change sets, by name."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not UNSET
        }


def _fail(message: str, field: str | None = None) -> InvalidPackageData:
    return InvalidPackageData(message, field=field)


def _text(key: str, value: str, limit: int, *, one_line: bool = True) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if one_line:
        value = value.strip()
    if len(value) > limit:
        raise _fail(f"{key} must be at most {limit} characters", key)
    if "\x00" in value or (one_line and "\n" in value):
        raise _fail(f"{key} must be a single line of text", key)
    return value


def _url(key: str, value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    value = _text(key, value, MAX_URL)
    if not value.lower().startswith(("http://", "https://")):
        raise _fail(f"{key} must start with http:// or https://", key)
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as error:
        raise _fail(f"{key} is not a valid URL", key) from error
    return value


def _youtube(value: str | None) -> str | None:
    """ContentDB stores YouTube links in one form so that it can show their thumbnails."""
    value = _url("video_url", value)
    video = youtube_video_id(value)
    return f"https://www.youtube.com/watch?v={video}" if video else value


def _enum(key: str, value: str | None, choices: type[models.TextChoices]) -> str | None:
    if value is None or value.strip().lower() in ("", "none", "null"):
        return None
    wanted = value.strip().upper()
    if wanted not in choices.values:
        raise _fail(f"{key} must be one of {', '.join(choices.values)}", key)
    return wanted


def _type(value: str) -> str:
    wanted = value.strip().upper()
    if wanted not in LUANTI_TYPES:
        raise _fail("type must be one of mod, game, txp", "type")
    return wanted


def _license(key: str, value: str) -> License:
    # bounded before the query: SQLite refuses a LIKE pattern over 50,000 bytes (a 500)
    found = (
        License.objects.filter(name__iexact=value.strip()).first() if len(value) <= 100 else None
    )
    if found is None:
        raise _fail(f"Unknown license {value[:100]}", key)
    return found


def _named(model: type[NamedRow], key: str, values: Named | None, word: str) -> list[NamedRow]:
    if values is None:
        return []
    rows: list[NamedRow] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _fail(f"{key} must be a list of names", key)
        row = model.objects.filter(pk=value).first() if isinstance(value, int) else None
        row = row or model.objects.filter(name=str(value)).first()
        if row is None:
            raise _fail(f"Unknown {word}: {value}", key)
        if row not in rows:
            rows.append(row)
    return rows


def _forums(value: int | None) -> int | None:
    if value is not None and not 0 < value < 2**31:
        raise _fail("forums must be a positive topic id", "forums")
    return value


SCALARS: dict[str, Callable[[Any], Any]] = {
    "title": lambda v: (
        _text("title", v, MAX_TITLE) or _raise(_fail("title must not be empty", "title"))
    ),
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


def _raise(error: Exception) -> NoReturn:
    raise error


def _validated(changes: PackageChanges) -> dict[str, Any]:
    """Turn the given values into model values (license rows, tag rows, enum names)."""
    out: dict[str, Any] = {}
    for key, value in changes.given().items():
        if value is None and key not in NULLABLE:
            raise _fail(f"{key} must not be null", key)
        if key in SCALARS:
            out[key] = SCALARS[key](value)
        elif key == "type":
            out["type"] = _type(value)
        elif key == "name":
            name = value.strip()
            if not NAME.fullmatch(name) or len(name) > MAX_NAME:
                raise _fail("name must be 1-100 characters of a-z, 0-9 and _", "name")
            out["name"] = name
        elif key in ("license", "media_license"):
            out[key] = _license(key, value)
        elif key == "tags":
            out["tags"] = _named(Tag, key, value, "tag")
        elif key == "content_warnings":
            out["content_warnings"] = _named(ContentWarning, key, value, "warning")
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
def create_package(*, by: User, changes: PackageChanges, rate_limited: bool = True) -> Package:
    """A new Luanti package of `by` in the work-in-progress state (public once approved); `changes`
    must give every field of REQUIRED. `rate_limited=False` is the operator's authority (the
    import commands): not counted against the upload limit. No face passes it."""
    if rate_limited:
        count_upload(user_id=by.pk)  # a new package counts as an upload (media_tools.limits)
    if not can(by, Action.CREATE_PACKAGE):
        raise PackageEditDenied(
            refusal_message(by, Action.CREATE_PACKAGE, default=NO_CREATE_PERMISSION)
        )
    given = changes.given()
    for key in REQUIRED:
        if given.get(key) in (None, ""):
            raise _fail(f"{key} is required", key)
    values = _validated(changes)
    if "tags" in values:
        values["tags"] = _tags_by_rank(by=by, old=[], new=values["tags"])
    package = Package(author=by, state=PackageState.WIP, created_at=timezone.now())
    _apply(package, values)
    _check_name_free(package)
    package.save()
    package.tags.set(values.get("tags", []))
    package.content_warnings.set(values.get("content_warnings", []))
    package.maintainers.add(by)
    invalidate_luanti_lists()
    return package


@transaction.atomic
def update_package(*, package: Package, by: User, changes: PackageChanges) -> tuple[Package, bool]:
    """Apply `changes`; returns (package, was_modified). Nothing is saved when nothing changed."""
    package = Package.objects.select_for_update().select_related("author").get(pk=package.pk)
    if package.type not in LUANTI_TYPES or not can(by, Action.EDIT_PACKAGE, package):
        raise PackageEditDenied(NO_EDIT)
    values = _validated(changes)
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


def _audit_edit(
    *, by: User, package: Package, before: dict[str, Any], after: dict[str, Any], old_name: str
) -> None:
    """ContentDB logs every edit with its diff; a rename is a security-relevant event (#10)."""
    renamed = package.name != old_name
    record(
        causer=by,
        action="package.rename" if renamed else "package.edit",
        title=f"Renamed {old_name} to {package.name}" if renamed else f"Edited {package.title}",
        severity=change_severity(by=by, package=package),
        package=package,
        diff=diff_of(before, after),
    )
