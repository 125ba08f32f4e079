"""pg_trgm for the search (packages/search.py) and GIN trigram indexes; nothing on other databases.

The indexed expressions are the ones Django writes for `icontains` on PostgreSQL
(`UPPER(col::text) LIKE UPPER(%s)`), so substring matches use them; pg_trgm ignores case, so the
typo operator `word <% UPPER(col)` uses the same indexes. Creating the extension needs a role allowed
to (a superuser, or the database owner on PostgreSQL 13+: pg_trgm is a trusted extension).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "packages_package_name_trgm": "UPPER(name::text)",
    "packages_package_title_trgm": "UPPER(title::text)",
    "packages_package_short_trgm": "UPPER(short_description::text)",
    "packages_package_labels_trgm": "UPPER(labels::text)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index, expression in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON packages_package "
                f"USING GIN (({expression}) gin_trgm_ops)"
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
