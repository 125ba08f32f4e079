"""Screenshot now belongs to packages (packages 0007 took it over on the same table): it leaves
this app's state only; no table or row changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("media_tools", "0002_screenshot_file_index"),
        ("packages", "0007_screenshot_from_media_tools"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Screenshot")],
            database_operations=[],
        ),
    ]
