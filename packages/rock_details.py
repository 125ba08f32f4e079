"""The owner edits a LuaRocks module's details on the web: summary, description and labels.

luarocks.org's module editor (docs/protocols/luarocks.md section 5) changes the same fields; labels there
are slugified, 2-32 characters each. We keep at most 10 (packages.models.MAX_LABELS, what a
rockspec upload keeps too). Manifests carry no descriptions or labels
(releases.manifests), so no manifest generation is bumped. A later rockspec upload overwrites
these fields with what the rockspec says, as luarocks.org does.
"""

import re

from django.db import transaction

from accounts.audit import changes, record
from accounts.models import User
from media_tools.links import is_web_url
from packages.errors import InvalidRockDetails, RockEditDenied
from packages.history import change_severity
from packages.models import MAX_LABELS, Package, PackageType
from packages.permissions import Action, can

SUMMARY_LENGTH = 500  # Package.short_description
DESCRIPTION_LENGTH = 100_000  # what a rockspec's description.detailed may hold
REPO_LENGTH = 255  # Package.repo
LABEL = re.compile(r"^[a-z0-9][a-z0-9_-]{1,31}$")


@transaction.atomic
def update_rock_details(
    *, package: Package, by: User, summary: str, description: str, labels: list[str] | str
) -> Package:
    """Save the new details and audit the diff; returns the package (unchanged if nothing moved)."""
    if package.type != PackageType.ROCK or not can(by, Action.EDIT_PACKAGE, package):
        raise RockEditDenied("You may not edit this module.")
    summary = " ".join((summary or "").split())
    description = (description or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if len(summary) > SUMMARY_LENGTH:
        raise InvalidRockDetails(
            f"The summary is longer than {SUMMARY_LENGTH} characters.", field="summary"
        )
    if len(description) > DESCRIPTION_LENGTH:
        raise InvalidRockDetails(
            f"The description is longer than {DESCRIPTION_LENGTH} characters.", field="description"
        )
    labels = clean_labels(labels)
    package = Package.objects.select_for_update().get(pk=package.pk)
    before = _details(package)
    package.short_description = summary
    package.long_description = description
    package.labels = labels
    after = _details(package)
    diff = changes(before, after)
    if not diff:
        return package
    package.save(update_fields=["short_description", "long_description", "labels", "updated_at"])
    record(
        causer=by,
        action="package.edit",
        title=f"Edited the details of {package.title}",
        severity=change_severity(by=by, package=package),
        package=package,
        diff=diff,
    )
    return package


def clean_labels(labels: list[str] | str) -> list[str]:
    """Labels from a list or a comma/space separated text: lowercased, duplicates dropped."""
    if isinstance(labels, str):
        labels = re.split(r"[,\s]+", labels)
    result: list[str] = []
    for raw in labels:
        label = (raw or "").strip().lower()
        if not label or label in result:
            continue
        if not LABEL.match(label):
            raise InvalidRockDetails(
                f"“{label[:60]}” is not a label: use 2 to 32 lowercase letters, digits, "
                "- or _, starting with a letter or digit.",
                field="labels",
            )
        result.append(label)
    if len(result) > MAX_LABELS:
        raise InvalidRockDetails(f"A module has at most {MAX_LABELS} labels.", field="labels")
    return result


def _details(package: Package) -> dict[str, str]:
    return {
        "summary": package.short_description or "",
        "description": package.long_description or "",
        "labels": ", ".join(package.labels or []),
    }


@transaction.atomic
def set_rock_repository(*, package: Package, by: User, repo: str) -> Package:
    """Link a module to its source repository (what update detection follows); audited."""
    if package.type != PackageType.ROCK or not can(by, Action.EDIT_PACKAGE, package):
        raise RockEditDenied("You may not edit this module.")
    repo = (repo or "").strip()
    if repo and (len(repo) > REPO_LENGTH or not is_web_url(repo)):
        raise InvalidRockDetails(
            "The repository must be an http(s) URL of at most 255 characters.", field="repo"
        )
    package = Package.objects.select_for_update().get(pk=package.pk)
    before = {"repo": package.repo or ""}
    if before["repo"] == repo:
        return package
    package.repo = repo or None
    package.save(update_fields=["repo", "updated_at"])
    record(
        causer=by,
        action="package.edit",
        title=f"Edited the repository of {package.title}",
        severity=change_severity(by=by, package=package),
        package=package,
        diff=changes(before, {"repo": repo}),
    )
    return package
