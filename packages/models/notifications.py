"""Notifications: what happened that a user should know, shown in the site's list and mailed by
the user's preference for its kind (immediately, in a daily digest, or never)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from packages.models.package import Package
from packages.models.threads import Thread


class NotificationKind(models.TextChoices):
    THREAD_REPLY = "thread_reply", "Replies in threads you take part in or watch"
    NEW_REVIEW = "new_review", "New reviews of your packages"
    CHANGES_REQUESTED = "changes_requested", "Changes requested on your packages"
    APPROVED = "approved", "Your packages approved"
    RELEASE_FAILED = "release_failed", "Releases that failed to import"
    NEW_REPORT = "new_report", "New reports (editors and above)"
    NEW_RELEASE = "new_release", "New releases of packages you watch"
    UPDATE_AVAILABLE = "update_available", "New tags or commits in your packages' repositories"
    UPDATES_PAUSED = "updates_paused", "Update checks of your packages paused after failures"


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DIGEST = "digest", "Daily digest"
    NEVER = "never", "Never"


class EmailState(models.TextChoices):
    NONE = "none", "Not mailed"
    DIGEST = "digest", "Waits for the digest"
    SENT = "sent", "Mailed"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    package = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["email_state", "user"]),
        ]

    def __str__(self) -> str:
        return self.title


class EmailPreference(models.Model):
    """A user's choice for one kind; without a row the kind is mailed immediately."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    frequency = models.CharField(max_length=12, choices=EmailFrequency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="packages_email_pref_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.frequency}"


class PackageWatch(models.Model):
    """A user who wants to hear of a package's new releases."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="package_watches"
    )
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "package"], name="packages_watch_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.package_id}"
