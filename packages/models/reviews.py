"""What people say about packages: reviews, and reports to the moderators."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from packages.models.package import Package


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
