"""Packages: LuaRocks modules and Luanti mods, games and texture packs, and their old names."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from media_tools.links import validate_web_url
from packages.models.reference import (
    ContentWarning,
    Language,
    License,
    MetaPackage,
    Tag,
)


class PackageType(models.TextChoices):
    MOD = "MOD", "Mod"
    GAME = "GAME", "Game"
    TXP = "TXP", "Texture pack"
    ROCK = "ROCK", "LuaRocks module"


LUANTI_TYPES = (PackageType.MOD, PackageType.GAME, PackageType.TXP)
MAX_LABELS = 10  # LuaRocks labels a module keeps (a rockspec upload, the module's edit form)


class PackageState(models.TextChoices):
    WIP = "WIP", "Work in progress"
    CHANGES_NEEDED = "CHANGES_NEEDED", "Changes needed"
    READY_FOR_REVIEW = "READY_FOR_REVIEW", "Ready for review"
    APPROVED = "APPROVED", "Approved"
    DELETED = "DELETED", "Deleted"


class DevState(models.TextChoices):
    WIP = "WIP", "Work in progress"
    BETA = "BETA", "Beta"
    ACTIVELY_DEVELOPED = "ACTIVELY_DEVELOPED", "Actively developed"
    MAINTENANCE_ONLY = "MAINTENANCE_ONLY", "Maintenance only"
    AS_IS = "AS_IS", "As-is"
    DEPRECATED = "DEPRECATED", "Deprecated"
    LOOKING_FOR_MAINTAINER = "LOOKING_FOR_MAINTAINER", "Looking for maintainer"


class AIDisclosure(models.TextChoices):
    NONE = "NONE", "None"
    ASSISTED = "ASSISTED", "Assisted"
    GENERATED = "GENERATED", "Generated"


class Package(models.Model):
    """A LuaRocks module (type ROCK) or a piece of Luanti content, owned by one author."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="packages"
    )
    # Rocks: lower(package) from the rockspec. Luanti: the technical name, ^[a-z0-9_]+$.
    name = models.CharField(max_length=255)
    title = models.CharField(max_length=255)
    type = models.CharField(max_length=4, choices=PackageType.choices)
    state = models.CharField(max_length=20, choices=PackageState.choices, default=PackageState.WIP)
    state_comment = models.TextField(
        blank=True, help_text="The moderator's comment on the last review."
    )
    short_description = models.CharField(max_length=500, blank=True)
    long_description = models.TextField(null=True, blank=True)
    dev_state = models.CharField(max_length=30, choices=DevState.choices, null=True, blank=True)
    ai_disclosure = models.CharField(
        max_length=10, choices=AIDisclosure.choices, null=True, blank=True
    )

    license = models.ForeignKey(
        License, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    media_license = models.ForeignKey(
        License, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Rocks declare any license string they like ("MIT/X11"); it is shown, never validated.
    declared_license = models.CharField(max_length=255, blank=True)
    labels = models.JSONField(default=list, blank=True, help_text="LuaRocks labels (at most 10).")

    # Links: http(s) URLs only (media_tools.links), checked on every write that validates the
    # model (the admin) as well as by the services; pages link them only through `safe_links`.
    repo = models.CharField(max_length=255, null=True, blank=True, validators=[validate_web_url])
    website = models.CharField(max_length=255, null=True, blank=True, validators=[validate_web_url])
    issue_tracker = models.CharField(
        max_length=255, null=True, blank=True, validators=[validate_web_url]
    )
    forums = models.PositiveIntegerField(null=True, blank=True, help_text="Forum topic id.")
    video_url = models.CharField(
        max_length=255, null=True, blank=True, validators=[validate_web_url]
    )
    donate_url = models.CharField(
        max_length=255, null=True, blank=True, validators=[validate_web_url]
    )
    translation_url = models.CharField(
        max_length=255, null=True, blank=True, validators=[validate_web_url]
    )

    tags = models.ManyToManyField(Tag, blank=True, related_name="packages")
    content_warnings = models.ManyToManyField(ContentWarning, blank=True, related_name="packages")
    maintainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="maintained_packages"
    )
    provides = models.ManyToManyField(MetaPackage, blank=True, related_name="providers")
    languages = models.ManyToManyField(Language, blank=True, related_name="packages")
    supports_all_games = models.BooleanField(default=False)

    # Rocks: holds the name in the root manifest (first come; see the constraint below).
    in_root_manifest = models.BooleanField(default=False)

    downloads = models.PositiveBigIntegerField(default=0)
    score = models.FloatField(default=0)
    score_downloads = models.FloatField(default=0)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # When it last entered READY_FOR_REVIEW: the moderation queue serves the longest waiting first.
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["author__username", "name"]
        constraints = [
            # Rocks and Luanti content live in separate namespaces: alice/foo the rock and alice/foo
            # the mod may both exist, but not two alice/foo of the same family.
            models.UniqueConstraint(
                "author",
                Lower("name"),
                condition=Q(type="ROCK"),
                name="packages_rock_author_name_ci_unique",
            ),
            models.UniqueConstraint(
                "author",
                Lower("name"),
                condition=~Q(type="ROCK"),
                name="packages_luanti_author_name_ci_unique",
            ),
            # One owner per name in the root manifest (docs/protocols/luarocks.md 2.2).
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(type="ROCK", in_root_manifest=True),
                name="packages_root_manifest_name_unique",
            ),
            models.CheckConstraint(
                condition=Q(type__in=["MOD", "GAME", "TXP", "ROCK"]), name="packages_type_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["type", "state"]),
            models.Index(fields=["-score"]),
            models.Index(fields=["-downloads"]),
            models.Index(fields=["-approved_at"]),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return f"{self.author.username}/{self.name}"

    @property
    def is_rock(self) -> bool:
        return self.type == PackageType.ROCK

    @property
    def is_approved(self) -> bool:
        return self.state == PackageState.APPROVED


class PackageAlias(models.Model):
    """An old author/name of a renamed or transferred package: old links and installed clients
    keep reaching it, and the key stays reserved in its namespace (packages.aliases)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="aliases")
    author = models.CharField(max_length=150)
    name = models.CharField(max_length=255)
    # rocks and Luanti content are separate namespaces, as for packages themselves
    is_rock = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "package aliases"
        constraints = [
            models.UniqueConstraint(
                Lower("author"), Lower("name"), "is_rock", name="packages_alias_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.author}/{self.name} -> {self.package}"
