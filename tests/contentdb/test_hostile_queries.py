"""Hostile query strings and path parameters on every read endpoint: a 2xx or a 4xx in the face's
JSON error shape, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.contentdb.conftest import make_release
from tests.factories import PackageFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/packages/",
    "/api/updates/",
    "/api/scores/",
    "/api/dependencies/",
    "/api/reviews/",
    "/api/releases/",
    "/api/minetest_versions/",
    "/api/packages/alice/farming/",
    "/api/packages/alice/farming/for-client/",
    "/api/packages/alice/farming/for-client/reviews/",
    "/api/packages/alice/farming/dependencies/",
    "/api/packages/alice/farming/stats/",
    "/api/users/alice/stats/",
    "/api/collections/",
]
QUERIES = [
    "page=" + "9" * 400,
    "n=-0",
    "n=1e3",
    "page=%F0%9F%98%80",
    "protocol_version=" + "1" * 50,
    "protocol_version=-1",
    "engine_version=" + "5." * 500,
    "engine_version=%FF%FE",
    "type=mod&type=" + "x" * 5000,
    "tag=%27%3B--",
    "author=" + "a" * 1000,
    "q=" + "%25" * 300,
    "q=" + "word+" * 200,
    "sort=name&order=asc&random",
    "limit=99999999999999999999",
    "formspec_version=" + "9" * 30,
    "start=2024-02-30",
    "end=0000-00-00",
    "license=%",
    "game=/",
    "game=a/b/c",
    "hide=&hide=&flag=",
    "fmt=" + "keys" * 100,
    "rating=abc",
    "package=nobody",
    "maintainer=" + "%C3%A9" * 50,
    "&amp;type=mod",
    "a" * 3000 + "=1",
]


@pytest.fixture
def farming(user):
    package = PackageFactory(author=user, name="farming")
    make_release(package)
    return package


def check(response):
    assert response.status_code < 500, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if response.status_code >= 400:
        assert body["success"] is False
        assert isinstance(body["error"], str) and body["error"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_hostile_query_strings(client, farming, url):
    for query in QUERIES:
        check(client.get(f"{url}?{query}"))


@pytest.mark.parametrize(
    "path",
    [
        "/api/packages/" + "a" * 300 + "/b/",
        "/api/packages/alice/" + "é" * 200 + "/",
        "/api/packages/..%2F..%2Fetc/passwd/",
        "/api/packages/alice/farming/releases/99999999999999999999999/",
        "/api/packages/alice/farming/screenshots/99999999999999999999999/",
        "/api/users/%E2%80%AE/",
        "/api/collections/alice/%00/",
    ],
)
def test_hostile_paths(client, farming, path):
    check(client.get(path))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "type",
                "q",
                "author",
                "tag",
                "flag",
                "hide",
                "license",
                "game",
                "lang",
                "sort",
                "order",
                "limit",
                "fmt",
                "protocol_version",
                "engine_version",
                "random",
            ]
        ),
        st.text(max_size=20),
        max_size=5,
    )
)
def test_package_query_never_fails_with_500(client, farming, params):
    check(client.get("/api/packages/", params))
