"""The replay layer in front of Django: current cached answers skip the stack, stale ones never."""

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from packages.invalidation import invalidate_luanti_lists
from registry.wsgi import application
from tests.factories import PackageFactory


def call(path: str, query: str = "", **headers) -> tuple[str, dict, bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **headers,
    }
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI handler directly would close the test's database connection at the end
    of each request; Django's test client disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def django_requests():
    seen = []

    def receiver(**kwargs):
        seen.append(1)

    request_started.connect(receiver)
    yield seen
    request_started.disconnect(receiver)


def test_a_current_answer_is_replayed_without_django_and_a_write_ends_it(
    user, mod_package, django_requests, django_capture_on_commit_callbacks
):
    first = call("/api/packages/", "type=mod")
    assert first[0] == "200 OK"
    assert len(django_requests) == 1

    again = call("/api/packages/", "type=mod")
    assert len(django_requests) == 1  # served by the replay layer
    assert again == first

    with django_capture_on_commit_callbacks(execute=True):
        PackageFactory(author=user, name="newer")
        invalidate_luanti_lists()
    after = call("/api/packages/", "type=mod")
    assert len(django_requests) == 2
    assert {p["name"] for p in json.loads(after[2])} == {"farming", "newer"}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "Bearer abc"},
        {"HTTP_COOKIE": "sessionid=x"},
        {"HTTP_IF_NONE_MATCH": '"x"'},
        {"HTTP_HOST": "other.example"},
    ],
)
def test_personal_conditional_or_foreign_host_requests_go_to_django(
    mod_package, django_requests, headers
):
    call("/api/packages/", "type=mod")
    status, _, _ = call("/api/packages/", "type=mod", **headers)
    assert len(django_requests) == 2
    if "HTTP_HOST" in headers:
        assert status.startswith("400")  # ALLOWED_HOSTS still applies


def test_gzip_and_plain_answers_are_kept_apart(user, django_requests):
    for n in range(12):
        PackageFactory(author=user, name=f"mod_{n}", short_description="words " * 10)
    plain = call("/api/packages/", "type=mod")
    zipped = call("/api/packages/", "type=mod", HTTP_ACCEPT_ENCODING="gzip")
    assert len(django_requests) == 2
    assert "Content-Encoding" not in plain[1]
    assert zipped[1]["Content-Encoding"] == "gzip"
    assert call("/api/packages/", "type=mod", HTTP_ACCEPT_ENCODING="gzip") == zipped
    assert call("/api/packages/", "type=mod") == plain
    assert len(django_requests) == 2


def test_a_replayed_answer_is_one_of_the_same_accept_language(user, mod_package, django_requests):
    """The ContentDB list is translated by Accept-Language: a German request never gets the
    English bytes recorded before it, and each language is replayed on its own."""
    from packages.models import PackageTranslation

    PackageTranslation.objects.create(package=mod_package, language_id="de", title="Ackerbau")
    mod_package.languages.add("de")
    english = call("/api/packages/", "type=mod")
    german = call("/api/packages/", "type=mod", HTTP_ACCEPT_LANGUAGE="de, en;q=0.8")
    assert len(django_requests) == 2
    assert json.loads(german[2])[0]["title"] == "Ackerbau"
    assert json.loads(english[2])[0]["title"] != "Ackerbau"
    assert "Accept-Language" in german[1]["Vary"]
    assert call("/api/packages/", "type=mod", HTTP_ACCEPT_LANGUAGE="de, en;q=0.8") == german
    assert call("/api/packages/", "type=mod") == english
    assert len(django_requests) == 2  # both replayed
