"""Review rules: a signed-in user who is not one of the package's people writes one review per
approved package, edits or deletes it; the score follows at once and the reviews endpoints show it."""

import pytest

from accounts.models import AuditLogEntry, Rank
from packages import reviews
from packages.errors import InvalidReview, NotAllowed, ReviewExists
from packages.models import PackageState, Review
from tests.factories import PackageFactory

GOOD = {"rating": 5, "title": "Works well", "comment": "Installs cleanly and runs fast."}


@pytest.fixture
def package(author):
    return PackageFactory(author=author, name="farming", score_downloads=10.0)


@pytest.fixture
def reviewer(make_user):
    return make_user(Rank.MEMBER, username="reviewer")


def test_a_member_writes_a_review_and_the_score_follows(package, reviewer):
    review = reviews.write_review(by=reviewer, package=package, **GOOD)
    assert (review.rating, review.title, review.approved) == (5, "Works well", True)
    package.refresh_from_db()
    assert package.score == 10.0 + 150


@pytest.mark.parametrize(
    ("rating", "stored", "score"),
    [("positive", 5, 150), ("neutral", 3, 0), ("negative", 1, -150), ("3", 3, 0), (1, 1, -150)],
)
def test_ratings_are_positive_neutral_or_negative(package, reviewer, rating, stored, score):
    review = reviews.write_review(by=reviewer, package=package, **{**GOOD, "rating": rating})
    assert review.rating == stored
    package.refresh_from_db()
    assert package.score == 10.0 + score


def test_nobody_reviews_their_own_package(package, author, make_user):
    with pytest.raises(NotAllowed, match="your own package"):
        reviews.write_review(by=author, package=package, **GOOD)
    maintainer = make_user(Rank.MEMBER, username="maint")
    package.maintainers.add(maintainer)
    with pytest.raises(NotAllowed, match="your own package"):
        reviews.write_review(by=maintainer, package=package, **GOOD)
    assert not Review.objects.exists()


def test_one_review_per_user_and_package(package, reviewer):
    reviews.write_review(by=reviewer, package=package, **GOOD)
    with pytest.raises(ReviewExists):
        reviews.write_review(by=reviewer, package=package, **{**GOOD, "rating": 1})
    assert Review.objects.count() == 1


@pytest.mark.parametrize("state", [PackageState.WIP, PackageState.READY_FOR_REVIEW])
def test_unapproved_packages_cannot_be_reviewed(author, reviewer, state):
    package = PackageFactory(author=author, state=state)
    with pytest.raises(NotAllowed, match="approved"):
        reviews.write_review(by=reviewer, package=package, **GOOD)


def test_anonymous_and_suspended_users_cannot_review(package, reviewer):
    with pytest.raises(NotAllowed):
        reviews.write_review(by=None, package=package, **GOOD)
    reviewer.is_suspended = True
    with pytest.raises(NotAllowed):
        reviews.write_review(by=reviewer, package=package, **GOOD)


@pytest.mark.parametrize(
    "bad",
    [
        {"rating": 4},
        {"rating": "great"},
        {"rating": None},
        {"title": "ab"},
        {"title": "x" * 101},
        {"comment": "too short"},
        {"comment": "x" * 2001},
        {"comment": "   "},
    ],
)
def test_bad_reviews_are_refused_and_nothing_is_stored(package, reviewer, bad):
    with pytest.raises(InvalidReview):
        reviews.write_review(by=reviewer, package=package, **{**GOOD, **bad})
    assert not Review.objects.exists()
    package.refresh_from_db()
    assert package.score == 0  # unchanged


def test_a_new_members_review_with_links_waits_for_approval(package, make_user, staff_moderator):
    newbie = make_user(Rank.NEW_MEMBER, username="newbie")
    review = reviews.write_review(
        by=newbie, package=package, **{**GOOD, "comment": "Get it [here](https://spam.example)"}
    )
    assert not review.approved
    package.refresh_from_db()
    assert package.score == 10.0  # unapproved reviews do not count
    reviews.approve_review(by=staff_moderator, review=review)
    package.refresh_from_db()
    assert package.score == 160.0
    assert AuditLogEntry.objects.filter(action="review.approve").count() == 1


def test_the_writer_edits_their_review_and_nobody_else_may(package, reviewer, make_user):
    review = reviews.write_review(by=reviewer, package=package, **GOOD)
    with pytest.raises(NotAllowed):
        reviews.edit_review(by=make_user(Rank.ADMIN), review=review, **GOOD)
    reviews.edit_review(
        by=reviewer, review=review, rating=1, title="Broke", comment="Crashes on start."
    )
    review.refresh_from_db()
    assert (review.rating, review.title) == (1, "Broke")
    package.refresh_from_db()
    assert package.score == 10.0 - 150


def test_the_writer_or_a_moderator_deletes_a_review(package, reviewer, make_user, staff_moderator):
    review = reviews.write_review(by=reviewer, package=package, **GOOD)
    with pytest.raises(NotAllowed):
        reviews.delete_review(by=make_user(Rank.EDITOR), review=review)
    reviews.delete_review(by=reviewer, review=review)
    package.refresh_from_db()
    assert package.score == 10.0
    review = reviews.write_review(by=reviewer, package=package, **GOOD)  # may write a new one
    reviews.delete_review(by=staff_moderator, review=review, reason="off topic")
    assert not Review.objects.exists()
    severities = list(AuditLogEntry.objects.order_by("id").values_list("severity", flat=True))
    assert severities == [0, 3]  # the writer's own deletion, then a moderator's


def test_the_reviews_endpoints_show_the_live_data(client, package, reviewer):
    reviews.write_review(by=reviewer, package=package, **GOOD)
    listed = client.get(f"/api/packages/{package.key}/reviews/").json()
    assert [(r["title"], r["rating"], r["user"]["username"]) for r in listed] == [
        ("Works well", 5, "reviewer")
    ]
    scores = {f"{s['author']}/{s['name']}": s for s in client.get("/api/scores/").json()}
    assert scores[package.key]["score"] == 160.0
    assert scores[package.key]["score_reviews"] == 150.0
