"""pg_trgm for the search's typo matching (packages/search.py) and GIN trigram indexes on the
package name and title; nothing on other databases. Creating the extension needs a role allowed to
(a superuser, or the database owner on PostgreSQL 13+ as pg_trgm is a trusted extension)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "packages_package_name_trgm": "name",
    "packages_package_title_trgm": "title",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index, column in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON packages_package "
                f"USING GIN ({column} gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("packages", "0007_screenshot_from_media_tools")]
    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
