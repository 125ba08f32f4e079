"""Who sees which admin pages: the permission table's rule for each model (packages.permissions
ADMIN_PAGES), so reports, which the table gives to editors and above, stay out of an approver's
admin (finding 11 of issue 16), in the report pages and in the queue and review pages alike."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Rank
from packages.models import PackageState, Report, ReportReason
from registry.admin.actions import ADMIN_PAGES, RankAccessMixin
from tests.factories import PackageFactory, UserFactory
from tests.logins import log_in_to_the_admin

pytestmark = pytest.mark.django_db

REPORTS = reverse("admin:packages_report_changelist")
QUEUE = reverse("admin:packages_package_moderation_queue")
SECRET_TEXT = "In the reporters own words: this mod steals passwords"


@pytest.fixture
def report(db):
    package = PackageFactory(name="shady", state=PackageState.READY_FOR_REVIEW)
    return Report.objects.create(package=package, reason=ReportReason.SPAM, text=SECRET_TEXT)


def staff_client(client, rank: Rank):
    return log_in_to_the_admin(client, UserFactory(username=f"r{rank}", rank=rank, is_staff=True))


def test_an_approver_gets_no_report_in_the_admin(client, report):
    staff_client(client, Rank.APPROVER)
    assert client.get(REPORTS).status_code == 403
    change = reverse("admin:packages_report_change", args=[report.pk])
    assert client.get(change).status_code == 403
    index = client.get("/admin/").content.decode()
    assert REPORTS not in index
    queue = client.get(QUEUE)
    assert queue.status_code == 200  # the queue itself is the approvers'
    assert SECRET_TEXT not in queue.content.decode()
    review = client.get(reverse("admin:packages_package_review", args=[report.package.pk]))
    assert review.status_code == 200
    assert SECRET_TEXT not in review.content.decode()


@pytest.mark.parametrize("rank", [Rank.EDITOR, Rank.MODERATOR])
def test_editors_and_above_read_reports(client, report, rank):
    staff_client(client, rank)
    listing = client.get(REPORTS)
    assert listing.status_code == 200
    assert SECRET_TEXT[:60] in listing.content.decode()
    change = client.get(reverse("admin:packages_report_change", args=[report.pk]))
    assert change.status_code == 200
    assert SECRET_TEXT in client.get(QUEUE).content.decode()
    assert (
        SECRET_TEXT
        in client.get(
            reverse("admin:packages_package_review", args=[report.package.pk])
        ).content.decode()
    )


def test_every_rank_based_admin_page_has_a_rule_in_the_table():
    ranked = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, RankAccessMixin)
    }
    assert ranked == set(ADMIN_PAGES)
