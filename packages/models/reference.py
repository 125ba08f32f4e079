"""Reference data that packages name: tags, content warnings, licenses, Luanti versions,
languages and the technical mod names (meta packages) that packages provide and depend on."""

from django.db import models
from django.db.models.functions import Lower

from media_tools.links import validate_web_url


class Tag(models.Model):
    name = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    views = models.PositiveIntegerField(default=0)
    is_protected = models.BooleanField(
        default=False, help_text="Only editors may add or remove it."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContentWarning(models.Model):
    name = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class License(models.Model):
    name = models.CharField(max_length=50, unique=True)
    is_foss = models.BooleanField(default=True)
    url = models.URLField(max_length=255, blank=True, validators=[validate_web_url])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="packages_license_name_ci_unique")
        ]

    def __str__(self) -> str:
        return self.name


class LuantiVersion(models.Model):
    """A Luanti engine release; rows are kept in release order (the id order), as ContentDB does."""

    name = models.CharField(max_length=50, unique=True)
    protocol_version = models.PositiveIntegerField()
    is_dev = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    id = models.CharField(
        max_length=10, primary_key=True, help_text="Language code, e.g. de or zh_TW."
    )
    title = models.CharField(max_length=100)
    has_contentdb_translation = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.id


class MetaPackage(models.Model):
    """A technical mod name that packages provide and depend on (ContentDB's meta package)."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
