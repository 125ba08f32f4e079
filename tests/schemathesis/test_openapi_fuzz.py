"""Schemathesis against /api/schema/, over WSGI against the Django app: every operation of both
faces, a bounded number of generated examples each, authenticated with a real LuaRocks key (path)
and ContentDB token (Bearer). No answer may be a 5xx, and every answer must match the document
(status documented, content type, body schema, headers).

Examples per operation: SCHEMATHESIS_MAX_EXAMPLES (default 12). Each operation is one test, so the
fixtures (a user with a key and a token, a mod with a release and a rock) are fresh for each.
"""

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry.wsgi import application
from tests.factories import PackageFactory, ReleaseFactory, RockFactory, UserFactory

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
CALLS: Counter = Counter()  # (operation, status) -> requests made, printed at the end (pytest -s)


@pytest.fixture(scope="module", autouse=True)
def _report_figures():
    yield
    operations = {operation for operation, _ in CALLS}
    statuses = Counter()
    for (_, status), count in CALLS.items():
        statuses[status] += count
    print(
        f"\nschemathesis: {len(operations)} operations, {sum(CALLS.values())} requests, "
        f"statuses {dict(sorted(statuses.items()))}"
    )


@pytest.fixture
def credentials(db):
    from accounts.services import create_api_key, create_api_token

    user = UserFactory(username="fuzzer")
    package = PackageFactory(author=user, name="fuzzmod")
    ReleaseFactory(package=package)
    RockFactory(author=user, name="fuzzrock")
    _, key = create_api_key(user=user)
    _, token = create_api_token(user=user)
    return key, token


@pytest.fixture
def keep_test_connection():
    """Closing a streamed WSGI answer fires request_finished, whose close_old_connections would
    close the test's connection in the middle of its transaction (PostgreSQL): Django's own test
    client disconnects it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI failures reproduce locally
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_and_never_fails(case, credentials, keep_test_connection):
    key, token = credentials
    if "key" in (case.path_parameters or {}):
        case.path_parameters["key"] = key
    headers = (
        {"Authorization": f"Bearer {token}"} if case.operation.path.startswith("/api/") else {}
    )
    if case.operation.path in ("/api/delete-token/",):
        headers = {}  # deleting the shared token would leave the other examples anonymous
    headers["Accept-Encoding"] = "identity"  # the WSGI transport does not decompress gzip
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    CALLS[(case.operation.label, response.status_code)] += 1
