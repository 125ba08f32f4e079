"""Bearer auth of the ContentDB face (docs/protocols/contentdb.md section 1)."""

import pytest

from accounts.models import ApiToken
from accounts.services import create_api_token
from registry.contentdb.auth import (
    ACCOUNT_SUSPENDED,
    TOKEN_TOO_SHORT,
    UNKNOWN_TOKEN,
    UNSUPPORTED_METHOD,
)
from registry.contentdb.base import AUTHENTICATION_NEEDED, TOKEN_NOT_FOR_PACKAGE
from tests.factories import PackageFactory

pytestmark = pytest.mark.django_db


def test_whoami_anonymous(client):
    response = client.get("/api/whoami/")
    assert response.status_code == 200
    assert response.json() == {"is_authenticated": False, "username": None}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Headers"] == "Content-Type, Authorization"


def test_whoami_with_token_names_the_owner_and_touches_last_used(client, user, token):
    response = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json() == {"is_authenticated": True, "username": "alice"}
    assert ApiToken.objects.get().last_used_at is not None


def test_scheme_is_case_insensitive(client, token):
    response = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"bEaReR {token}")
    assert response.json()["username"] == "alice"


@pytest.mark.parametrize(
    ("header", "status", "message"),
    [
        ("Bearer short", 400, TOKEN_TOO_SHORT),
        ("Bearer ", 400, TOKEN_TOO_SHORT),
        ("Bearer " + "x" * 32, 403, UNKNOWN_TOKEN),
        ("Bearer " + "é" * 32, 403, UNKNOWN_TOKEN),
        ("Bearer " + "a" * 5000, 403, UNKNOWN_TOKEN),
        ("Basic YWxpY2U6cGFzc3dvcmQ=", 403, UNSUPPORTED_METHOD),
        ("Token abcdefghijklmnop", 403, UNSUPPORTED_METHOD),
        ("Bearer", 403, UNSUPPORTED_METHOD),
    ],
)
def test_bad_authorization_headers(client, header, status, message):
    response = client.get("/api/whoami/", HTTP_AUTHORIZATION=header)
    assert response.status_code == status
    assert response.json() == {"success": False, "error": message}


def test_token_with_surrounding_space_is_unknown(client, token):
    # the rest of the header is the token, untrimmed (ContentDB's rule)
    response = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer  {token}")
    assert response.status_code == 403


def test_suspended_account_is_refused(client, user, token):
    user.is_suspended = True
    user.save()
    response = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    assert response.json() == {"success": False, "error": ACCOUNT_SUSPENDED}


def test_delete_token_deletes_the_token_in_use(client, user, token):
    other = create_api_token(user=user, name="keep")[0]
    response = client.delete("/api/delete-token/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert list(ApiToken.objects.all()) == [other]
    again = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.status_code == 403


def test_delete_token_anonymously_is_404(client):
    response = client.delete("/api/delete-token/")
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Token not found"}


def test_wrong_method_is_405_in_the_error_shape(client):
    response = client.post("/api/whoami/")
    assert response.status_code == 405
    assert response.json()["success"] is False


def test_require_token_for_rules(rf, user, token):
    """The helper the write endpoints use: 401 anonymous, 403 token limited to another package."""
    from rest_framework.request import Request

    from registry.contentdb.auth import BearerAuthentication
    from registry.contentdb.base import ContentDBError, require_token_for

    mine = PackageFactory(author=user, name="mine")
    other = PackageFactory(author=user, name="other")
    scoped = create_api_token(user=user, name="scoped", package=mine)[1]

    def request(secret=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
        return Request(rf.get("/", **headers), authenticators=[BearerAuthentication()])

    with pytest.raises(ContentDBError) as anonymous:
        require_token_for(request(), mine)
    assert (anonymous.value.status_code, anonymous.value.detail) == (401, AUTHENTICATION_NEEDED)
    assert require_token_for(request(scoped), mine) == user
    with pytest.raises(ContentDBError) as elsewhere:
        require_token_for(request(scoped), other)
    assert (elsewhere.value.status_code, elsewhere.value.detail) == (403, TOKEN_NOT_FOR_PACKAGE)
    assert require_token_for(request(token), other) == user
