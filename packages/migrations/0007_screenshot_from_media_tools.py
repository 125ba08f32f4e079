"""Screenshot moves from media_tools to packages without moving data: the model joins this app's
state on its existing table (media_tools_screenshot), media_tools drops it from its own state
(media_tools 0003), and the content type follows so permissions and admin history stay attached."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="screenshot").exists():
        ContentType.objects.filter(app_label=source, model="screenshot").update(app_label=target)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="media_tools", target="packages")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="packages", target="media_tools")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("media_tools", "0002_screenshot_file_index"),
        ("packages", "0006_alias_namespace"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Screenshot",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(max_length=100)),
                        ("file", models.FileField(max_length=500, upload_to="")),
                        ("width", models.PositiveIntegerField()),
                        ("height", models.PositiveIntegerField()),
                        ("order", models.PositiveIntegerField(default=0)),
                        ("approved", models.BooleanField(default=True)),
                        ("is_cover_image", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("package", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="screenshots", to="packages.package")),
                    ],
                    options={
                        "db_table": "media_tools_screenshot",
                        "ordering": ["order", "id"],
                        "indexes": [models.Index(fields=["file"], name="media_screenshot_file")],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("is_cover_image", True)), fields=("package",), name="media_one_cover_per_package")],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
