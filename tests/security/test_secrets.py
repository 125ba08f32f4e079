"""Secrets (LuaRocks keys, ContentDB tokens, passwords) are never stored in the clear, never logged,
never shown on error pages; revoking a key or deleting a token takes effect on the next request."""

import logging

import pytest
from django.db import connection
from django.test import override_settings

from accounts.services import create_api_key, create_api_token, delete_api_token, revoke_api_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

PASSWORD = "correct horse battery staple"


def _all_cells() -> list[str]:
    """Every value of every column of every table, read with a raw cursor."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                cells.extend(str(value) for value in row if value is not None)
    return cells


def _secret_parts(secret: str) -> list[str]:
    # the first 8 characters are stored as the visible prefix, by design; the rest never is
    return [secret, secret[8:]]


def test_no_secret_is_stored_in_the_clear(client):
    user = UserFactory(username="carol")
    _, key = create_api_key(user=user)
    _, token = create_api_token(user=user)
    _, revoked = create_api_key(user=user)
    # exercise every path that writes about credentials: use, failed use, web log-in
    assert client.get(f"/api/1/{key}/status").status_code == 200
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    client.post("/accounts/login/", {"username": "carol", "password": PASSWORD + "x"})
    cells = _all_cells()
    assert len(cells) > 50  # the reference data is there: the scan really read the tables
    for secret in (*_secret_parts(key), *_secret_parts(token), *_secret_parts(revoked), PASSWORD):
        assert not [cell for cell in cells if secret in cell], secret


def _requests_with_secrets(client, key: str, token: str) -> None:
    """Successes and failures of both faces, each carrying a secret, and web log-ins."""
    client.get(f"/api/1/{key}/status")
    client.get(f"/api/1/{key}/no-such-endpoint")  # Django's "Not Found: <path>" warning
    client.post(f"/api/1/{key}/status")  # 405
    client.get(f"/api/1/{key}x/status")  # unknown key, 401
    client.post(f"/api/1/{key}/upload", {})  # 400: missing file
    client.get(f"/api/1/{key}/upload_rock/99999999")  # 405
    client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}x")  # 403
    client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Basic {token}")  # 403
    client.put("/api/packages/nobody/nothing/", "{}", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD + "!"})


def test_secrets_never_reach_the_logs(client, user, caplog):
    _, key = create_api_key(user=user)
    _, token = create_api_token(user=user)
    with caplog.at_level(logging.DEBUG):
        _requests_with_secrets(client, key, token)
        revoked = create_api_key(user=user)
        revoke_api_key(key=revoked[0])
        client.get(f"/api/1/{revoked[1]}/status")  # 403 from a revoked key
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {getattr(r, 'request', '')}"
        for r in caplog.records
    )
    assert "Not Found: /api/1/<key>/no-such-endpoint" in logged  # the filter ran on real lines
    for secret in (key, token, revoked[1], PASSWORD):
        assert secret not in logged


def test_runserver_access_log_is_redacted():
    """django.server (runserver's access log) carries the same filter as django.request."""
    from django.utils.log import ServerFormatter

    logger = logging.getLogger("django.server")
    record = logger.makeRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /api/1/abcSECRET/status HTTP/1.1", 200, 1),
        None,
    )
    for log_filter in logger.filters:
        log_filter.filter(record)
    assert "abcSECRET" not in ServerFormatter().format(record)


@override_settings(DEBUG=False)
def test_error_pages_do_not_echo_secrets(client, user):
    _, key = create_api_key(user=user)
    _, token = create_api_token(user=user)
    answers = [
        client.get(f"/api/1/{key}/no-such-endpoint"),
        client.get(f"/api/1/{key}x/status"),
        client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}x"),
        client.get(f"/api/no-such/{token}/"),
    ]
    for answer in answers:
        assert answer.status_code >= 400
        body = answer.content.decode()
        assert key not in body and token not in body


def test_revoked_key_and_deleted_token_stop_working_at_once(client, user):
    row, key = create_api_key(user=user)
    token_row, token = create_api_token(user=user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/1/{key}/status").status_code == 200
    assert client.get("/api/whoami/", **bearer).json()["is_authenticated"] is True
    revoke_api_key(key=row)
    delete_api_token(token=token_row)
    assert client.get(f"/api/1/{key}/status").status_code == 403
    assert client.get("/api/whoami/", **bearer).status_code == 403


def test_token_deleted_through_the_api_stops_working(client, user):
    _, token = create_api_token(user=user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.delete("/api/delete-token/", **bearer).json() == {"success": True}
    assert client.get("/api/whoami/", **bearer).status_code == 403
