"""`manage.py import_contentdb FILE`: packages, releases and screenshots from a ContentDB-shaped export.

The export format is defined in docs/protocols/contentdb.md section 9: a JSON array of package
detail dicts as `GET /api/packages/<a>/<n>/` answers them, each with `releases` (dicts as
`.../releases/` answers them) and `screenshots` (dicts as `.../screenshots/` answers them), and on
each release and screenshot a `file`: a path (relative to the export file) or an http(s) URL; without
one, its `url` is fetched when that is absolute.

Every write is the service an author's request reaches, acting as the package's author:
`packages.package_edits.create_package` / `update_package` (the body is read by this face's
`inputs.package_changes`, as a POST or PUT body), `packages.maintainers.set_maintainers`,
`releases.zip_releases.create_zip_release`, `packages.screenshots.add_screenshot`; so each meets the
same validation as an upload. The operator's authority adds two things, both explicit:
`rate_limited=False` (no upload limit, no releases-per-5-minutes or screenshots-per-30-minutes
limit) and the package's state: an export's APPROVED package is approved with
`packages.workflow.approve_package` (the operator's override), READY_FOR_REVIEW is submitted.

Idempotent and so resumable: users and packages are found by name; a release by name (the same zip
bytes are `unchanged`, other bytes `refused`: a release is never replaced); a screenshot by its
image bytes. A package that exists gets the export's fields (`updated`, or `unchanged` when they
are equal). A state set here (anything but work in progress) is never overridden.
"""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from accounts.models import User
from media_tools.errors import MediaToolsError
from packages.errors import PackagesError
from packages.maintainers import set_maintainers
from packages.models import LuantiVersion, Package, PackageState
from packages.package_edits import create_package, update_package
from packages.screenshots import add_screenshot
from packages.selectors import package_by_key
from packages.workflow import approve_package
from registry.common.imports import Outcome, Progress, Report, account
from registry.contentdb.base import ContentDBError
from registry.contentdb.inputs import package_changes
from releases.errors import ReleasesError
from releases.remote_files import fetch
from releases.selectors import release_zip
from releases.submission import submit_for_review
from releases.zip_releases import create_zip_release

DOMAIN_ERRORS = (ReleasesError, PackagesError, MediaToolsError)
EXPORT_ONLY = frozenset({"releases"})  # keys of the export that are no part of a package body


class ExportError(Exception):
    """The export as a whole cannot be read."""


def load_export(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_bytes())
    except OSError as error:
        raise ExportError(f"{path}: {error.strerror or error}") from None
    except ValueError as error:
        raise ExportError(f"{path} is not JSON: {error}") from None
    if not isinstance(data, list):
        raise ExportError(f"{path}: expected a JSON array of packages")
    return data


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _error_message(error: Exception) -> str:
    if isinstance(error, ContentDBError):
        return str(error.detail)
    return str(getattr(error, "message", error))


