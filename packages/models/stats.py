"""Download statistics per package and UTC day."""

from django.db import models

from packages.models.package import Package


class PackageDailyStats(models.Model):
    """Downloads of one package on one UTC day, by platform and by reason (ContentDB's stats)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="daily_stats")
    date = models.DateField()
    platform_minetest = models.PositiveIntegerField(default=0)
    platform_other = models.PositiveIntegerField(default=0)
    reason_new = models.PositiveIntegerField(default=0)
    reason_dependency = models.PositiveIntegerField(default=0)
    reason_update = models.PositiveIntegerField(default=0)
    views_luanti = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "package daily stats"
        ordering = ["package", "date"]
        constraints = [
            models.UniqueConstraint(fields=["package", "date"], name="packages_dailystats_unique")
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.package} {self.date}"
