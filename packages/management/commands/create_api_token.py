from django.core.management.base import BaseCommand, CommandError

from accounts.errors import InvalidUsername, UnknownPackageScope
from accounts.services import create_api_token, get_or_create_user
from packages.selectors import package_by_key


class Command(BaseCommand):
    help = "Create a ContentDB API token for USERNAME (created if missing). Prints the token last."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="A name to recognise the token by.")
        parser.add_argument("--package", default=None, help="AUTHOR/NAME: limit the token to it.")

    def handle(self, *args, username: str, name: str, package: str | None, **options):
        scope = None
        if package is not None:
            author, _, package_name = package.partition("/")
            scope = (
                package_by_key(author=author, name=package_name, rock=False)
                if package_name
                else None
            )
            if scope is None:
                raise CommandError(f"No Luanti package {package!r} (expected AUTHOR/NAME).")
        try:
            user, created = get_or_create_user(username=username)
        except InvalidUsername as error:
            raise CommandError(f"{username}: {error}") from error
        if created:
            self.stderr.write(f"Created user {user.username}.")
        try:
            token, secret = create_api_token(user=user, name=name, package=scope)
        except UnknownPackageScope as error:
            raise CommandError(str(error)) from error
        self.stderr.write(
            f"ContentDB API token {token.prefix}… for {user.username}. Shown only once:"
        )
        self.stdout.write(secret)
