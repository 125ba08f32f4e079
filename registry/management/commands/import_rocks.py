"""`manage.py import_rocks SOURCE --owner USERNAME` (registry/luarocks/imports.py, docs/operations.md)."""

from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError

from registry.common.imports import Progress, Report, account
from registry.luarocks.imports import RockImport, SourceError, source_files


class Command(BaseCommand):
    help = (
        "Import rockspecs and rocks from a folder or a rocks server URL into one account, with the "
        "upload API's validation and no upload limit. Idempotent: run it again to resume. Exits 1 "
        "when an item was refused, 2 when the source cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="a folder of *.rockspec/*.rock, or a rocks server URL")
        parser.add_argument(
            "--owner", required=True, help="the account that gets the rocks (created if missing)"
        )
        parser.add_argument("--json", action="store_true", help="write the report as JSON")
        parser.add_argument("--no-progress", action="store_true", help="no progress on stderr")

    def handle(self, *args, source: str, owner: str, json: bool, no_progress: bool, **options):
        try:  # the source is read before anything is written
            files = source_files(source)
        except SourceError as error:
            raise CommandError(str(error), returncode=2) from None
        report = Report()
        user = account(report, owner)
        if user is None:
            raise CommandError(f"--owner {owner}: {report.items[-1].reason}", returncode=2)
        progress = (
            None
            if no_progress
            else Progress(total=len(files), stream=cast(TextIO, self.stderr._out))
        )
        RockImport(owner=user, report=report).run(files, progress=progress)
        report.write(cast(TextIO, self.stdout), as_json=json)
        if report.refused:
            raise CommandError(f"{report.refused} item(s) refused", returncode=1)
