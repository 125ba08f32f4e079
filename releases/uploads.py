"""Upload use cases of the LuaRocks side: a rockspec makes or updates a release, a rock adds a file.

Both faces' callers (the path-key API today, web forms and admin later) use these two services. Each
evaluates and validates its input before touching the database, then writes rows and the stored file
in one transaction inside `files_removed_on_error()`: they appear together or not at all.

Case (docs/protocols/luarocks.md trap 10): package names are case-insensitive and stored lowercase
(`Package.name`, the author's spelling in `Package.title`). Versions keep the author's spelling in
`Release.name` and are matched case-insensitively, so `1.0RC1-1` is served as
`foo-1.0RC1-1.rockspec`, the name the client expects (luarocks.org lowercases it and then neither the
client's file-name check nor its rock upload works).
"""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from media_tools.limits import count_upload
from media_tools.links import is_web_url
from media_tools.storage import files_removed_on_error
from packages.aliases import check_key_free
from packages.errors import PackageNameReserved
from packages.invalidation import invalidate_rock_manifests
from packages.models import Package, PackageState, PackageType
from packages.notifications import notify_new_release
from packages.ownership import claim_root_manifest_name
from packages.permissions import Action, can, refusal_message
from releases.errors import InvalidRock, NotOwner, ReleaseExists, UploadNotAllowed
from releases.models import FileKind, Release, ReleaseFile, RockDependency
from releases.rock_names import RESERVED_ARCHES, rock_filename
from releases.rockspecs import MANIFEST_STRING, Rockspec, parse_rockspec
from releases.storage import save_release_file

NOT_ALLOWED = "Your account may not upload rocks"
NO_PERMISSION = "Don't have permission to edit"
INVALID_CHARACTERS = (
    "contains invalid characters, only alphanumeric, period, underscore, and hyphen allowed"
)
RESERVED_ARCH_MESSAGES = {
    "rockspec": "Arch rockspec is reserved for the rockspec itself",  # {arch = "rockspec"}
    "installed": "Arch installed is reserved for rocks installed on the client",
}


@dataclass(frozen=True)
class RockspecUpload:
    package: Package
    release: Release
    rockspec: ReleaseFile
    is_new_package: bool
    is_new_release: bool


@dataclass(frozen=True)
class RockUpload:
    release: Release
    rock: ReleaseFile
    is_new_arch: bool


def upload_rockspec(
    *,
    by: User,
    filename: str,
    content: bytes,
    rate_limited: bool = True,
    replace: bool = True,
) -> RockspecUpload:
    """Add or overwrite a version of `by`'s rock from a rockspec.

    The rock is the user's own package named `lower(package)`, created on first upload (type ROCK,
    approved, in the root manifest if no other user's rock holds that name). An existing version
    (matched case-insensitively) gets the new rockspec and its revision bumped. `filename` is the name
    the file was uploaded as; it is not trusted: the stored name is `<name>-<version>.rockspec`.
    Raises InvalidRockspec, UploadNotAllowed, UploadLimitReached; ReleaseExists when `replace`
    is false and the version exists (checked under the lock: an import never overwrites).

    `rate_limited=False` is the operator's authority (the import commands, docs/operations.md):
    the upload is not counted against the account's upload limit. No face passes it.
    """
    if rate_limited:
        count_upload(user_id=by.pk)
    spec = parse_rockspec(content)  # untrusted Lua runs before any row is locked
    with files_removed_on_error():
        return _store_rockspec(by=by, spec=spec, content=content, replace=replace)


