from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.errors import AccountsError
from accounts.usernames import check_email_is_free, check_new_username
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


class CaseInsensitiveUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(username__iexact=username)

    def _create_user(self, username, email, password, **extra_fields):
        # `createsuperuser` and `create_user()` come through here: the same name and email rules as
        # sign-up (accounts/usernames.py), and an account an operator made is theirs to vouch for.
        try:
            check_new_username(username)
            check_email_is_free(email or "")
        except AccountsError as error:  # createsuperuser shows a ValidationError as its error
            raise ValidationError(str(error)) from error
        extra_fields.setdefault("verified_by_operator", True)
        # UserManager._create_user (Django 5.2) is missing from django-stubs' UserManager
        return super()._create_user(username, email, password, **extra_fields)  # type: ignore[misc]


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
    # Publishing needs a verified account (accounts/verification.py): the email address whose signed
    # link was opened, kept as it was, so changing `email` leaves the new address unverified...
    verified_email = models.EmailField(
        blank=True, help_text="The address whose verification link was opened."
    )
    # ...or an operator's word: accounts made by management commands (create_api_key, createsuperuser).
    verified_by_operator = models.BooleanField(
        default=False, help_text="An operator created or vouched for this account."
    )

    objects: ClassVar[CaseInsensitiveUserManager] = CaseInsensitiveUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            # one account per verified address; `email` itself is checked on every write
            # (accounts/usernames.py), since accounts made before the check may share one
            models.UniqueConstraint(
                Lower("verified_email"),
                condition=~models.Q(verified_email=""),
                name="accounts_user_verified_email_ci_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    @property
    def has_verified_email(self) -> bool:
        return bool(self.email) and self.verified_email.lower() == self.email.lower()

    @property
    def may_publish(self) -> bool:
        """Verified: by the link mailed to its current address, or by an operator."""
        return self.verified_by_operator or self.is_superuser or self.has_verified_email


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator app; only its SHA-256 is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "code_hash"], name="accounts_recoverycode_user_hash_unique"
            )
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.user} ({'used' if self.used_at else 'unused'})"


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
