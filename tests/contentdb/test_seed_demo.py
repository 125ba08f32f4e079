"""`manage.py seed_demo` data shows up through the ContentDB face, rocks never."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=None)


ENDPOINTS = [
    "/api/packages/",
    "/api/packages/sofia/farming_plus/",
    "/api/packages/sofia/farming_plus/for-client/?formspec_version=6",
    "/api/packages/rubens/wolves/dependencies/",
    "/api/packages/sofia/farming_plus/releases/",
    "/api/packages/sofia/farming_plus/screenshots/",
    "/api/packages/sofia/farming_plus/reviews/",
    "/api/packages/sofia/farming_plus/stats/",
    "/api/dependencies/",
    "/api/updates/",
    "/api/scores/",
    "/api/package_stats/",
    "/api/releases/",
    "/api/reviews/",
    "/api/users/sofia/",
    "/api/users/sofia/stats/",
    "/api/collections/",
    "/api/tags/",
    "/api/content_warnings/",
    "/api/licenses/",
    "/api/minetest_versions/",
    "/api/languages/",
    "/api/homepage/",
    "/api/cdb_schema/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_read_endpoint_answers_demo_data(client, demo, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() is not None


def test_demo_list_has_the_seven_luanti_packages_and_no_rock(client, demo):
    items = client.get("/api/packages/").json()
    keys = {f"{i['author']}/{i['name']}" for i in items}
    assert keys == {
        "sofia/voxel_valley",
        "sofia/farming_plus",
        "rubens/mobs_core",
        "rubens/wolves",
        "kaito/crisp16",
        "kaito/signs_lib",
        "lunar/lantern_posts",
    }
    assert all(isinstance(i["release"], int) for i in items)
    assert all(i["thumbnail"].startswith("http://testserver") or i["thumbnail"] for i in items)


def test_demo_rocks_are_invisible(client, demo):
    assert client.get("/api/packages/lunar/luafmt/").status_code == 404
    assert "lunar/luafmt" not in client.get("/api/updates/").json()


def test_demo_wolves_dependencies_resolve_to_mobs_core(client, demo):
    graph = client.get("/api/packages/rubens/wolves/dependencies/").json()
    assert graph["rubens/wolves"] == [
        {"name": "mobs_core", "is_optional": False, "packages": ["rubens/mobs_core"]},
        {"name": "farming_plus", "is_optional": True, "packages": ["sofia/farming_plus"]},
    ]
    assert graph["rubens/mobs_core"] == []


def test_demo_download_is_the_zip(client, demo):
    item = next(i for i in client.get("/api/packages/").json() if i["name"] == "wolves")
    response = client.get(f"/packages/rubens/wolves/releases/{item['release']}/download/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:2] == b"PK"
