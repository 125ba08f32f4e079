"""ContentDB's score on a known data set: score = score_downloads + sum(150 * (rating - 3) / 2) over
approved reviews, and the daily job multiplies score_downloads by 0.93 first."""

import pytest
from django.core.management import call_command

from accounts.models import Rank
from packages.models import Review
from packages.scoring import add_download_score, review_score, update_scores, update_scores_task
from releases.download_counts import flush_downloads
from tests.factories import PackageFactory, UserFactory


@pytest.fixture
def data_set(db):
    """Three packages: A (100 downloads-score; +, +, -), B (0; one unapproved +, one neutral),
    C (50; -). Expected after one daily run: A 93+150=243, B 0, C 46.5-150=-103.5."""
    people = [UserFactory(username=f"r{i}", rank=Rank.MEMBER) for i in range(3)]
    a = PackageFactory(name="a", score_downloads=100.0)
    b = PackageFactory(name="b", score_downloads=0.0)
    c = PackageFactory(name="c", score_downloads=50.0)

    def review(package, who, rating, approved=True):
        Review.objects.create(
            package=package,
            author=who,
            rating=rating,
            title="t" * 5,
            comment="c" * 20,
            approved=approved,
        )

    review(a, people[0], 5)
    review(a, people[1], 5)
    review(a, people[2], 1)
    review(b, people[0], 5, approved=False)
    review(b, people[1], 3)
    review(c, people[0], 1)
    return a, b, c


def scores(*packages):
    for p in packages:
        p.refresh_from_db()
    return [(round(p.score_downloads, 6), round(p.score, 6)) for p in packages]


def test_review_scores_are_plus_150_zero_and_minus_150():
    assert [review_score(r) for r in (1, 2, 3, 4, 5)] == [-150, -75, 0, 75, 150]


def test_the_command_decays_downloads_and_adds_reviews(data_set, capsys):
    call_command("update_scores")
    assert "Updated the scores of 3 packages." in capsys.readouterr().out
    assert scores(*data_set) == [(93.0, 243.0), (0.0, 0.0), (46.5, -103.5)]


def test_two_daily_runs_decay_twice(data_set):
    update_scores()
    update_scores()
    assert scores(*data_set) == [(86.49, 236.49), (0.0, 0.0), (43.245, -106.755)]


def test_no_decay_only_recomputes_from_reviews(data_set):
    call_command("update_scores", "--no-decay")
    assert scores(*data_set) == [(100.0, 250.0), (0.0, 0.0), (50.0, -100.0)]


def test_the_periodic_task_runs_the_same_job(data_set):
    result = update_scores_task.enqueue()
    assert result.return_value == 3
    assert scores(*data_set)[0] == (93.0, 243.0)


@pytest.mark.parametrize(
    ("reason", "gain"),
    [("new", 1.0), ("dependency", 0.5), ("update", 0.5), (None, 0.0), ("bogus", 0.0)],
)
def test_a_unique_download_adds_to_the_score_by_reason(db, reason, gain):
    package = PackageFactory(score_downloads=2.0, score=2.0)
    add_download_score(package_id=package.pk, reason=reason)
    assert scores(package) == [(2.0 + gain, 2.0 + gain)]


def test_the_update_is_a_fixed_number_of_queries(data_set, django_assert_num_queries):
    # a savepoint, two UPDATEs and the release, whatever the number of packages
    with django_assert_num_queries(4):
        update_scores()
    PackageFactory.create_batch(20)
    with django_assert_num_queries(4):
        update_scores()


def test_a_luanti_client_download_feeds_the_download_score(client, db):
    from django.core.files.base import ContentFile

    from releases.models import FileKind
    from tests.factories import ReleaseFactory

    package = PackageFactory(name="fed")
    release = ReleaseFactory(package=package)
    release.files.create(
        kind=FileKind.ZIP,
        file=ContentFile(b"PK\x05\x06" + b"\0" * 18, name="fed.zip"),
        filename="fed.zip",
        size=22,
        sha256="0" * 64,
    )
    agent = {"HTTP_USER_AGENT": "Luanti/5.10.0 (Linux/6.1 x86_64)"}
    url = f"/packages/{package.key}/releases/{release.pk}/download/"
    # three installs from three addresses (one address counts once a day)
    assert client.get(url + "?reason=new", REMOTE_ADDR="10.0.0.1", **agent).status_code == 200
    assert client.get(url + "?reason=update", REMOTE_ADDR="10.0.0.2", **agent).status_code == 200
    assert client.get(url, REMOTE_ADDR="10.0.0.3", **agent).status_code == 200
    assert client.get(url + "?reason=new", REMOTE_ADDR="10.0.0.1", **agent).status_code == 200
    flush_downloads()  # the pending counts, as the app servers write them every few seconds
    assert scores(package) == [(1.5, 1.5)]
