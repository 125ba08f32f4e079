"""Image requests look their screenshot up by file name (to follow its package's visibility)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("media_tools", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="screenshot",
            index=models.Index(fields=["file"], name="media_screenshot_file"),
        ),
    ]
