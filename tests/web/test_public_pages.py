"""Public pages: home, search, package and module pages, user, tags, licenses, robots, sitemap."""

from datetime import timedelta

import pytest
from django.utils import timezone

from packages.models import License, PackageDailyStats, PackageState, PackageType, Tag
from tests.factories import PackageFactory, ReleaseFactory, RockFactory

pytestmark = pytest.mark.django_db


def test_home_lists_approved_packages_only_with_counts(client, user):
    PackageFactory(author=user, name="shown", title="Shown Mod")
    PackageFactory(author=user, name="draft", title="Draft Mod", state=PackageState.WIP)
    RockFactory(author=user, name="rocky", title="rocky", downloads=7)
    body = client.get("/").content.decode()
    assert "Shown Mod" in body and "rocky" in body
    assert "Draft Mod" not in body
    assert "<strong>1</strong> rocks" in body and "<strong>1</strong> Luanti packages" in body


def test_home_with_nothing_says_so(client, db):
    assert "No packages available yet." in client.get("/").content.decode()


def test_home_page_query_count_does_not_grow_with_packages(
    client, user, django_assert_max_num_queries
):
    for n in range(12):
        PackageFactory(author=user, name=f"mod_{n}")
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200


@pytest.fixture
def catalogue(user, other_user):
    food = Tag.objects.get_or_create(name="food", defaults={"title": "Food"})[0]
    farming = PackageFactory(author=user, name="farming_x", title="Farming X", score=5)
    farming.tags.add(food)
    PackageFactory(author=other_user, name="wolves", title="Wolves", type=PackageType.MOD, score=3)
    PackageFactory(author=other_user, name="valley", title="Valley", type=PackageType.GAME)
    RockFactory(
        author=user, name="jsonish", title="jsonish", labels=["json"], declared_license="MIT"
    )
    PackageFactory(author=user, name="hidden", title="Hidden Farming", state=PackageState.WIP)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=farming", {"Farming X"}),
        ("type=GAME", {"Valley"}),
        ("tag=food", {"Farming X"}),
        ("tag=json", {"jsonish"}),
        ("author=BOB", {"Wolves", "Valley"}),
        ("license=mit", {"Farming X", "Wolves", "Valley", "jsonish"}),
        ("q=farming&type=ROCK", set()),
        ("type=rock", {"jsonish"}),
        (
            "type=BOGUS",
            set(),
        ),  # named nothing: an empty list and a message (tests/web/test_search.py)
    ],
)
def test_search_filters_combine(client, catalogue, query, expected):
    response = client.get(f"/packages/?{query}")
    assert response.status_code == 200
    found = {p.title for p in response.context["packages"]}
    assert found == expected


def test_search_pages_and_keeps_the_filters_in_the_links(client, user):
    for n in range(30):
        PackageFactory(author=user, name=f"mod_{n:02}")
    first = client.get("/packages/?type=MOD").content.decode()
    assert "Page 1 of 2" in first
    assert "?type=MOD&amp;page=2" in first
    last = client.get("/packages/?type=MOD&page=99")  # out of range shows the last page
    assert last.status_code == 200 and "Page 2 of 2" in last.content.decode()


def test_package_page_has_title_description_canonical_and_install_help(
    client, mod_package, settings
):
    body = client.get("/packages/alice/farming/").content.decode()
    assert "<title>Farming · Mod by alice · Lua Registry</title>" in body
    assert '<meta name="description" content="A package made by a test.">' in body
    assert f'<link rel="canonical" href="{settings.SITE_URL}/packages/alice/farming/">' in body
    assert "How to install" in body
    assert body.count("<h1") == 1


def test_package_page_is_case_insensitive_and_canonical_keeps_the_real_name(
    client, mod_package, settings
):
    body = client.get("/packages/ALICE/Farming/").content.decode()
    assert f'href="{settings.SITE_URL}/packages/alice/farming/"' in body


def test_package_description_is_escaped(client, user):
    PackageFactory(author=user, name="xss", long_description="<script>alert(1)</script>")
    body = client.get("/packages/alice/xss/").content.decode()
    assert "<script>alert(1)</script>" not in body


def test_unapproved_package_is_visible_to_its_author_only(client, alice_client, bob_client, user):
    PackageFactory(author=user, name="draft", state=PackageState.WIP)
    assert client.get("/packages/alice/draft/").status_code == 404
    assert bob_client.get("/packages/alice/draft/").status_code == 404
    page = alice_client.get("/packages/alice/draft/")
    assert page.status_code == 200
    assert '<meta name="robots" content="noindex">' in page.content.decode()


def test_a_rock_is_not_a_luanti_page_and_a_mod_is_not_a_module_page(
    client, mod_package, rock_package
):
    assert client.get("/packages/alice/luafmt/").status_code == 404
    assert client.get("/modules/alice/farming").status_code == 404


def test_package_page_lists_releases_with_download_links(client, mod_package):
    release = ReleaseFactory(package=mod_package, name="v1", title="First")
    ReleaseFactory(package=mod_package, name="v2", title="Hidden", approved=False)
    body = client.get("/packages/alice/farming/").content.decode()
    assert f"/packages/alice/farming/releases/{release.pk}/download/" in body
    assert "Hidden" not in body


