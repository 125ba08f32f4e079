"""The data step of the accounts migration that introduced verification: existing accounts keep
publishing, except the later accounts that share an address with an older one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0004_profile_links_are_web_urls")]
AFTER = [("accounts", "0005_account_verification_and_recovery_codes")]


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_are_marked_verified_once_per_address():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    for name, email, superuser in [
        ("first", "Shared@example.org", False),
        ("second", "shared@EXAMPLE.org", False),
        ("solo", "solo@example.org", False),
        ("cli", "", False),
        ("boss", "boss@example.org", True),
    ]:
        old.objects.create(username=name, email=email, is_superuser=superuser)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("accounts", "User")
        rows = {
            u.username: (u.verified_email, u.verified_by_operator)
            for u in new.objects.order_by("pk")
        }
        assert rows == {
            "first": ("Shared@example.org", False),
            "second": ("", False),  # must verify an address of its own before publishing
            "solo": ("solo@example.org", False),
            "cli": ("", True),
            "boss": ("boss@example.org", True),
        }
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
