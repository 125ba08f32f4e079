from django.core.management.base import BaseCommand

from packages.emails import send_digests


class Command(BaseCommand):
    help = (
        "Mail each user's waiting daily-digest notifications as one mail. Run it once a day "
        "(cron); running it twice sends nothing twice."
    )

    def handle(self, *args, **options):
        count = send_digests()
        self.stdout.write(f"Sent {count} digests.")
