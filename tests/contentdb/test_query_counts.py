"""List endpoints cost a constant number of SQL queries whatever the number of packages."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from packages.models import (
    Collection,
    CollectionItem,
    MetaPackage,
    PackageAlias,
    PackageDailyStats,
    PackageDependency,
    PackageType,
    Review,
    Tag,
)
from tests.contentdb.conftest import make_release, make_screenshot
from tests.factories import PackageFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = (
    "/api/packages/?type=mod&type=game&type=txp&protocol_version=41&engine_version=5.6.1"
    "&hide=nonfree&hide=desktop_default"
)
# endpoint -> the most queries it may use (on SQLite and PostgreSQL)
ENDPOINTS = {
    LIST: 4,
    "/api/packages/": 3,
    "/api/packages/?fmt=keys": 1,
    "/api/packages/?tag=food&license=MIT&sort=last_release&order=asc": 4,
    "/api/updates/?protocol_version=41&engine_version=5.6.1": 3,
    "/api/scores/": 1,
    "/api/dependencies/?n=300": 4,
    "/api/reviews/?n=200": 2,
    "/api/releases/": 2,
    "/api/homepage/": 12,
    "/api/package_stats/": 1,
    "/api/collections/": 1,
    "/api/collections/owner/all/": 4,
    "/api/packages/owner/pkg_0/": 10,
    "/api/packages/owner/pkg_0/for-client/?formspec_version=6": 12,  # + the languages of the Information tab
    "/api/packages/owner/pkg_0/dependencies/?only_hard=1": 3,
    "/api/packages/owner/pkg_0/releases/": 3,
    "/api/packages/owner/pkg_0/screenshots/": 2,
    "/api/packages/owner/pkg_0/reviews/": 2,
    "/api/packages/owner/pkg_0/stats/": 2,
    "/api/users/owner/stats/": 3,
    "/api/tags/": 1,
}


def build_site(count: int) -> None:
    owner = UserFactory(username="owner")
    reviewer = UserFactory(username="reviewer")
    food = Tag.objects.get(name="food")
    base = MetaPackage.objects.create(name="base")
    collection = Collection.objects.create(author=owner, name="all", title="All")
    game = PackageFactory(author=owner, name="game", type=PackageType.GAME)
    for n in range(count):
        package = PackageFactory(author=owner, name=f"pkg_{n}", score=n)
        package.tags.add(food)
        package.provides.add(MetaPackage.objects.create(name=f"pkg_{n}"))
        if n:
            PackageDependency.objects.create(depender=package, meta_package=base)
        else:
            package.provides.add(base)
        PackageDependency.objects.create(
            depender=package,
            meta_package=MetaPackage.objects.get(name=f"pkg_{n}"),
            is_optional=True,
        )
        PackageAlias.objects.create(package=package, author="old", name=f"pkg_{n}")
        package.game_support.create(game=game, supports=True)
        make_release(package, "1.0", min_version="5.5")
        make_release(package, "2.0", min_version="5.9")
        make_screenshot(package, f"shot_{n}")
        Review.objects.create(package=package, author=reviewer, rating=5, title=f"r{n}")
        PackageDailyStats.objects.create(package=package, date=timezone.now().date(), reason_new=1)
        CollectionItem.objects.create(collection=collection, package=package, order=n)


def count_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(queries)


@pytest.fixture(scope="module")
def counts(django_db_blocker, django_db_setup):
    """Queries of each endpoint on a site of 5 and of 50 packages."""
    from django.db import transaction
    from django.test import Client

    found: dict[str, dict[int, int]] = {url: {} for url in ENDPOINTS}
    client = Client()
    for size in (5, 50):
        with django_db_blocker.unblock(), transaction.atomic():
            build_site(size)
            for url in ENDPOINTS:
                found[url][size] = count_queries(client, url)
            transaction.set_rollback(True)
    return found


@pytest.mark.parametrize("url", list(ENDPOINTS))
def test_query_count_is_constant(counts, url):
    assert counts[url][5] == counts[url][50], counts[url]
    assert counts[url][50] <= ENDPOINTS[url], counts[url]


@pytest.mark.parametrize("size", [5, 50])
def test_client_list_request_within_budget(client, django_assert_max_num_queries, size):
    build_site(size)
    with django_assert_max_num_queries(ENDPOINTS[LIST]):
        items = client.get(LIST).json()
    assert len(items) == size
    with django_assert_max_num_queries(0):  # served from the cache
        assert client.get(LIST).json() == items
