"""pg_trgm for the search (packages/search.py) and GIN trigram indexes; nothing on other databases.

The indexed expressions are the ones Django writes for `icontains` on PostgreSQL
(`UPPER(col::text) LIKE UPPER(%s)`), so substring matches use them; pg_trgm ignores case, so the
typo operator `word <% UPPER(col)` uses the same indexes. Creating the extension needs a role allowed
to (a superuser, or the database owner on PostgreSQL 13+: pg_trgm is a trusted extension).

The GIN indexes are built without a pending list (`fastupdate = off`): with one, rows written since
the last vacuum sit in an unsorted list every search scans, and the planner, costing that list,
turned to a sequential scan that computes the full-text document of every row (270 ms instead of
4 ms at 10,000 packages after a bulk load). Packages are written rarely; searches are frequent.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FULL_TEXT = "packages_package_search_gin"  # migration 0004
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
                f"USING GIN (({expression}) gin_trgm_ops) WITH (fastupdate = off)"
            )
        # no pending list on the full-text index either (see the module docstring)
        schema_editor.execute(f"ALTER INDEX IF EXISTS {FULL_TEXT} SET (fastupdate = off)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS {FULL_TEXT} RESET (fastupdate)")
        for index in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("packages", "0009_package_translations")]
    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
