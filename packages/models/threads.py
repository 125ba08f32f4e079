"""Conversations about a package: threads and their replies.

Three kinds of thread (ContentDB's model, app/models/threads.py): the package's approval thread
(private to its people and approvers and above; every state change is posted in it as a system
reply), one public thread per review (the review is its opening post), and discussions anyone
opens with a package's people (private by default, e.g. a security report).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from packages.models.package import Package
from packages.models.reviews import Review

TITLE_LENGTH = 100


class ThreadKind(models.TextChoices):
    APPROVAL = "approval", "Approval"
    REVIEW = "review", "Review"
    DISCUSSION = "discussion", "Discussion"


class Thread(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="threads")
    kind = models.CharField(max_length=12, choices=ThreadKind.choices)
    review = models.OneToOneField(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads",
    )
    title = models.CharField(max_length=TITLE_LENGTH)
    private = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)
    # the package's people wrote last in it and no moderator has answered (the queue sorts by it)
    awaiting_moderator = models.BooleanField(default=False)
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_threads"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_reply_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_reply_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["package"],
                condition=Q(kind="approval"),
                name="packages_thread_one_approval_thread",
            ),
        ]
        indexes = [models.Index(fields=["package", "-last_reply_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/threads/{self.pk}/"

    @property
    def is_approval(self) -> bool:
        return self.kind == ThreadKind.APPROVAL


class ThreadReply(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="thread_replies",
    )
    # a state change posted by the site (the moderator who caused it is `author`, if any)
    is_system = models.BooleanField(default=False)
    # the opening post of a discussion: deleted only with its thread
    opening = models.BooleanField(default=False)
    body = models.TextField()
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return f"Reply {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return f"/threads/{self.thread_id}/#reply-{self.pk}"
