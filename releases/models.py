"""Releases of packages (rockspec versions and Luanti releases) and the files that carry them."""

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from releases.rock_names import ARCH, RESERVED_ARCHES, ROCK_FILENAME, ROCKSPEC_FILENAME

DEVELOPMENT_PREFIXES = ("scm-", "cvs-", "svn-", "git-", "dev-")


class TaskState(models.TextChoices):
    """Where a release's background import stands (git imports); uploads are DONE at once."""

    PENDING = "PENDING", "Pending"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"


class Release(models.Model):
    """A rockspec version (`1.0-1`) of a rock, or a release (`1.2.3`) of Luanti content."""

    package = models.ForeignKey(
        "packages.Package", on_delete=models.CASCADE, related_name="releases"
    )
    # Rocks: the version as written in the rockspec (original case). Luanti: the short release name.
    name = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    release_notes = models.TextField(null=True, blank=True)
    approved = models.BooleanField(default=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    commit = models.CharField(max_length=40, null=True, blank=True)
    task_state = models.CharField(max_length=10, choices=TaskState.choices, default=TaskState.DONE)
    task_error = models.TextField(blank=True)
    # The public id of the release's import task (`/tasks/<task_id>/`): random, so nobody can walk
    # the tasks of other people's (hidden) packages by counting.
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # When the import task began RUNNING; the stuck-import sweep compares it with the deadline.
    task_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    min_luanti_version = models.ForeignKey(
        "packages.LuantiVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    max_luanti_version = models.ForeignKey(
        "packages.LuantiVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Rock-only data derived from the rockspec.
    revision = models.PositiveIntegerField(default=1, help_text="Bumped on every overwrite.")
    lua_constraint = models.CharField(
        max_length=255, blank=True, help_text='e.g. "lua >= 5.1, < 5.5"'
    )
    is_development = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False)
    source_url = models.CharField(max_length=1000, blank=True)

    downloads = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "package", Lower("name"), name="releases_release_name_ci_unique"
            ),
            models.CheckConstraint(
                condition=Q(commit__isnull=True) | Q(commit__regex=r"^[0-9a-f]{40}$"),
                name="releases_release_commit_hex",
            ),
        ]
        indexes = [models.Index(fields=["package", "approved", "-id"])]

    def __str__(self) -> str:
        return f"{self.package} {self.name}"

    @staticmethod
    def is_development_version(version: str) -> bool:
        return version.lower().startswith(DEVELOPMENT_PREFIXES)


class RockDependency(models.Model):
    """One dependency string of a rockspec (`lua >= 5.1`, `luasocket ~> 3`), by its leading name."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="rock_dependencies")
    name = models.CharField(max_length=255)
    constraint = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "rock dependencies"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "name"], name="releases_rockdependency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.constraint}".strip()


class FileKind(models.TextChoices):
    ZIP = "zip", "Release zip"
    ROCKSPEC = "rockspec", "Rockspec"
    ROCK = "rock", "Rock"


class ReleaseFile(models.Model):
    """A stored file of a release: the Luanti zip, the rockspec, or one rock per architecture."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=FileKind.choices)
    # Rocks: "src", "all", "linux-x86_64", ...; empty for zips and rockspecs.
    arch = models.CharField(max_length=255, blank=True)
    file = models.FileField(max_length=500)
    filename = models.CharField(max_length=512, help_text="The public file name.")
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    revision = models.PositiveIntegerField(default=1)
    downloads = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["release", "kind", "arch"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "kind", "arch"], name="releases_file_unique_arch"
            ),
            # Public names of rockspecs and rocks follow the grammar that reads back one way only
            # (releases.rock_names); with the unique constraints on package names (per author, and
            # in the root manifest), on versions per package and on arches per version, a name
            # then leads to one file in each scope.
            models.CheckConstraint(
                condition=Q(kind=FileKind.ZIP)
                | Q(kind=FileKind.ROCKSPEC, arch="", filename__regex=ROCKSPEC_FILENAME)
                | (
                    Q(kind=FileKind.ROCK, arch__regex=ARCH, filename__regex=ROCK_FILENAME)
                    & ~Q(arch__in=sorted(RESERVED_ARCHES))
                ),
                name="releases_file_public_name",
            ),
        ]
        # luarocks fetches files by name (`/<name>-<version>.<arch>.rock`): an index keeps that
        # look-up O(log n) instead of a scan of every rock package (bench/manifest_bench.py).
        indexes = [models.Index(fields=["filename"], name="releases_file_filename_idx")]

    def __str__(self) -> str:
        return self.filename


# Releases that make themselves (releases/updates.py): how a package follows its repository.


class UpdateTrigger(models.TextChoices):
    TAG = "tag", "A new tag"
    COMMIT = "commit", "A new commit on a branch"


class UpdateAction(models.TextChoices):
    RELEASE = "release", "Make a release"
    NOTIFY = "notify", "Tell the package's people"


class TitleFrom(models.TextChoices):
    TAG = "tag", "The tag's name"
    DATE_COMMIT = "date_commit", "The date and the short commit"


class UpdateSettings(models.Model):
    """One package's update detection: what in its repository (`Package.repo`) counts as an update,
    and what to do about it. The webhook secret is never stored: only the salt it is derived from
    with the server's key and its SHA-256 (releases/webhooks.py)."""

    package = models.OneToOneField(
        "packages.Package", on_delete=models.CASCADE, related_name="update_settings"
    )
    trigger = models.CharField(max_length=10, choices=UpdateTrigger.choices)
    action = models.CharField(max_length=10, choices=UpdateAction.choices)
    branch = models.CharField(max_length=200, blank=True, help_text="For new commits; empty: HEAD")
    tag_pattern = models.CharField(max_length=100, blank=True, help_text="A glob, e.g. v*")
    title_from = models.CharField(max_length=12, choices=TitleFrom.choices, default=TitleFrom.TAG)
    poll = models.BooleanField(default=True, help_text="Also check the repository periodically")
    paused = models.BooleanField(default=False)
    # Whose name releases are made in: the person who last saved the settings.
    configured_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_seen_ref = models.CharField(max_length=255, blank=True)
    last_seen_commit = models.CharField(max_length=40, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    secret_salt = models.CharField(max_length=64, blank=True)
    secret_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "update settings"
        indexes = [models.Index(fields=["poll", "paused", "last_checked_at"])]

    def __str__(self) -> str:
        return f"updates of {self.package_id}"


class WebhookDelivery(models.Model):
    """One request to a package's webhook, as its people see it (the newest 20 are kept)."""

    package = models.ForeignKey(
        "packages.Package", on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    forge = models.CharField(max_length=10)
    delivery_id = models.CharField(max_length=100, blank=True)
    event = models.CharField(max_length=50, blank=True)
    status = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=300)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["package", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.forge} {self.delivery_id} {self.status}"


class SeenDelivery(models.Model):
    """A delivery id whose signature was good: a second request with it is a replay. Kept for
    WEBHOOK_DELIVERY_MEMORY_DAYS."""

    package = models.ForeignKey("packages.Package", on_delete=models.CASCADE, related_name="+")
    delivery_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["package", "delivery_id"], name="releases_seen_delivery_unique"
            )
        ]

    def __str__(self) -> str:
        return self.delivery_id
