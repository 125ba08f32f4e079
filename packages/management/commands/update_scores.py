from django.core.management.base import BaseCommand

from packages.scoring import update_scores


class Command(BaseCommand):
    help = (
        "Recompute every package score (ContentDB's algorithm): decay the download scores by 0.93, "
        "then add the approved reviews. Run it once a day, e.g. from cron; --no-decay only recomputes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-decay",
            action="store_true",
            help="Recompute scores from reviews without decaying the download scores.",
        )

    def handle(self, *args, no_decay: bool = False, **options):
        count = update_scores(decay=not no_decay)
        self.stdout.write(f"Updated the scores of {count} packages.")
