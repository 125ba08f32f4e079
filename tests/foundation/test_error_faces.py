"""Unknown routes and oversized bodies answer in the format of the face that owns the path."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_unknown_luarocks_api_route_is_json_errors(client):
    response = client.get("/api/1/somekey/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"errors": ["Endpoint or method not found"]}


@pytest.mark.django_db
def test_unknown_contentdb_api_route_is_json_error(client):
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Endpoint or method not found"}


@pytest.mark.django_db
def test_unknown_web_page_is_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@override_settings(MAX_UPLOAD_SIZE=1000, MAX_ROCKSPEC_UPLOAD_SIZE=1000)
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/1/k/upload", {"errors": ["Request body too large (limit 1000 bytes)"]}),
        (
            "/api/packages/",
            {"success": False, "error": "Request body too large (limit 1000 bytes)"},
        ),
    ],
)
def test_oversized_body_is_413_in_the_face_format(client, path, body):
    response = client.post(path, data=b"x" * 100_000, content_type="application/octet-stream")
    assert response.status_code == 413
    assert response.json() == body


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_unknown_api_routes_are_json_even_in_debug(client):
    assert client.get("/api/1/k/nothing").json() == {"errors": ["Endpoint or method not found"]}
    assert client.get("/api/nothing/").json()["success"] is False
