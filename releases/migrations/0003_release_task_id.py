"""Releases get a random public task id (`/tasks/<uuid>/`) and the time their import started.

Existing rows each get their own uuid4: the column is added nullable, filled row by row, then made
unique and required (a callable default on AddField would give every row the same value).
"""

import uuid

from django.db import migrations, models


def fill_task_ids(apps, schema_editor):
    Release = apps.get_model("releases", "Release")
    for pk in Release.objects.filter(task_id__isnull=True).values_list("pk", flat=True).iterator():
        Release.objects.filter(pk=pk).update(task_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("releases", "0002_releasefile_filename_index")]

    operations = [
        migrations.AddField(
            model_name="release",
            name="task_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_task_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="release",
            name="task_id",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
        migrations.AddField(
            model_name="release",
            name="task_started_at",
            field=models.DateTimeField(null=True, blank=True, editable=False),
        ),
    ]
