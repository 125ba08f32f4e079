"""A GIN index for package search on PostgreSQL (packages/search.py); nothing on other databases.

The indexed expression is packages.search.DOCUMENT with unqualified column names: PostgreSQL
matches an expression index against the parsed expression, so the query's qualified columns match.
"""

from django.db import migrations

INDEX = "packages_package_search_gin"
DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(short_description, '')), 'C'))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON packages_package USING GIN ({DOCUMENT})"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("packages", "0003_moderation_report_submitted_at")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
