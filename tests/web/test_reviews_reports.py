"""Reviews, reports, withdrawing from review and a package's history on the web pages, over HTTP:
who may do what (403/404 otherwise), errors next to the field with the input kept, and the rows
the services wrote or did not write."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditLogEntry, Rank
from packages.models import Package, PackageState, Report, Review
from packages.reviews import write_review
from packages.workflow import request_changes
from tests.factories import PackageFactory, ReleaseFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/packages/alice/farming/"
REVIEW = PAGE + "review/"


def review_data(**overrides) -> dict:
    return {
        "rating": "positive",
        "title": "Lovely crops",
        "comment": "Grows **wheat** nicely and never crashes.",
        **overrides,
    }


def test_a_user_writes_a_review_that_shows_rendered_on_the_page(mod_package, bob_client):
    page = bob_client.get(PAGE)
    assert b"Write a review" in page.content
    response = bob_client.post(REVIEW, review_data())
    assert response.status_code == 302
    review = Review.objects.get(package=mod_package)
    assert (review.rating, review.title, review.approved) == (5, "Lovely crops", True)
    html = bob_client.get(PAGE).content.decode()
    assert "<strong>wheat</strong>" in html
    assert "Edit your review" in html
    assert Package.objects.get(pk=mod_package.pk).score > 0


def test_the_comment_markdown_is_sanitised(mod_package, bob_client, client):
    bob_client.post(REVIEW, review_data(comment="Nice one <script>alert(1)</script> indeed."))
    html = client.get(PAGE).content.decode()
    assert "<script>alert(1)" not in html
    assert "Nice one" in html


def test_errors_sit_next_to_their_field_and_the_input_is_kept(mod_package, bob_client):
    response = bob_client.post(REVIEW, review_data(title="ok", comment="Grows wheat nicely."))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_title_errors"' in html
    assert "3 to 100 characters" in html
    assert 'value="ok"' in html
    assert "Grows wheat nicely." in html
    response = bob_client.post(REVIEW, review_data(comment="short"))
    assert response.status_code == 400
    assert 'id="id_comment_errors"' in response.content.decode()
    response = bob_client.post(REVIEW, review_data(rating="great"))
    assert response.status_code == 400
    assert 'id="id_rating_errors"' in response.content.decode()
    assert not Review.objects.exists()


def test_the_writer_edits_and_deletes_their_review(mod_package, bob_client, other_user):
    write_review(
        by=other_user, package=mod_package, rating="positive", title="Fine", comment="x" * 20
    )
    form = bob_client.get(REVIEW)
    assert form.status_code == 200
    assert 'value="Fine"' in form.content.decode()
    response = bob_client.post(REVIEW, review_data(rating="negative", title="Changed my mind"))
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.rating, review.title) == (1, "Changed my mind")
    assert bob_client.post(REVIEW + "delete/").status_code == 302
    assert not Review.objects.exists()
    assert bob_client.post(REVIEW + "delete/").status_code == 404


def test_the_author_may_not_review_their_own_package(mod_package, alice_client):
    assert b"Write a review" not in alice_client.get(PAGE).content
    assert alice_client.get(REVIEW).status_code == 403
    assert alice_client.post(REVIEW, review_data()).status_code == 403
    assert not Review.objects.exists()


def test_anonymous_users_are_sent_to_log_in(mod_package, client):
    assert b"to write a review" in client.get(PAGE).content
    response = client.post(REVIEW, review_data())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Review.objects.exists()


def test_a_package_that_is_not_approved_cannot_be_reviewed(user, bob_client):
    PackageFactory(author=user, name="farming", state=PackageState.WIP, approved_at=None)
    assert bob_client.post(REVIEW, review_data()).status_code == 404  # bob cannot even see it
    assert not Review.objects.exists()


def test_deleting_someone_elses_review_is_impossible(mod_package, other_user, alice_client):
    write_review(by=other_user, package=mod_package, rating=5, title="Fine", comment="x" * 20)
    # alice has no review of her own: nothing of hers to delete, bob's stays
    assert alice_client.post(REVIEW + "delete/").status_code == 404
    assert Review.objects.count() == 1


def test_a_review_with_a_link_waits_and_its_writer_sees_it(mod_package, bob_client, client):
    bob_client.post(REVIEW, review_data(comment="See https://example.org for more."))
    review = Review.objects.get()
    assert review.approved is False
    assert b"awaiting approval" in bob_client.get(PAGE).content
    assert b"Lovely crops" not in client.get(PAGE).content


def test_review_posts_need_the_csrf_token(mod_package, other_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(other_user)
    assert client.post(REVIEW, review_data()).status_code == 403
    assert not Review.objects.exists()


# Reports


def test_anyone_reports_a_package_from_its_page(mod_package, client):
    assert b'href="/packages/alice/farming/report/"' in client.get(PAGE).content
    assert client.get(PAGE + "report/").status_code == 200
    response = client.post(PAGE + "report/", {"reason": "spam", "text": "Adverts everywhere."})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.package, report.reporter, report.reason) == (mod_package, None, "spam")


def test_a_signed_in_reporter_is_recorded(mod_package, bob_client, other_user):
    bob_client.post(PAGE + "report/", {"reason": "malware", "text": "It deletes files."})
    assert Report.objects.get().reporter == other_user


def test_report_errors_keep_the_input(mod_package, client):
    response = client.post(PAGE + "report/", {"reason": "spam", "text": "  "})
    assert response.status_code == 400
    assert 'id="id_text_errors"' in response.content.decode()
    response = client.post(PAGE + "report/", {"reason": "bogus", "text": "Kept text here."})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason_errors"' in html
    assert "Kept text here." in html
    response = client.post(PAGE + "report/", {"reason": "spam", "text": "x" * 2001})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_a_module_is_reported_from_its_page(rock_package, client):
    module = "/modules/alice/luafmt"
    assert b'href="/modules/alice/luafmt/report"' in client.get(module).content
    response = client.post(module + "/report", {"reason": "copyright", "text": "My code."})
    assert response.status_code == 302
    assert response["Location"] == module
    assert Report.objects.get().package == rock_package


def test_a_hidden_package_cannot_be_reported(user, client):
    PackageFactory(author=user, name="farming", state=PackageState.WIP, approved_at=None)
    response = client.post(PAGE + "report/", {"reason": "spam", "text": "Adverts."})
    assert response.status_code == 404
    assert not Report.objects.exists()


# The author's side of moderation: the moderator's comment, withdrawing, history


@pytest.fixture
def reviewed_package(user, moderator):
    package = PackageFactory(
        author=user, name="farming", title="Farming", state=PackageState.READY_FOR_REVIEW
    )
    ReleaseFactory(package=package)
    return package


def test_the_author_reads_the_moderators_comment_on_the_edit_page(
    reviewed_package, moderator, alice_client
):
    request_changes(by=moderator, package=reviewed_package, comment="Please add a license file.")
    html = alice_client.get(PAGE + "edit/").content.decode()
    assert "Changes needed" in html
    assert "Please add a license file." in html


def test_the_author_withdraws_a_package_from_review(reviewed_package, alice_client):
    assert b"Withdraw from review" in alice_client.get(PAGE).content
    assert b"Withdraw from review" in alice_client.get(PAGE + "edit/").content
    assert alice_client.post(PAGE + "withdraw/").status_code == 302
    reviewed_package.refresh_from_db()
    assert reviewed_package.state == PackageState.WIP
    assert AuditLogEntry.objects.filter(action="package.withdraw").count() == 1
    # a second withdrawal is refused with a message, nothing changes
    assert alice_client.post(PAGE + "withdraw/").status_code == 302
    assert AuditLogEntry.objects.filter(action="package.withdraw").count() == 1


def test_others_may_not_withdraw(reviewed_package, bob_client):
    assert bob_client.post(PAGE + "withdraw/").status_code == 403
    reviewed_package.refresh_from_db()
    assert reviewed_package.state == PackageState.READY_FOR_REVIEW


def test_the_history_page_shows_the_packages_audit_entries_to_its_people(
    reviewed_package, moderator, alice_client, bob_client
):
    request_changes(by=moderator, package=reviewed_package, comment="Please add a license.")
    assert b'href="/packages/alice/farming/history/"' in alice_client.get(PAGE).content
    response = alice_client.get(PAGE + "history/")
    assert response.status_code == 200
    entry = AuditLogEntry.objects.get(package=reviewed_package)
    assert entry.title in response.content.decode()
    assert bob_client.get(PAGE + "history/").status_code == 403
    editor = UserFactory(username="ed", rank=Rank.MODERATOR)
    client = Client()
    client.force_login(editor)
    assert client.get(PAGE + "history/").status_code == 200


def test_many_reviews_cost_no_extra_queries(mod_package, client, django_assert_max_num_queries):
    write_review(
        by=UserFactory(username="first"),
        package=mod_package,
        rating=5,
        title="One",
        comment="x" * 20,
    )
    with CaptureQueriesContext(connection) as one:
        assert client.get(PAGE).status_code == 200
    for n in range(20):
        reviewer = UserFactory(username=f"reviewer{n}")
        write_review(
            by=reviewer, package=mod_package, rating=3, title=f"Title {n}", comment="y" * 20
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(PAGE)
    assert page.content.decode().count('class="review rating-') == 21
