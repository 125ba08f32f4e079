"""`manage.py import_rocks SOURCE --owner USER`: rockspecs and rocks from a folder or a rocks server.

Every file goes through the services the upload API calls (`releases.uploads.upload_rockspec`,
`upload_rock`), so it meets the same validation (the Lua sandbox, names, versions, arches,
permissions), with two differences that are the operator's authority and are asked for explicitly:
`rate_limited=False` (the account's upload limit does not apply) and `replace=False` (an existing
version or rock is never overwritten, checked under the service's lock).

Idempotent and so resumable: before uploading, the owner's existing rockspec or rock of that
version (and arch) is compared by SHA-256: the same bytes are `unchanged`, other bytes `refused`
("not overwritten"). A run stopped half-way leaves whole items only (each service is one
transaction), and the next run imports what is missing.

Order: rockspecs first, by name and then version, oldest first (so the package shows what its newest
rockspec says, as after uploads in that order), then rocks. A rock whose version has no rockspec
yet brings its own: every `.rock` is a zip holding `<name>-<version>.rockspec`, which is imported
first (reported as a rockspec item "from <rock>").

Sources (docs/operations.md):
- a folder: `*.rockspec` and `*.rock` in it (not in sub-folders);
- an `http(s)://` URL of a rocks server: its `<URL>/manifest` is read (registry.luarocks
  .manifest_reader, never run), and each listed file fetched from `<URL>/<file>` under the git
  import's URL rules (releases.remote_files).
"""

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from accounts.models import User
from media_tools.errors import LimitReached
from packages.errors import PackagesError
from registry.common.imports import Outcome, Progress, Report
from registry.luarocks.manifest_reader import ManifestSyntaxError, read_manifest
from releases.errors import InvalidRockspec, ReleasesError
from releases.models import FileKind
from releases.remote_files import fetch
from releases.rock_names import parse_public_filename, rock_filename, rockspec_filename
from releases.rockspecs import MAX_ROCKSPEC_SIZE, parse_rockspec
from releases.selectors import rock_release, rockspec_file, user_rock
from releases.uploads import upload_rock, upload_rockspec
from releases.versions import sort_versions

MAX_MANIFEST_SIZE = 64 * 1024 * 1024  # luarocks.org's root manifest is a few MiB
DOMAIN_ERRORS = (ReleasesError, PackagesError, LimitReached)


class SourceError(Exception):
    """The source as a whole cannot be read (no such folder, a refused URL, a broken manifest)."""


@dataclass(frozen=True)
class SourceFile:
    filename: str  # as the source names it
    name: str  # package name from the file name ("" when the name does not parse)
    version: str
    arch: str  # "rockspec" for a rockspec
    read: Callable[[], bytes]

    @property
    def is_rockspec(self) -> bool:
        return self.arch == "rockspec"


def _parsed(filename: str) -> tuple[str, str, str]:
    parsed = parse_public_filename(filename)
    if parsed is None:
        return "", "", "rockspec" if filename.endswith(".rockspec") else ""
    return parsed.name, parsed.version, parsed.arch or "rockspec"


def folder_files(folder: Path) -> list[SourceFile]:
    if not folder.is_dir():
        raise SourceError(f"{folder} is not a folder")
    files = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or not path.name.endswith((".rockspec", ".rock")):
            continue
        name, version, arch = _parsed(path.name)
        limit = MAX_ROCKSPEC_SIZE if arch == "rockspec" else settings.MAX_UPLOAD_SIZE
        files.append(SourceFile(path.name, name, version, arch, _file_reader(path, limit)))
    return files


def _file_reader(path: Path, limit: int) -> Callable[[], bytes]:
    def read() -> bytes:
        if path.stat().st_size > limit:
            raise ReleasesError(f"larger than {limit} bytes")
        return path.read_bytes()

    return read


def server_files(url: str) -> list[SourceFile]:
    base = url.rstrip("/")
    try:
        manifest = read_manifest(fetch(f"{base}/manifest", max_size=MAX_MANIFEST_SIZE))
    except ReleasesError as error:
        raise SourceError(f"The manifest could not be read: {error.message}") from None
    except ManifestSyntaxError as error:
        raise SourceError(f"The manifest is not a Lua manifest: {error}") from None
    repository = manifest.get("repository")
    if not isinstance(repository, dict):
        raise SourceError("The manifest has no repository table")
    files = []
    for name, versions in repository.items():
        if not isinstance(name, str) or not isinstance(versions, dict):
            continue
        for version, entries in versions.items():
            if not isinstance(version, str) or not isinstance(entries, list):
                continue
            for entry in entries:
                arch = entry.get("arch") if isinstance(entry, dict) else None
                if not isinstance(arch, str):
                    continue
                if arch == "rockspec":
                    filename = rockspec_filename(name=name, version=version)
                    limit = MAX_ROCKSPEC_SIZE
                else:
                    filename = rock_filename(name=name, version=version, arch=arch)
                    limit = settings.MAX_UPLOAD_SIZE
                files.append(
                    SourceFile(filename, name, version, arch, _url_reader(base, filename, limit))
                )
    return files


def _url_reader(base: str, filename: str, limit: int) -> Callable[[], bytes]:
    return lambda: fetch(f"{base}/{filename}", max_size=limit)


