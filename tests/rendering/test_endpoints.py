"""HTTP tests of POST /api/hypertext/ and GET /api/packages/<author>/<name>/hypertext/."""

import pytest
from django.test import Client

from accounts.services import create_api_token
from media_tools.hypertext import HEAD
from media_tools.markdown import MAX_SOURCE_LENGTH
from packages.models import PackageState
from packages.selectors import PACKAGE_NOT_FOUND
from registry.contentdb.hypertext import BODY_TOO_LARGE, NOT_TEXT, UNSUPPORTED_TYPE
from tests.factories import PackageFactory

SITE = "https://registry.example"
DESCRIPTION = "# Farming\n\nGrow **wheat**. See [the wiki](wiki/) and ![field](/img/field.png)."


@pytest.fixture
def client():
    return Client()


def post(client, body, content_type="text/markdown", query="?formspec_version=6", **extra):
    """The body goes as raw bytes (the test client's post() would re-encode it by charset)."""
    data = body.encode() if isinstance(body, str) else body
    return client.generic(
        "POST", f"/api/hypertext/{query}", data=data, content_type=content_type, **extra
    )


@pytest.fixture
def described(user, settings):
    settings.SITE_URL = SITE
    return PackageFactory(
        author=user, name="farming", title="Farming", long_description=DESCRIPTION
    )


# -- POST /api/hypertext/ -------------------------------------------------------------------------


def test_markdown_body_converts(client):
    response = post(client, "Hello *world* & [you](https://you.example) <3")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "head": HEAD,
        "body": "Hello <i>world</i> & <action name=link_0><u>you</u></action> \\<3\n",
        "links": {"link_0": "https://you.example"},
        "images": {},
        "image_tooltips": {},
    }


def test_html_body_converts_without_resolving_relative_urls(client):
    response = post(
        client,
        '<h2>Hi</h2><p>see <a href="/x">x</a> <img src="i.png" alt="pic" width="20"></p>',
        content_type="text/html; charset=utf-8",
    )

    assert response.status_code == 200
    assert response.json() == {
        "head": HEAD,
        "body": "<big>Hi</big>\n\nsee <action name=link_0><u>x</u></action> "
        "<img name=image_0 width=20>\n",
        "links": {"link_0": "/x"},
        "images": {"image_0": "i.png"},
        "image_tooltips": {"image_0": "pic"},
    }


@pytest.mark.parametrize("value", ["false", "no", "0", "off", "anything"])
def test_include_images_false_turns_images_into_links(client, value):
    response = post(
        client,
        "![pic](https://i.example/p.png)",
        query=f"?formspec_version=6&include_images={value}",
    )

    assert response.json()["body"] == "<action name=image_0><u>Image: pic</u></action>\n"
    assert response.json()["links"] == {"image_0": "https://i.example/p.png"}
    assert response.json()["images"] == {}


def test_formspec_version_one_answers_plain_text(client):
    response = post(client, "**bold** a < b", query="?formspec_version=1")

    assert response.json()["head"] == ""
    assert response.json()["body"] == "bold a < b\n"  # no markup, so nothing to escape


def test_latin1_charset_is_honoured(client):
    response = post(
        client, "caf\xe9".encode("latin-1"), content_type="text/markdown; charset=latin-1"
    )

    assert response.json()["body"] == "café\n"


def test_script_posted_as_html_never_reaches_the_client(client):
    response = post(
        client,
        "<script>alert(1)</script><a href='javascript:alert(1)' onclick=x>hi</a>",
        content_type="text/html",
    )

    assert response.json()["body"] == "hi\n"
    assert response.json()["links"] == {}


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("", "formspec_version is required"),
        ("?formspec_version=", "formspec_version is required"),
        ("?formspec_version=six", "formspec_version must be an integer"),
        ("?formspec_version=-1", "formspec_version is out of range"),
        ("?formspec_version=99999999999", "formspec_version is out of range"),
    ],
)
def test_bad_formspec_version_is_refused(client, query, error):
    response = post(client, "text", query=query)

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": error}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/json", "application/x-www-form-urlencoded", "", "text/htmlx"],
)
def test_unsupported_content_type_is_refused(client, content_type):
    response = post(client, "# hi", content_type=content_type)

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": UNSUPPORTED_TYPE}


