"""Write the pending download counts to the database now (releases/download_counts.py).

The app servers flush on their own every DOWNLOADS_FLUSH_SECONDS and when they stop; run this from
cron when they do not (DOWNLOADS_FLUSH_SECONDS=0), or by hand before reading the counters.
"""

from django.core.management.base import BaseCommand

from releases.download_counts import flush_downloads


class Command(BaseCommand):
    help = "Write the pending download counts (this process's and the shared Redis hash) now."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Downloads written: {flush_downloads()}")
