"""`manage.py import_contentdb FILE` (registry/contentdb/imports.py, docs/operations.md)."""

from pathlib import Path
from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError

from registry.common.imports import Progress, Report
from registry.contentdb.imports import ContentDBImport, ExportError, load_export


class Command(BaseCommand):
    help = (
        "Import packages, releases and screenshots from a JSON export shaped like ContentDB's API "
        "(docs/protocols/contentdb.md section 9), with the API's validation and no upload limit. "
        "Idempotent: run it again to resume. Exits 1 when an item was refused, 2 when the export "
        "cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export: a JSON array of package dicts")
        parser.add_argument("--json", action="store_true", help="write the report as JSON")
        parser.add_argument("--no-progress", action="store_true", help="no progress on stderr")

    def handle(self, *args, file: str, json: bool, no_progress: bool, **options):
        path = Path(file)
        try:
            packages = load_export(path)
        except ExportError as error:
            raise CommandError(str(error), returncode=2) from None
        report = Report()
        progress = (
            None
            if no_progress
            else Progress(total=len(packages), stream=cast(TextIO, self.stderr._out))
        )
        ContentDBImport(folder=path.parent, report=report).run(packages, progress=progress)
        report.write(cast(TextIO, self.stdout), as_json=json)
        if report.refused:
            raise CommandError(f"{report.refused} item(s) refused", returncode=1)
