from django.core.management.base import BaseCommand, CommandError

from accounts.errors import InvalidUsername
from accounts.services import create_api_key, get_or_create_user


class Command(BaseCommand):
    help = (
        "Create a LuaRocks API key for USERNAME (created if missing, verified by the operator, "
        "same name rules as sign-up). Prints the key last."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--comment", default="", help="A note to recognise the key by.")

    def handle(self, *args, username: str, comment: str, **options):
        try:
            user, created = get_or_create_user(username=username)
        except InvalidUsername as error:
            raise CommandError(f"{username}: {error}") from error
        if created:
            self.stderr.write(f"Created user {user.username}.")
        key, secret = create_api_key(user=user, comment=comment)
        self.stderr.write(
            f"LuaRocks API key {key.prefix}… for {user.username}. It is shown only once:"
        )
        self.stdout.write(secret)
