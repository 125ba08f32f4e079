"""Package scores, as ContentDB computes them (app/tasks/pkgtasks.py, Package.recalculate_score,
PackageReview.as_weight; the published rules are at /help/top_packages/ on content.luanti.org):

    score_downloads  += 1 per unique download for a new install, 0.5 for a dependency or an update
    score_downloads  *= 0.93 once a day                  (a decaying, "frecency" download count)
    score             = score_downloads + sum(150 * (rating - 3) / 2 for each approved review)

so a positive review (rating 5) is worth +150, a neutral one 0 and a negative one (rating 1) -150.
`/api/scores/` shows `score`, `score_downloads` and `score - score_downloads` as `score_reviews`.

Every write here is one UPDATE statement, whatever the number of packages.
"""

from django.db import transaction
from django.db.models import F, FloatField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django_tasks import task

from packages.models import Package, Review

DAILY_DOWNLOAD_DECAY = 0.93
REVIEW_WEIGHT = 150.0
DOWNLOAD_SCORE_BY_REASON = {"new": 1.0, "dependency": 0.5, "update": 0.5}


def review_weight(rating: int) -> float:
    """A rating from 1..5 as a weight from -1..1 (ContentDB's `as_weight`)."""
    return (rating - 3.0) / 2.0


def review_score(rating: int) -> float:
    return REVIEW_WEIGHT * review_weight(rating)


def _reviews_sum() -> Coalesce:
    # 150 * (rating - 3) / 2 == 75 * rating - 225, summed over the package's approved reviews.
    per_package = (
        Review.objects.filter(package=OuterRef("pk"), approved=True)
        .order_by()
        .values("package")
        .annotate(
            total=Sum(Cast(F("rating"), FloatField()) * (REVIEW_WEIGHT / 2) - 1.5 * REVIEW_WEIGHT)
        )
        .values("total")
    )
    return Coalesce(Subquery(per_package, output_field=FloatField()), Value(0.0))


def recalculate_score(*, package: Package) -> float:
    """Recompute one package's score now (after a review is written, edited, approved or deleted)."""
    Package.objects.filter(pk=package.pk).update(score=F("score_downloads") + _reviews_sum())
    package.refresh_from_db(fields=["score", "score_downloads"])
    return package.score


def add_download_score(*, package_id: int, reason: str | None) -> None:
    """Count one unique download towards the score (ContentDB: +1 new, +0.5 dependency/update)."""
    amount = DOWNLOAD_SCORE_BY_REASON.get(reason or "", 0.0)
    if amount:
        Package.objects.filter(pk=package_id).update(
            score_downloads=F("score_downloads") + amount, score=F("score") + amount
        )


@transaction.atomic
def update_scores(*, decay: bool = True) -> int:
    """The daily job: decay every download score once, then recompute every score.

    Run it once a day (`manage.py update_scores` from cron, or the `update_scores_task` task); each
    run with `decay` multiplies the download scores by 0.93 again.
    """
    if decay:
        Package.objects.update(score_downloads=F("score_downloads") * DAILY_DOWNLOAD_DECAY)
    return Package.objects.update(score=F("score_downloads") + _reviews_sum())


@task()
def update_scores_task(decay: bool = True) -> int:
    return update_scores(decay=decay)
