"""The demo data agrees with itself: a package's downloads are its releases' downloads, which are
their files', and the daily statistics of the chart add up to the same total."""

import os

import pytest
from django.core.management import call_command
from django.db.models import Sum

from packages.models import Package, PackageDailyStats
from releases.models import ReleaseFile

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_every_count_of_the_demo_adds_up(demo):
    packages = Package.objects.all()
    assert packages.count() == 10  # with lunar/lantern_posts, the Lantern of the search examples
    for package in packages:
        releases = package.releases.all()
        assert package.downloads > 0
        assert sum(r.downloads for r in releases) == package.downloads, package.name
        for release in releases:
            files = ReleaseFile.objects.filter(release=release).aggregate(n=Sum("downloads"))["n"]
            assert files == release.downloads, (package.name, release.name)
        daily = PackageDailyStats.objects.filter(package=package)
        luanti = daily.aggregate(n=Sum("platform_minetest"))["n"]
        other = daily.aggregate(n=Sum("platform_other"))["n"]
        assert luanti + other == package.downloads, package.name


def test_a_rock_with_downloads_shows_them_on_its_chart(demo, client):
    body = client.get("/modules/lunar/tinyjson").content.decode()
    assert "No downloads in the last 90 days" not in body
    wolves = client.get("/packages/rubens/wolves/").content.decode()
    assert "400 downloads" in wolves
