from django.core.management.base import BaseCommand

from accounts.services import create_api_key, get_or_create_user


class Command(BaseCommand):
    help = "Create a LuaRocks API key for USERNAME (the user is created if missing). Prints the key last."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--comment", default="", help="A note to recognise the key by.")

    def handle(self, *args, username: str, comment: str, **options):
        user, created = get_or_create_user(username=username)
        if created:
            self.stderr.write(f"Created user {user.username}.")
        key, secret = create_api_key(user=user, comment=comment)
        self.stderr.write(
            f"LuaRocks API key {key.prefix}… for {user.username}. It is shown only once:"
        )
        self.stdout.write(secret)
