"""Query strings: bad input is a 4xx, never a "try again" 503.

Every face bounds the whole query string (registry.security.QueryStringLimitMiddleware: 414), the
Package Query form bounds each of its parameters (400 naming the parameter), and
registry/faults.py answers 503 only for database failures that a retry can fix.
"""

import sqlite3

import psycopg.errors
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from accounts.services import create_api_key
from registry.faults import TRY_AGAIN
from registry.security import MAX_QUERY_STRING, QUERY_TOO_LONG
from tests.factories import PackageFactory

pytestmark = pytest.mark.django_db

HUGE = "a" * 50_001
LUANTI_CLIENT_LIST = (
    "/api/packages/?type=mod&type=game&type=txp&protocol_version=41&engine_version=5.6.1"
    "&hide=nonfree&hide=desktop_default"
)


@pytest.mark.parametrize("param", ["q", "author", "game", "engine_version", "unknown"])
def test_a_huge_contentdb_parameter_is_414_in_the_faces_format(client, param):
    response = client.get(f"/api/packages/?{param}={HUGE}")
    assert response.status_code == 414
    assert response.json() == {"success": False, "error": QUERY_TOO_LONG}


def test_a_huge_luarocks_parameter_is_414_in_the_faces_format(client, user):
    _, secret = create_api_key(user=user)
    response = client.get(f"/api/1/{secret}/check_rockspec?package={HUGE}&version=1.0-1")
    assert response.status_code == 414
    assert response.json() == {"errors": [QUERY_TOO_LONG]}


def test_a_huge_web_search_is_414(client):
    response = client.get(f"/packages/?q={HUGE}")
    assert response.status_code == 414
    assert response.content.decode() == QUERY_TOO_LONG


def test_a_query_string_at_the_bound_is_read(client):
    PackageFactory(name="farming")
    padding = "x" * (MAX_QUERY_STRING - len("q=farming&pad="))
    response = client.get(f"/api/packages/?q=farming&pad={padding}")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()] == ["farming"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=" + "a" * 201, "q: Ensure this value has at most 200 characters (it has 201)."),
        (
            "author=" + "a" * 201,
            "author: Ensure this value has at most 200 characters (it has 201).",
        ),
        ("tag=" + "a" * 101, "tag: Ensure each value has at most 100 characters."),
        ("hide=x" + "&hide=x" * 50, "hide: Ensure there are at most 50 values."),
        ("lang=" + "a" * 101, "lang: Ensure this value has at most 100 characters (it has 101)."),
    ],
)
@pytest.mark.parametrize("url", ["/api/packages/", "/api/updates/", "/api/scores/"])
def test_each_package_query_parameter_is_bounded_with_a_400_naming_it(client, url, query, message):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": message}


def test_the_luanti_clients_list_request_still_works(client):
    PackageFactory(name="farming")
    response = client.get(LUANTI_CLIENT_LIST)
    assert response.status_code == 200


def _sqlite_error(statement: str, params: tuple) -> sqlite3.Error:
    """The real driver error of a statement, from an in-memory SQLite."""
    try:
        sqlite3.connect(":memory:").execute(statement, params)
    except sqlite3.Error as error:
        return error
    raise AssertionError("the statement did not fail")


def _busy() -> sqlite3.Error:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode, error.sqlite_errorname = 5, "SQLITE_BUSY"
    return error


def _wrapped(kind, cause: Exception | None) -> Exception:
    """The error as Django raises it: its own class, the driver's error as the cause."""
    error = kind(str(cause) if cause else "connection already closed")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "status"),
    [
        # what the query asked for: retrying cannot help
        (lambda: _wrapped(OperationalError, _sqlite_error("SELECT ? LIKE ?", ("a", HUGE))), 500),
        (
            lambda: _wrapped(
                OperationalError, psycopg.errors.StatementTooComplex("statement too complex")
            ),
            500,
        ),
        # the database is busy, restarting, or gone: try again
        (lambda: _wrapped(OperationalError, _busy()), 503),
        (
            lambda: _wrapped(
                OperationalError,
                psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
            ),
            503,
        ),
        (lambda: _wrapped(InterfaceError, None), 503),
    ],
    ids=[
        "sqlite-pattern-too-complex",
        "postgresql-statement-too-complex",
        "sqlite-busy",
        "postgresql-shutdown",
        "connection-closed",
    ],
)
def test_only_database_failures_a_retry_can_fix_are_503(error, status):
    PackageFactory(name="farming")

    def fail_package_queries(execute, sql, params, many, context):
        if "packages_package" in sql:
            raise error()
        return execute(sql, params, many, context)

    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(fail_package_queries):
        response = client.get("/api/packages/?q=farming")
    assert response.status_code == status
    if status == 503:
        assert response.json() == {"success": False, "error": TRY_AGAIN}
        assert response["Retry-After"] == "30"
    else:
        assert response.json() == {"success": False, "error": "Internal server error"}
        assert "Retry-After" not in response
