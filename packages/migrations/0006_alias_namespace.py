"""Aliases get a namespace (rocks or Luanti content), so an old name reserves its key only where
packages of its kind live. Existing aliases take their package's namespace."""

import django.db.models.functions.text
from django.db import migrations, models


def set_namespace(apps, schema_editor):
    PackageAlias = apps.get_model("packages", "PackageAlias")
    PackageAlias.objects.filter(package__type="ROCK").update(is_rock=True)


class Migration(migrations.Migration):
    dependencies = [
        ("packages", "0005_links_are_web_urls"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="packagealias",
            options={"verbose_name_plural": "package aliases"},
        ),
        migrations.RemoveConstraint(
            model_name="packagealias",
            name="packages_alias_ci_unique",
        ),
        migrations.AddField(
            model_name="packagealias",
            name="is_rock",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(set_namespace, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="packagealias",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("author"),
                django.db.models.functions.text.Lower("name"),
                models.F("is_rock"),
                name="packages_alias_key_unique",
            ),
        ),
    ]
