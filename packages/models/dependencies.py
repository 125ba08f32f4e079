"""What a Luanti package depends on and which games it supports."""

from django.db import models
from django.db.models import Q

from packages.models.package import Package, PackageType
from packages.models.reference import MetaPackage


class PackageDependency(models.Model):
    """A Luanti dependency: on a mod name (meta package) or directly on a package."""

    depender = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="dependencies")
    meta_package = models.ForeignKey(MetaPackage, null=True, blank=True, on_delete=models.CASCADE)
    package = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.CASCADE, related_name="dependents"
    )
    is_optional = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(meta_package__isnull=False, package__isnull=True)
                | Q(meta_package__isnull=True, package__isnull=False),
                name="packages_dependency_one_target",
            )
        ]

    def __str__(self) -> str:
        target = self.package or self.meta_package
        return f"{self.depender} -> {target}{' (optional)' if self.is_optional else ''}"


class GameSupport(models.Model):
    """Whether a mod works with a game; higher confidence overwrites lower (ContentDB's rule)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="game_support")
    game = models.ForeignKey(
        Package,
        on_delete=models.CASCADE,
        related_name="supported_by",
        limit_choices_to={"type": PackageType.GAME},
    )
    supports = models.BooleanField(default=True)
    confidence = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["package", "game"], name="packages_gamesupport_unique")
        ]

    def __str__(self) -> str:
        return f"{self.package} {'supports' if self.supports else 'does not support'} {self.game}"