def test_downloads_chart_is_an_svg_of_the_daily_stats(client, mod_package):
    today = timezone.now().date()
    for n, count in enumerate([3, 5, 8]):
        PackageDailyStats.objects.create(
            package=mod_package, date=today - timedelta(days=n), platform_minetest=count
        )
    body = client.get("/packages/alice/farming/").content.decode()
    assert '<svg class="chart"' in body
    assert "16 downloads from" in body
    assert body.count("<rect ") == 3


def test_no_chart_without_downloads(client, mod_package):
    body = client.get("/packages/alice/farming/").content.decode()
    assert "<svg" not in body and "No downloads in the last 90 days." in body


def test_module_page_sorts_versions_by_luarocks_rules_and_shows_the_install_command(
    client, rock_package, settings
):
    for name in ["1.9-1", "1.10-1", "1.10rc1-1", "scm-1"]:
        ReleaseFactory(package=rock_package, name=name, is_development=name.startswith("scm"))
    response = client.get("/modules/alice/luafmt")
    body = response.content.decode()
    versions = [r.name for r in response.context["releases"]]
    assert versions == ["scm-1", "1.10-1", "1.10rc1-1", "1.9-1"]
    assert response.context["current"].name == "1.10-1"  # the newest stable one
    assert f"luarocks install luafmt --server={settings.SITE_URL}</code>" in body


def test_module_outside_the_root_manifest_installs_from_the_users_manifest(client, user, settings):
    RockFactory(author=user, name="second", in_root_manifest=False)
    body = client.get("/modules/alice/second").content.decode()
    assert f"--server={settings.SITE_URL}/manifests/alice</code>" in body


def test_module_user_url_redirects_to_the_user_page(client, user):
    response = client.get("/modules/alice/")
    assert response.status_code == 301 and response["Location"] == "/users/alice/"


def test_user_page_shows_their_packages_and_drafts_only_to_themselves(
    client, alice_client, user, mod_package, rock_package
):
    PackageFactory(author=user, name="draft", title="My Draft", state=PackageState.WIP)
    public = client.get("/users/alice/").content.decode()
    assert "Farming" in public and "luafmt" in public and "My Draft" not in public
    assert "My Draft" in alice_client.get("/users/alice/").content.decode()


def test_unknown_user_is_404(client, db):
    response = client.get("/users/nobody/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_tags_and_licenses_pages_count_approved_packages(client, catalogue):
    tags = client.get("/tags/")
    assert [(t.name, t.package_count) for t in tags.context["tags"] if t.name == "food"] == [
        ("food", 1)
    ]
    licenses = client.get("/licenses/")
    mit = next(item for item in licenses.context["licenses"] if item.name == "MIT")
    assert mit.package_count == 3  # the rock declares MIT but does not pick from the list


def test_licenses_page_lists_the_most_used_first_and_unused_ones_at_zero(client, user):
    isc = License.objects.get(name="ISC")
    PackageFactory(author=user, license=isc)
    PackageFactory(author=user, license=isc)
    PackageFactory(author=user)  # MIT
    PackageFactory(author=user, license=isc, state=PackageState.WIP)  # not counted
    response = client.get("/licenses/")
    counts = [(item.name, item.package_count) for item in response.context["licenses"]]
    assert counts[:4] == [("ISC", 2), ("MIT", 1), ("AGPL-3.0-only", 0), ("AGPL-3.0-or-later", 0)]
    assert len(counts) == License.objects.count()
    body = response.content.decode()
    assert '?license=ISC">2</a>' in body
    assert "<td>0</td>" in body and "?license=Unlicense" not in body


def test_robots_txt_points_at_the_sitemap(client, settings):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /settings/" in body
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body


def test_sitemap_lists_public_pages_only(client, catalogue, settings):
    response = client.get("/sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    body = response.content.decode()
    assert f"<loc>{settings.SITE_URL}/packages/alice/farming_x/</loc>" in body
    assert f"<loc>{settings.SITE_URL}/modules/alice/jsonish</loc>" in body
    assert f"<loc>{settings.SITE_URL}/users/bob/</loc>" in body
    assert "hidden" not in body


def test_demo_data_renders_on_every_public_page(client, demo):
    for url in [
        "/",
        "/packages/",
        "/packages/sofia/farming_plus/",
        "/packages/sofia/voxel_valley/",
        "/modules/lunar/luafmt",
        "/modules/lunar/luafmt/1.1-1",
        "/modules/rubens/pathfind",
        "/users/sofia/",
        "/tags/",
        "/licenses/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url


def test_page_query_counts_do_not_grow_with_rows(client, user, django_assert_max_num_queries):
    from packages.models import Screenshot

    rock = RockFactory(author=user, name="many")
    mod = PackageFactory(author=user, name="busy")
    for n in range(10):
        ReleaseFactory(package=rock, name=f"1.{n}-1")
        ReleaseFactory(package=mod, name=f"v{n}")
        Screenshot.objects.create(
            package=mod, title=f"s{n}", file=f"screenshots/s{n}.png", width=1280, height=720
        )
        PackageFactory(author=user, name=f"filler_{n}")
    with django_assert_max_num_queries(6):
        assert client.get("/modules/alice/many").status_code == 200
    # 13th: the threads block (issue #21); + used by, games, collections (tests/web/test_discovery.py
    # counts 20 dependencies)
    with django_assert_max_num_queries(16):
        assert client.get("/packages/alice/busy/").status_code == 200
    # + the game filter's list; on SQLite + 2 per word for the typo candidates (packages.search)
    with django_assert_max_num_queries(9):
        assert client.get("/packages/?q=filler").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/users/alice/").status_code == 200