def source_files(source: str) -> list[SourceFile]:
    if "://" in source:
        return server_files(source)
    return folder_files(Path(source))


def _ordered(files: Iterable[SourceFile]) -> list[SourceFile]:
    """Rockspecs (by name, then version oldest first), then rocks in the same order."""
    files = list(files)
    by_name: dict[str, list[str]] = {}
    for f in files:
        if f.version:
            by_name.setdefault(f.name, []).append(f.version)
    rank = {
        (name, version): index
        for name, versions in by_name.items()
        for index, version in enumerate(sort_versions(set(versions)))
    }

    def key(f: SourceFile) -> tuple:
        return (not f.is_rockspec, f.name, rank.get((f.name, f.version), -1), f.arch, f.filename)

    return sorted(files, key=key)


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class RockImport:
    def __init__(self, *, owner: User, report: Report) -> None:
        self.owner = owner
        self.report = report

    def run(self, files: list[SourceFile], *, progress: Progress | None = None) -> Report:
        for source in _ordered(files):
            if progress is not None:
                progress.step(source.filename)
            try:
                content = source.read()
            except DOMAIN_ERRORS as error:
                self._refuse(source, error.message)
                continue
            if source.is_rockspec:
                self.rockspec(source.filename, content, expected=(source.name, source.version))
            else:
                self.rock(source, content)
        return self.report

    def _refuse(self, source: SourceFile, reason: str) -> None:
        kind = "rockspec" if source.is_rockspec else "rock"
        self.report.add(kind, source.filename, Outcome.REFUSED, reason)

    def rockspec(
        self, filename: str, content: bytes, *, expected: tuple[str, str], label: str = ""
    ) -> bool:
        """Import one rockspec; True when its version is there afterwards."""
        shown = label or filename
        try:
            spec = parse_rockspec(content)
        except InvalidRockspec as error:
            self.report.add("rockspec", shown, Outcome.REFUSED, error.message)
            return False
        name, version = expected
        if name and (name.lower(), version.lower()) != (spec.name.lower(), spec.version.lower()):
            reason = f"the file name says {name} {version}, the rockspec {spec.name} {spec.version}"
            self.report.add("rockspec", shown, Outcome.REFUSED, reason)
            return False
        package = user_rock(user=self.owner, name=spec.name)
        release = rock_release(package=package, version=spec.version) if package else None
        existing = rockspec_file(release=release) if release else None
        if existing is not None:
            if existing.sha256 == _sha(content):
                self.report.add("rockspec", shown, Outcome.UNCHANGED)
                return True
            reason = f"{spec.name} {release.name if release else ''} exists with other content; not overwritten"
            self.report.add("rockspec", shown, Outcome.REFUSED, reason)
            return True
        try:
            upload_rockspec(
                by=self.owner, filename=filename, content=content, rate_limited=False, replace=False
            )
        except DOMAIN_ERRORS as error:
            self.report.add("rockspec", shown, Outcome.REFUSED, error.message)
            return False
        self.report.add("rockspec", shown, Outcome.IMPORTED)
        return True

    def rock(self, source: SourceFile, content: bytes) -> None:
        if not source.name:
            self._refuse(source, "the file name is not <name>-<version>.<arch>.rock")
            return
        release = self._release(source.name, source.version)
        if release is None:
            inner = _rockspec_in_rock(content, name=source.name, version=source.version)
            if inner is None:
                self._refuse(source, "no rockspec of this version, and the rock holds none")
                return
            label = f"{rockspec_filename(name=source.name, version=source.version)} (from {source.filename})"
            if not self.rockspec(
                inner[0], inner[1], expected=(source.name, source.version), label=label
            ):
                self._refuse(source, "its rockspec was refused")
                return
            release = self._release(source.name, source.version)
            if release is None:
                self._refuse(source, "no rockspec of this version")
                return
        existing = release.files.filter(kind=FileKind.ROCK, arch=source.arch.lower()).first()
        if existing is not None:
            if existing.sha256 == _sha(content):
                self.report.add("rock", source.filename, Outcome.UNCHANGED)
            else:
                reason = "this rock exists with other content; not overwritten"
                self.report.add("rock", source.filename, Outcome.REFUSED, reason)
            return
        try:
            upload_rock(
                by=self.owner,
                release=release,
                filename=source.filename,
                content=content,
                rate_limited=False,
                replace=False,
            )
        except DOMAIN_ERRORS as error:
            self._refuse(source, error.message)
            return
        self.report.add("rock", source.filename, Outcome.IMPORTED)

    def _release(self, name: str, version: str):
        package = user_rock(user=self.owner, name=name)
        return rock_release(package=package, version=version) if package else None


def _rockspec_in_rock(content: bytes, *, name: str, version: str) -> tuple[str, bytes] | None:
    """(file name, bytes) of `<name>-<version>.rockspec` at the top of a rock's zip, if any."""
    wanted = rockspec_filename(name=name, version=version).lower()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as rock:
            for info in rock.infolist():
                if info.filename.lower() == wanted and info.file_size <= MAX_ROCKSPEC_SIZE:
                    return info.filename, rock.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    return None
