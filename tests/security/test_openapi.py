"""The OpenAPI document at /api/schema/: every route of both faces, both auth schemes, both error
shapes; Swagger UI and Redoc from our own static files."""

import re

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db


def _schema(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _routes(patterns, prefix="") -> list[str]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            routes += _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.append(prefix + str(entry.pattern))
    return routes


def _as_openapi(route: str) -> str:
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return "/" + route


def test_every_api_route_of_both_faces_is_documented(client):
    paths = set(_schema(client)["paths"])
    modules = ("registry.luarocks.api_urls", "registry.contentdb.urls")
    for module in modules:
        routes = _routes(get_resolver(module).url_patterns)
        assert routes
        for route in routes:
            assert _as_openapi(route) in paths, route


def test_both_auth_schemes_and_error_shapes_are_documented(client):
    schema = _schema(client)
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert schema["components"]["parameters"]["LuaRocksKey"]["in"] == "path"
    errors = schema["components"]["schemas"]
    assert errors["LuaRocksErrors"]["required"] == ["errors"]
    assert errors["ContentDBError"]["required"] == ["success", "error"]
    upload = schema["paths"]["/api/1/{key}/upload"]["post"]
    assert upload["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LuaRocksErrors"
    }
    create = schema["paths"]["/api/packages/"]["post"]
    assert create["security"] == [{"bearerToken": []}]
    assert create["responses"]["429"]["headers"]["Retry-After"]


@pytest.mark.parametrize("doc_page", ["/api/schema/swagger-ui/", "/api/schema/redoc/"])
def test_documentation_pages_use_local_assets(client, doc_page):
    response = client.get(doc_page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
