from django.core.management.base import BaseCommand, CommandError

from packages.selectors import package_by_key
from packages.workflow import approve_package


class Command(BaseCommand):
    help = "Approve the package AUTHOR/NAME, whatever its current state (a moderator's override)."

    def add_arguments(self, parser):
        parser.add_argument("package", help="AUTHOR/NAME")

    def handle(self, *args, package: str, **options):
        author, _, name = package.partition("/")
        found = package_by_key(author=author, name=name) if author and name else None
        if found is None:
            raise CommandError(f"No package {package!r} (expected AUTHOR/NAME).")
        approved = approve_package(package=found)
        self.stdout.write(f"{approved.key} is approved.")