def upload_rock(
    *,
    by: User,
    release: Release,
    filename: str,
    content: bytes,
    rate_limited: bool = True,
    replace: bool = True,
) -> RockUpload:
    """Store a rock `<name>-<version>.<arch>.rock` for a release: one per arch, re-upload overwrites.

    Allowed for the package's author and maintainers and for editors and above. The arch comes from
    the file name; the content is not inspected (as on luarocks.org). Raises InvalidRock, NotOwner,
    UploadNotAllowed (the package was deleted by moderation), UploadLimitReached; ReleaseExists
    when `replace` is false and the arch is there. `rate_limited` as in upload_rockspec.
    """
    if rate_limited:
        count_upload(user_id=by.pk)
    package = release.package
    if package.type != PackageType.ROCK or not can(by, Action.MAKE_RELEASE, package):
        raise NotOwner(refusal_message(by, Action.MAKE_RELEASE, package, default=NO_PERMISSION))
    if package.state == PackageState.DELETED:
        raise UploadNotAllowed(_deleted(package))
    version, arch = parse_rock_filename(module_name=package.name, filename=filename)
    # the release's version follows the luarocks rule (rock_names), so this holds the rock's to it
    if version.lower() != release.name.lower():
        raise InvalidRock(f"Rock doesn't match version {release.name}")
    with files_removed_on_error():
        return _store_rock(release=release, arch=arch, content=content, replace=replace)


def parse_rock_filename(*, module_name: str, filename: str) -> tuple[str, str]:
    """(version, arch) from `<module>-<version>.<arch>.rock`; messages as luarocks.org
    (docs/protocols/luarocks.md 2.4).

    The arch comes back lowercase: the client names its platforms in lowercase (`linux-x86_64`), and
    `ALL` beside `all` would be two files for what is one arch to everybody.
    """
    # re.ASCII: with Unicode case folding the Kelvin sign would match a `k` in the module name
    match = re.fullmatch(
        re.escape(module_name) + r"-(.*?)\.([^.]+)\.rock",
        filename,
        re.IGNORECASE | re.DOTALL | re.ASCII,
    )
    if not match:
        raise InvalidRock(f"Filename must be in format `{module_name}-VERSION.ARCH.rock`")
    version, arch = match.groups()
    if not MANIFEST_STRING.fullmatch(version.encode("utf-8")):
        raise InvalidRock(f"Version {INVALID_CHARACTERS}")
    if not MANIFEST_STRING.fullmatch(arch.encode("utf-8")):
        raise InvalidRock(f"Arch {INVALID_CHARACTERS}")
    arch = arch.lower()
    if arch in RESERVED_ARCHES:
        raise InvalidRock(RESERVED_ARCH_MESSAGES[arch])
    return version, arch


@transaction.atomic
def _store_rockspec(*, by: User, spec: Rockspec, content: bytes, replace: bool) -> RockspecUpload:
    # One upload per user at a time (a row lock on PostgreSQL; SQLite serialises writers anyway), so
    # two concurrent first uploads of the same rock cannot both create it.
    User.objects.select_for_update().filter(pk=by.pk).first()
    package = (
        Package.objects.select_for_update()
        .filter(author=by, type=PackageType.ROCK, name__iexact=spec.name)
        .first()
    )
    is_new_package = package is None
    if package is None:
        if not can(by, Action.CREATE_PACKAGE):
            raise UploadNotAllowed(refusal_message(by, Action.CREATE_PACKAGE, default=NOT_ALLOWED))
        try:  # an old name of a transferred rock leads to it: a moderator frees it, not an upload
            check_key_free(author=by.username, name=spec.name, rock=True)
        except PackageNameReserved as reserved:
            raise UploadNotAllowed(str(reserved)) from None
        package = _create_package(by=by, spec=spec)
    elif package.state == PackageState.DELETED:
        raise UploadNotAllowed(_deleted(package))
    elif not can(by, Action.MAKE_RELEASE, package):
        raise UploadNotAllowed(
            refusal_message(by, Action.MAKE_RELEASE, package, default=NOT_ALLOWED)
        )

    release = (
        Release.objects.select_for_update()
        .filter(package=package, name__iexact=spec.version)
        .first()
    )
    is_new_release = release is None
    if release is not None and not replace:
        raise ReleaseExists(f"Version {release.name} of {package.name} already exists")
    manifests_change = is_new_package or is_new_release
    if release is None:
        now = timezone.now()
        release = Release.objects.create(
            package=package,
            name=spec.version,
            title=spec.version,
            approved=True,
            approved_at=now,
            lua_constraint=spec.lua_constraint,
            is_development=spec.is_development,
            source_url=spec.source_url,
            created_at=now,
        )
    else:
        renamed = release.name != spec.version  # same version, other spelling: manifest keys change
        manifests_change = renamed or release.lua_constraint != spec.lua_constraint
        release.name = spec.version
        release.title = spec.version
        release.lua_constraint = spec.lua_constraint
        release.is_development = spec.is_development
        release.source_url = spec.source_url
        release.revision += 1
        release.save()
        release.rock_dependencies.all().delete()
        if renamed:
            _rename_rocks(package=package, release=release)
    RockDependency.objects.bulk_create(
        RockDependency(release=release, name=d.name, constraint=d.constraint)
        for d in spec.dependencies
    )
    rockspec, _ = save_release_file(
        release=release, kind=FileKind.ROCKSPEC, filename=spec.filename, content=content
    )
    if not is_new_package and _is_latest(release):
        _describe(package=package, spec=spec)
        package.save()
    if manifests_change:
        invalidate_rock_manifests(author_id=package.author_id)
    if is_new_release and not is_new_package:  # a rock is public at once: its watchers hear of it
        notify_new_release(package=package, release_title=spec.version, by=by)
    return RockspecUpload(
        package=package,
        release=release,
        rockspec=rockspec,
        is_new_package=is_new_package,
        is_new_release=is_new_release,
    )


