"""A package's title and descriptions in another language (ContentDB's PackageTranslation).

Rows are made by releases: the `.tr`/`.po` files of a release's content give the languages
(`Package.languages`, the `lang=` filter) and, for the content's own text domain, the translated
mod.conf title and description (releases.translations, packages.translations). A missing text falls
back to the package's own when served (registry/contentdb/languages.py)."""

from django.db import models

from packages.models.package import Package
from packages.models.reference import Language


class PackageTranslation(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="translations")
    language = models.ForeignKey(Language, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100, null=True, blank=True)
    short_description = models.CharField(max_length=200, null=True, blank=True)
    long_description = models.TextField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["package", "language"], name="one_translation_per_language"
            )
        ]
        ordering = ["language_id"]

    def __str__(self) -> str:
        return f"{self.package_id}:{self.language_id}"
