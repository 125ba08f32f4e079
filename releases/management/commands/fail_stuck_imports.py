"""Mark FAILED the git imports left RUNNING by a worker that died (run from cron or at deploy)."""

from django.core.management.base import BaseCommand

from releases.tasks import fail_stuck_imports


class Command(BaseCommand):
    help = "Mark FAILED every git import RUNNING for longer than GIT_IMPORT_TIMEOUT allows."

    def handle(self, *args, **options) -> None:
        count = fail_stuck_imports()
        self.stdout.write(f"Imports marked failed: {count}")
