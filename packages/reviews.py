"""Reviews: a signed-in user who is not one of the package's people writes one review per approved
package (positive, neutral or negative, a title and a Markdown comment), then edits or deletes it.
Moderators delete any review and approve the ones that wait.

Rules from ContentDB (app/blueprints/packages/reviews.py): title 3-100 characters, comment 10-2000;
a review with links by a user below MEMBER waits for a moderator's approval; every change recomputes
the package's score at once. ContentDB checks the link rule only when a review is written; here one
rule (`_approved_after`) decides on writing and on editing, so a link edited into a clean review
waits for a moderator too.
"""

import re
from typing import Any

from django.db import IntegrityError, transaction

from accounts.audit import record
from accounts.models import AuditSeverity, Rank, User
from packages.errors import InvalidReview, NotAllowed, ReviewExists
from packages.models import Package, PackageState, Review, Thread
from packages.permissions import Action, can, is_own_package
from packages.scoring import recalculate_score
from packages.threads import notify_new_review, open_review_thread

TITLE_LENGTH = (3, 100)
COMMENT_LENGTH = (10, 2000)
RATINGS = {
    "positive": Review.Rating.POSITIVE,
    "neutral": Review.Rating.NEUTRAL,
    "negative": Review.Rating.NEGATIVE,
}
# Markdown or bare links: ContentDB holds reviews with links by new members for approval (spam).
LINK = re.compile(r"https?://|\bwww\.|\]\s*\(", re.IGNORECASE)

OWN_PACKAGE = "You can't review your own package!"
NOT_APPROVED = "Only approved packages can be reviewed."
NO_PERMISSION = "You don't have permission to review packages."
ONE_REVIEW = "You have already reviewed this package; edit your review instead."


@transaction.atomic
def write_review(
    *, by: User, package: Package, rating: int | str, title: str, comment: str
) -> Review:
    if not can(by, Action.WRITE_REVIEW, package):
        raise NotAllowed(_refusal(by, package))
    values = _clean(rating=rating, title=title, comment=comment)
    if Review.objects.filter(package=package, author=by).exists():
        raise ReviewExists(ONE_REVIEW)
    approved = _approved_after(by=by, comment=values["comment"], before=None)
    try:
        with transaction.atomic():  # a concurrent first review hits the unique constraint
            review = Review.objects.create(package=package, author=by, approved=approved, **values)
    except IntegrityError:
        raise ReviewExists(ONE_REVIEW) from None
    recalculate_score(package=package)
    open_review_thread(review=review)
    return review


@transaction.atomic
def edit_review(*, by: User, review: Review, rating: int | str, title: str, comment: str) -> Review:
    """The writer changes their review; the score follows."""
    if review.author_id != by.pk or not can(by, Action.WRITE_REVIEW, review.package):
        raise NotAllowed("Only the writer of a review may edit it.")
    values = _clean(rating=rating, title=title, comment=comment)
    approved = _approved_after(by=by, comment=values["comment"], before=review)
    for field, value in values.items():
        setattr(review, field, value)
    review.approved = approved
    review.save(update_fields=[*values, "approved", "updated_at"])
    Thread.objects.filter(review=review).update(title=review.title)
    recalculate_score(package=review.package)
    return review


def _approved_after(*, by: User, comment: str, before: Review | None) -> bool:
    """Whether a review is public once written or edited: a comment with links by a user below
    MEMBER waits for a moderator (ContentDB's spam rule); an approved review keeps its approval
    while its comment stays the same (a moderator approved that text)."""
    if before is not None and before.approved and before.comment == comment:
        return True
    needs_approval = by.rank < Rank.MEMBER and not by.is_superuser and LINK.search(comment)
    return not needs_approval


@transaction.atomic
def delete_review(*, by: User, review: Review, reason: str = "") -> None:
    """The writer or a moderator removes a review; a moderator's removal is audited."""
    if not can(by, Action.DELETE_REVIEW, review):
        raise NotAllowed("You may delete only your own reviews.")
    package = review.package
    by_writer = review.author_id == by.pk
    record(
        causer=by,
        action="review.delete",
        title=f"Deleted the review by {review.author.username} of {package.title}",
        severity=AuditSeverity.NORMAL if by_writer else AuditSeverity.MODERATION,
        package=package,
        target_user=review.author,
        diff={"rating": (review.rating, None), "title": (review.title, None)},
        description=reason.strip()[:500],
    )
    review.delete()
    recalculate_score(package=package)


@transaction.atomic
def approve_review(*, by: User, review: Review) -> Review:
    if not can(by, Action.APPROVE_REVIEW, review):
        raise NotAllowed("Only moderators approve reviews.")
    if not review.approved:
        review.approved = True
        review.save(update_fields=["approved", "updated_at"])
        record(
            causer=by,
            action="review.approve",
            title=f"Approved the review by {review.author.username} of {review.package.title}",
            severity=AuditSeverity.MODERATION,
            package=review.package,
            target_user=review.author,
            diff={"approved": (False, True)},
        )
        recalculate_score(package=review.package)
        thread = Thread.objects.filter(review=review).first()
        if thread is not None:
            notify_new_review(review=review, thread=thread)
    return review


def _refusal(by: User | None, package: Package) -> str:
    if by is not None and by.is_authenticated and is_own_package(by, package):
        return OWN_PACKAGE
    if package.state != PackageState.APPROVED:
        return NOT_APPROVED
    return NO_PERMISSION


def _clean(*, rating: int | str, title: str, comment: str) -> dict[str, Any]:
    if isinstance(rating, str) and rating.strip().lower() in RATINGS:
        rating = RATINGS[rating.strip().lower()]
    try:
        rating = Review.Rating(int(rating))
    except (TypeError, ValueError):
        raise InvalidReview(
            "The rating must be positive, neutral or negative (5, 3 or 1).", field="rating"
        ) from None
    title = (title or "").strip()
    comment = (comment or "").replace("\r\n", "\n").strip()
    if not TITLE_LENGTH[0] <= len(title) <= TITLE_LENGTH[1]:
        raise InvalidReview("The title must be 3 to 100 characters long.", field="title")
    if not COMMENT_LENGTH[0] <= len(comment) <= COMMENT_LENGTH[1]:
        raise InvalidReview("The comment must be 10 to 2000 characters long.", field="comment")
    return {"rating": rating, "title": title, "comment": comment}
