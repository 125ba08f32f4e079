"""The home page's lists as a visitor reads them: which packages, in which order, how many, and the
picture each card shows (packages/selectors.py: newest, recently updated, popular, covers)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from packages.models import Package, PackageState, PackageType, Screenshot
from tests.factories import PackageFactory, RockFactory

pytestmark = pytest.mark.django_db


def section(body: str, heading: str) -> str:
    """The page from the heading with this text to the next heading of its level."""
    start = body.index(f">{heading}</h2>")
    end = body.find("<h2", start)
    return body[start : end if end != -1 else None]


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html)


def line_titles(html: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]*">([^<]*)</a>', html)


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_new_packages_are_the_six_last_approved_newest_first(client, user):
    now = timezone.now()
    for n in range(8):
        PackageFactory(author=user, title=f"Day {n}", approved_at=now - timedelta(days=n))
    # approved in the same instant as Day 2: the later row comes first
    PackageFactory(author=user, title="Day 2 again", approved_at=now - timedelta(days=2))
    PackageFactory(author=user, title="Draft", state=PackageState.WIP, approved_at=now)
    assert card_titles(section(home(client), "New packages")) == [
        "Day 0",
        "Day 1",
        "Day 2 again",
        "Day 2",
        "Day 3",
        "Day 4",
    ]


def test_recently_updated_are_the_eight_last_changed_public_packages(client, user):
    now = timezone.now()
    for n in range(10):
        package = PackageFactory(author=user, title=f"Edit {n}")
        Package.objects.filter(pk=package.pk).update(updated_at=now - timedelta(hours=n))
    tie = PackageFactory(author=user, title="Edit 3 again")
    draft = PackageFactory(author=user, title="Draft", state=PackageState.WIP)
    Package.objects.filter(pk=tie.pk).update(updated_at=now - timedelta(hours=3))
    Package.objects.filter(pk=draft.pk).update(updated_at=now)
    assert line_titles(section(home(client), "Recently updated")) == [
        "Edit 0",
        "Edit 1",
        "Edit 2",
        "Edit 3 again",
        "Edit 3",
        "Edit 4",
        "Edit 5",
        "Edit 6",
    ]


def test_popular_lists_are_the_five_most_downloaded_of_each_type(client, user):
    for n, downloads in enumerate([900, 800, 700, 600, 500, 400]):
        PackageFactory(author=user, name=f"mod_{n}", title=f"Mod {n}", downloads=downloads)
    # equal downloads: the higher score first, then by name
    PackageFactory(author=user, name="b_tied", title="Tied B", downloads=700, score=9)
    PackageFactory(author=user, name="a_tied", title="Tied A", downloads=700, score=1)
    PackageFactory(author=user, name="z_tied", title="Tied Z", downloads=700, score=1)
    PackageFactory(author=user, title="Hidden", downloads=10_000, state=PackageState.WIP)
    PackageFactory(author=user, title="Big Game", type=PackageType.GAME, downloads=5_000)
    RockFactory(author=user, name="busy-rock", title="busy-rock", downloads=50)
    body = home(client)
    assert line_titles(section(body, "Popular mods")) == [
        "Mod 0",
        "Mod 1",
        "Tied B",
        "Tied A",
        "Tied Z",  # Mod 2 has the same downloads and the default score, 0
    ]
    assert line_titles(section(body, "Popular games")) == ["Big Game"]
    assert line_titles(section(body, "Popular rocks")) == ["busy-rock"]
    assert "None yet." in section(body, "Popular texture packs")


def shot(package: Package, name: str, *, order: int, approved=True, cover=False) -> None:
    Screenshot.objects.create(
        package=package,
        title=name,
        file=f"shots/{name}.png",
        width=10,
        height=10,
        order=order,
        approved=approved,
        is_cover_image=cover,
    )


def card_images(html: str) -> list[str]:
    return re.findall(r'<img src="[^"]*/([^/"]*\.png)"', html)


def test_a_card_shows_the_cover_else_the_first_approved_screenshot(client, user):
    now = timezone.now()
    covered = PackageFactory(author=user, title="Covered", approved_at=now)
    shot(covered, "first", order=0)
    shot(covered, "chosen", order=5, cover=True)
    plain = PackageFactory(author=user, title="Plain", approved_at=now - timedelta(days=1))
    shot(plain, "pending", order=0, approved=False)
    shot(plain, "third", order=3)
    shot(plain, "second", order=2)
    PackageFactory(author=user, title="Bare", approved_at=now - timedelta(days=2))
    newest = section(home(client), "New packages")
    assert card_titles(newest) == ["Covered", "Plain", "Bare"]
    assert card_images(newest) == ["chosen.png", "second.png"]  # Bare has a placeholder
    assert 'class="card-cover placeholder placeholder-mod"' in newest
