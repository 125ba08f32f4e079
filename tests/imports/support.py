"""Running the import commands as an operator does, and counting what they leave behind."""

import io
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from accounts.models import User
from packages.models import Package, PackageDependency, Screenshot
from releases.models import Release, ReleaseFile, RockDependency


def run_command(name: str, *args: str) -> tuple[dict, int]:
    """(the JSON report, the exit status) of `manage.py <name> <args> --json`, commit hooks run."""
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        try:
            call_command(name, *args, "--json", stdout=out, stderr=err)
        except CommandError as error:
            status = error.returncode
            if status == 2:
                raise
    return json.loads(out.getvalue()), status


def outcomes(report: dict) -> dict[str, str]:
    """item name -> outcome"""
    return {item["name"]: item["outcome"] for item in report["items"]}


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def census() -> dict[str, object]:
    """Every row count an import can change, and the stored files."""
    return {
        "users": User.objects.count(),
        "packages": Package.objects.count(),
        "releases": Release.objects.count(),
        "files": ReleaseFile.objects.count(),
        "revisions": sorted(ReleaseFile.objects.values_list("revision", flat=True)),
        "rock_dependencies": RockDependency.objects.count(),
        "package_dependencies": PackageDependency.objects.count(),
        "screenshots": Screenshot.objects.count(),
        "updated": sorted(str(t) for t in Package.objects.values_list("updated_at", flat=True)),
        "stored": stored_files(),
    }
