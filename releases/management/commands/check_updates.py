"""Poll the repositories of packages with update detection that are due (cron, e.g. hourly):
`git ls-remote` each, then release or notify as a webhook would (releases/update_checks.py)."""

from django.core.management.base import BaseCommand

from releases.update_checks import check_due_repositories


class Command(BaseCommand):
    help = "Check due repositories for new tags or commits and act on them."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="at most this many")

    def handle(self, *args, limit=None, **options):
        counts = check_due_repositories(limit=limit)
        summary = ", ".join(f"{key}: {value}" for key, value in sorted(counts.items()))
        self.stdout.write(summary or "checked: 0")