class ContentDBImport:
    def __init__(self, *, folder: Path, report: Report) -> None:
        self.folder = folder  # relative file paths are read from here
        self.report = report

    def run(self, packages: list[Any], *, progress: Progress | None = None) -> Report:
        for data in packages:
            key = (
                f"{data.get('author')}/{data.get('name')}" if isinstance(data, dict) else repr(data)
            )
            if progress is not None:
                progress.step(key)
            if not isinstance(data, dict):
                self.report.add("package", key[:100], Outcome.REFUSED, "not a JSON object")
                continue
            self.package(key, data)
        return self.report

    # --- one package -------------------------------------------------------------------------

    def package(self, key: str, data: dict[str, Any]) -> None:
        author = account(self.report, data.get("author"))
        if author is None:
            self.report.add("package", key, Outcome.REFUSED, "its author was refused")
            return
        name = data.get("name")
        existing = (
            package_by_key(author=author.username, name=name, rock=False)
            if isinstance(name, str)
            else None
        )
        if existing is not None and existing.state == PackageState.DELETED:
            self.report.add("package", key, Outcome.SKIPPED, "deleted here by a moderator")
            return
        try:
            changes = package_changes(data, ignore=EXPORT_ONLY)
            if existing is None:
                package = create_package(by=author, changes=changes, rate_limited=False)
                self.report.add("package", key, Outcome.IMPORTED)
            else:
                package, modified = update_package(package=existing, by=author, changes=changes)
                self.report.add("package", key, Outcome.UPDATED if modified else Outcome.UNCHANGED)
        except (ContentDBError, *DOMAIN_ERRORS) as error:
            self.report.add("package", key, Outcome.REFUSED, _error_message(error))
            if existing is None:
                return
            package = existing
        self.maintainers(key, package, author, data.get("maintainers"))
        releases = data.get("releases") or []
        if isinstance(releases, list):
            for release in sorted(
                (r for r in releases if isinstance(r, dict)),
                key=lambda r: (str(r.get("release_date") or ""), _int(r.get("id"))),
            ):
                self.release(key, package, author, release)
        shots = data.get("screenshots") or []
        shots = sorted(
            (s for s in shots if isinstance(s, dict)), key=lambda s: _int(s.get("order"))
        )
        known = self._screenshot_hashes(package)
        wanted_state = data.get("state")
        later = []
        for shot in shots:
            if shot.get("approved") is False and wanted_state == PackageState.APPROVED:
                later.append(shot)  # added after the approval, so it waits for review here too
            else:
                self.screenshot(key, package, author, shot, known)
        self.state(key, package, author, wanted_state)
        for shot in later:
            self.screenshot(key, package, author, shot, known)

    def maintainers(self, key: str, package: Package, author: User, names: object) -> None:
        if not isinstance(names, list):
            return
        people = [user for name in names if (user := account(self.report, name)) is not None]
        current = set(package.maintainers.values_list("pk", flat=True))
        wanted = {user.pk for user in people} | {author.pk}
        if current == wanted:
            self.report.add("maintainers", key, Outcome.UNCHANGED)
            return
        try:
            set_maintainers(by=author, package=package, maintainers=people)
        except DOMAIN_ERRORS as error:
            self.report.add("maintainers", key, Outcome.REFUSED, _error_message(error))
            return
        self.report.add("maintainers", key, Outcome.UPDATED)

    def release(self, key: str, package: Package, author: User, data: dict[str, Any]) -> None:
        # the name a release gets: its name, else its title (releases.zip_releases.release_names)
        name = str(data.get("name") or data.get("title") or "").strip()
        label = f"{key} {name}"
        try:
            content = self._file(data, limit=settings.MAX_UPLOAD_SIZE)
        except DOMAIN_ERRORS as error:
            self.report.add("release", label, Outcome.REFUSED, _error_message(error))
            return
        existing = package.releases.filter(name__iexact=name).first() if name else None
        if existing is not None:
            stored = release_zip(release=existing)
            if stored is not None and stored.sha256 == _sha(content):
                self.report.add("release", label, Outcome.UNCHANGED)
            else:
                reason = "a release of this name exists with another zip; not replaced"
                self.report.add("release", label, Outcome.REFUSED, reason)
            return
        try:
            create_zip_release(
                package=package,
                by=author,
                name=data.get("name"),
                title=data.get("title"),
                release_notes=data.get("release_notes"),
                commit=data.get("commit"),
                file=content,
                min_luanti=_luanti_version(data.get("min_minetest_version")),
                max_luanti=_luanti_version(data.get("max_minetest_version")),
                rate_limited=False,
            )
        except DOMAIN_ERRORS as error:
            self.report.add("release", label, Outcome.REFUSED, _error_message(error))
            return
        self.report.add("release", label, Outcome.IMPORTED)

    def screenshot(
        self,
        key: str,
        package: Package,
        author: User,
        data: dict[str, Any],
        known: set[str],
    ) -> None:
        label = f"{key} {data.get('title') or data.get('id') or ''}".strip()
        try:
            content = self._file(data, limit=settings.MAX_UPLOAD_SIZE)
        except DOMAIN_ERRORS as error:
            self.report.add("screenshot", label, Outcome.REFUSED, _error_message(error))
            return
        digest = _sha(content)
        if digest in known:
            self.report.add("screenshot", label, Outcome.UNCHANGED)
            return
        title = data.get("title")
        try:
            add_screenshot(
                package=package,
                by=author,
                title=title if isinstance(title, str) else "",
                file=content,
                is_cover_image=data.get("is_cover_image") is True,
                rate_limited=False,
            )
        except DOMAIN_ERRORS as error:
            self.report.add("screenshot", label, Outcome.REFUSED, _error_message(error))
            return
        known.add(digest)
        self.report.add("screenshot", label, Outcome.IMPORTED)

    def state(self, key: str, package: Package, author: User, wanted: object) -> None:
        package.refresh_from_db(fields=["state"])
        current = package.state
        if wanted == current or wanted in (None, PackageState.WIP):
            self.report.add("state", key, Outcome.UNCHANGED)
            return
        if current != PackageState.WIP:
            reason = f"kept {current}: a state set here is not overridden"
            self.report.add("state", key, Outcome.SKIPPED, reason)
            return
        try:
            if wanted == PackageState.APPROVED:
                approve_package(package=package)  # the operator's override (packages.workflow)
            elif wanted == PackageState.READY_FOR_REVIEW:
                submit_for_review(by=author, package=package)
            else:
                reason = f"{wanted} is a moderator's decision; left as work in progress"
                self.report.add("state", key, Outcome.SKIPPED, reason)
                return
        except DOMAIN_ERRORS as error:
            self.report.add("state", key, Outcome.REFUSED, _error_message(error))
            return
        self.report.add("state", key, Outcome.IMPORTED, str(wanted))

    # --- helpers -----------------------------------------------------------------------------

    def _file(self, data: dict[str, Any], *, limit: int) -> bytes:
        """The bytes named by `file` (a path or URL), else by an absolute `url`."""
        where = data.get("file")
        if not isinstance(where, str) or not where:
            url = data.get("url")
            if not (isinstance(url, str) and url.lower().startswith(("https://", "http://"))):
                raise ReleasesError("no file: give a `file` path or an absolute `url`")
            where = url
        if "://" in where:
            return fetch(where, max_size=limit)
        path = self.folder / where
        return _read_path(path, limit)()

    @staticmethod
    def _screenshot_hashes(package: Package) -> set[str]:
        hashes = set()
        for shot in package.screenshots.all():
            try:
                with shot.file.open("rb") as stored:
                    hashes.add(_sha(stored.read()))
            except OSError:
                continue
        return hashes


def _read_path(path: Path, limit: int) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            if path.stat().st_size > limit:
                raise ReleasesError(f"{path.name} is larger than {limit} bytes")
            return path.read_bytes()
        except OSError as error:
            raise ReleasesError(f"{path}: {error.strerror or error}") from None

    return read


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _luanti_version(value: object) -> LuantiVersion | None:
    """The version row an export's `{"name": "5.4", ...}` names; None (the `.conf` decides) when
    absent or unknown here."""
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        return None
    return LuantiVersion.objects.filter(name=value["name"]).first()