def _deleted(package: Package) -> str:
    return f"Module {package.name} was deleted; ask a moderator to restore it"


def _create_package(*, by: User, spec: Rockspec) -> Package:
    # Rocks are public on upload as on luarocks.org; moderation can hide them afterwards.
    package = Package(author=by, name=spec.name, type=PackageType.ROCK)
    package.state = PackageState.APPROVED
    package.approved_at = timezone.now()
    _describe(package=package, spec=spec)
    package.save()
    claim_root_manifest_name(package=package)
    return package


def _describe(*, package: Package, spec: Rockspec) -> None:
    """The package shows what its newest rockspec says."""
    package.title = spec.package
    package.short_description = spec.summary
    package.long_description = spec.detailed
    package.declared_license = spec.license
    # a rockspec may say anything; only a web address is kept as the package's website (the
    # rockspec itself still shows what it said)
    package.website = spec.homepage if is_web_url(spec.homepage) else None
    package.labels = list(spec.labels)


def _is_latest(release: Release) -> bool:
    latest = release.package.releases.order_by("-created_at", "-id").values_list("pk", flat=True)
    return latest.first() == release.pk


def _rename_rocks(*, package: Package, release: Release) -> None:
    rocks = list(release.files.filter(kind=FileKind.ROCK))
    for rock in rocks:
        rock.filename = rock_filename(name=package.name, version=release.name, arch=rock.arch)
    ReleaseFile.objects.bulk_update(rocks, ["filename"])


@transaction.atomic
def _store_rock(*, release: Release, arch: str, content: bytes, replace: bool) -> RockUpload:
    release = Release.objects.select_for_update().select_related("package").get(pk=release.pk)
    package = release.package
    if not replace and release.files.filter(kind=FileKind.ROCK, arch=arch).exists():
        raise ReleaseExists(f"The {arch} rock of {package.name} {release.name} already exists")
    # the public name is what the client builds from the manifest: <name>-<version>.<arch>.rock
    filename = rock_filename(name=package.name, version=release.name, arch=arch)
    rock, created = save_release_file(
        release=release, kind=FileKind.ROCK, filename=filename, content=content, arch=arch
    )
    if created:  # a new arch is a new manifest entry; an overwrite changes no manifest
        invalidate_rock_manifests(author_id=package.author_id)
    return RockUpload(release=release, rock=rock, is_new_arch=created)