def test_one_mebibyte_body_is_refused_before_rendering(client):
    one_mib = ("Some *text* and a [link](https://x.example). " * 24 + "\n\n") * 1024

    response = post(client, one_mib[: 1024 * 1024])

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": BODY_TOO_LARGE}


def test_body_at_the_limit_is_accepted_and_one_byte_more_refused(client):
    assert post(client, "a" * MAX_SOURCE_LENGTH).status_code == 200
    response = post(client, "é" * (MAX_SOURCE_LENGTH // 2 + 1))  # the limit counts bytes
    assert response.status_code == 400
    assert response.json()["error"] == BODY_TOO_LARGE


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"\xff\xfe bad", "text/markdown"), (b"ok", "text/html; charset=no-such-codec")],
)
def test_body_that_is_not_text_is_refused(client, body, content_type):
    response = post(client, body, content_type=content_type)

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": NOT_TEXT}


def test_get_is_not_allowed(client):
    response = client.get("/api/hypertext/?formspec_version=6")

    assert response.status_code == 405
    assert response.json()["success"] is False


# -- GET /api/packages/<author>/<name>/hypertext/ --------------------------------------------------


def test_package_description_converts_with_links_resolved_against_its_page(client, described):
    response = client.get("/api/packages/alice/farming/hypertext/?formspec_version=6")

    assert response.status_code == 200
    assert response.json() == {
        "head": HEAD,
        "body": "<big>Farming</big>\n\nGrow <b>wheat</b>. See "
        "<action name=link_0><u>the wiki</u></action> and "
        "<img name=image_0 width=128 height=128>.\n",
        "links": {"link_0": f"{SITE}/packages/alice/farming/wiki/"},
        "images": {"image_0": f"{SITE}/img/field.png"},
        "image_tooltips": {"image_0": "field"},
    }


def test_package_lookup_is_case_insensitive_and_images_can_be_links(client, described):
    response = client.get(
        "/api/packages/Alice/Farming/hypertext/?formspec_version=11&include_images=false"
    )

    assert response.status_code == 200
    assert response.json()["links"] == {
        "link_0": f"{SITE}/packages/alice/farming/wiki/",
        "image_0": f"{SITE}/img/field.png",
    }


def test_package_without_description_answers_an_empty_body(client, user):
    PackageFactory(author=user, name="bare", long_description=None)

    response = client.get("/api/packages/alice/bare/hypertext/?formspec_version=6")

    assert response.status_code == 200
    assert response.json() == {
        "head": HEAD,
        "body": "\n",
        "links": {},
        "images": {},
        "image_tooltips": {},
    }


def test_second_request_is_served_from_the_cache(client, described, django_assert_num_queries):
    url = "/api/packages/alice/farming/hypertext/?formspec_version=6"
    first = client.get(url).json()

    with django_assert_num_queries(1):  # the package lookup; the rendering comes from the cache
        assert client.get(url).json() == first


def test_changed_description_is_rendered_again(client, described):
    url = "/api/packages/alice/farming/hypertext/?formspec_version=6"
    client.get(url)
    described.long_description = "Now *new*"
    described.save()

    assert client.get(url).json()["body"] == "Now <i>new</i>\n"


def test_missing_formspec_version_is_refused(client, described):
    response = client.get("/api/packages/alice/farming/hypertext/")

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": "formspec_version is required"}


def test_unknown_package_is_not_found(client, db):
    response = client.get("/api/packages/nobody/nothing/hypertext/?formspec_version=6")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": PACKAGE_NOT_FOUND}


def test_unapproved_package_is_hidden_from_others_and_shown_to_its_author(client, user, other_user):
    PackageFactory(author=user, name="secret", state=PackageState.WIP, long_description="*draft*")
    url = "/api/packages/alice/secret/hypertext/?formspec_version=6"

    assert client.get(url).status_code == 404
    others = create_api_token(user=other_user, name="t")[1]
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {others}").status_code == 404
    own = create_api_token(user=user, name="t")[1]
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {own}")
    assert response.status_code == 200
    assert response.json()["body"] == "<i>draft</i>\n"


def test_rock_is_not_a_luanti_package(client, rock_package):
    response = client.get("/api/packages/alice/luafmt/hypertext/?formspec_version=6")

    assert response.status_code == 404
