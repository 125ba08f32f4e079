"""Screenshots of Luanti packages (the files live in storage; packages.screenshots writes them)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Screenshot(models.Model):
    package = models.ForeignKey(
        "packages.Package", on_delete=models.CASCADE, related_name="screenshots"
    )
    title = models.CharField(max_length=100)
    file = models.FileField(max_length=500)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    order = models.PositiveIntegerField(default=0)
    approved = models.BooleanField(default=True)
    is_cover_image = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # the table media_tools made before the model moved here (packages migration 0007)
        db_table = "media_tools_screenshot"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["package"],
                condition=Q(is_cover_image=True),
                name="media_one_cover_per_package",
            )
        ]
        # image requests find their screenshot (and so its package's visibility) by file name
        indexes = [models.Index(fields=["file"], name="media_screenshot_file")]

    def __str__(self) -> str:
        return f"{self.package}: {self.title}"
