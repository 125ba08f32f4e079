"""Packages: LuaRocks modules and Luanti mods, games and texture packs, with what describes them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from media_tools.links import validate_web_url


class PackageType(models.TextChoices):
    MOD = "MOD", "Mod"
    GAME = "GAME", "Game"
    TXP = "TXP", "Texture pack"
    ROCK = "ROCK", "LuaRocks module"


LUANTI_TYPES = (PackageType.MOD, PackageType.GAME, PackageType.TXP)


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


class Review(models.Model):
    class Rating(models.IntegerChoices):
        NEGATIVE = 1, "Negative"
        NEUTRAL = 3, "Neutral"
        POSITIVE = 5, "Positive"

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    title = models.CharField(max_length=100)
    comment = models.TextField(blank=True)
    approved = models.BooleanField(default=True)
    helpful = models.PositiveIntegerField(default=0)
    unhelpful = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "author"], name="packages_review_one_per_user"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="packages_review_rating"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.package}: {self.title}"

    @property
    def is_positive(self) -> bool:
        return self.rating > 3


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
    packages = models.ManyToManyField(Package, through="CollectionItem", related_name="collections")

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


class ReportReason(models.TextChoices):
    """ContentDB's report categories that concern a package."""

    COPYRIGHT = "copyright", "Copyright infringement / DMCA"
    USER_CONDUCT = "user_conduct", "User behaviour, bullying, or abuse"
    SPAM = "spam", "Spam"
    ILLEGAL_HARMFUL = "illegal_harmful", "Illegal or harmful content"
    MALWARE = "malware", "Malicious code"
    OTHER = "other", "Other"


class Report(models.Model):
    """Anyone (signed in or not) telling moderators that something is wrong with a package."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_made",
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_resolved",
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.package}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
