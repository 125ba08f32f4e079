from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from media_tools.links import validate_web_url


class Rank(models.IntegerChoices):
    """ContentDB's rank ladder; a higher value can do everything a lower one can."""

    BANNED = 0, "Banned"
    NOT_JOINED = 10, "Not joined"
    NEW_MEMBER = 20, "New member"
    MEMBER = 30, "Member"
    TRUSTED_MEMBER = 40, "Trusted member"
    APPROVER = 50, "Approver"
    EDITOR = 60, "Editor"
    BOT = 65, "Bot"
    MODERATOR = 70, "Moderator"
    ADMIN = 80, "Admin"

    @property
    def api_name(self) -> str:
        return self.name


class CaseInsensitiveUserManager(UserManager):
    def get_by_natural_key(self, username: str):
        return self.get(username__iexact=username)


class User(AbstractUser):
    """An account: owns rocks and Luanti content, holds API keys and tokens."""

    display_name = models.CharField(max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(choices=Rank.choices, default=Rank.NEW_MEMBER)
    is_suspended = models.BooleanField(default=False)
    # http(s) only, not URLField's ftp too: profile pages link them (media_tools.links)
    website_url = models.URLField(max_length=255, blank=True, validators=[validate_web_url])
    donate_url = models.URLField(max_length=255, blank=True, validators=[validate_web_url])
    github_username = models.CharField(max_length=50, blank=True)
    forums_username = models.CharField(max_length=50, blank=True)

    objects = CaseInsensitiveUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


class ApiKey(models.Model):
    """A LuaRocks API key: the secret travels in the URL path (`/api/1/<key>/...`)."""

    SECRET_LENGTH = 40

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    comment = models.CharField(max_length=255, blank=True)
    actions = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "LuaRocks API key"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ApiToken(models.Model):
    """A ContentDB API token (`Authorization: Bearer ...`), optionally limited to one package."""

    SECRET_LENGTH = 32

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    package = models.ForeignKey(
        "packages.Package",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ContentDB API token"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.user})"


class AuditSeverity(models.IntegerChoices):
    """ContentDB's audit severities: how much a moderator should care about an entry."""

    NORMAL = 0, "Normal"  # someone changed their own things
    USER = 1, "Security"  # credentials and accounts
    EDITOR = 2, "Editor"  # a staff member changed someone else's content
    MODERATION = 3, "Moderation"  # destructive or moderator-only actions


class AuditLogEntry(models.Model):
    """One moderation action or security event: who, what, when, on what, and a short diff."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    causer = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries_caused",
        help_text="Who did it (empty: the system or a deleted account).",
    )
    severity = models.PositiveSmallIntegerField(
        choices=AuditSeverity.choices, default=AuditSeverity.NORMAL
    )
    action = models.CharField(max_length=50, help_text='A stable code, e.g. "package.approve".')
    title = models.CharField(max_length=100)
    package = models.ForeignKey(
        "packages.Package",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_log_entries",
    )
    target_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries_about"
    )
    target = models.CharField(
        max_length=255, blank=True, help_text="What it was done to, kept when the row is gone."
    )
    diff = models.JSONField(default=dict, blank=True, help_text='{"field": [old, new]}')
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["package", "-created_at"]),
            models.Index(fields=["action", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.causer or 'system'}: {self.title}"
