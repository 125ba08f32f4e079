"""Collections of packages (the `featured` one of user ContentDB orders the lists)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from packages.models.package import Package


class Collection(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections"
    )
    name = models.SlugField(max_length=100)
    title = models.CharField(max_length=100)
    short_description = models.CharField(max_length=255, blank=True)
    long_description = models.TextField(blank=True)
    private = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    packages = models.ManyToManyField["Package", "CollectionItem"](
        Package, through="CollectionItem", related_name="collections"
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                "author", Lower("name"), name="packages_collection_name_ci_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.author}/{self.name}"


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="+")
    description = models.CharField(max_length=500, blank=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "package"], name="packages_collectionitem_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collection}: {self.package}"
