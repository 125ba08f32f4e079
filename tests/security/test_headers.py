"""Security headers: a self-only CSP on web pages (and pages that need no inline script), nosniff
and frame options everywhere, HSTS behind https in production, and user uploads served so that a
browser never runs them (attachments, image types, no HTML or SVG inline)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.security import API_DOCS, STRICT
from tests.factories import PackageFactory
from tests.luarocks.rockdata import publish
from tests.rendering.markup import html_elements

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _assert_no_inline_code(html: str) -> None:
    for tag, attrs in html_elements(html):
        assert tag != "style", "inline <style>"
        assert "style" not in attrs, (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if tag == "script":
            assert attrs.get("src"), "inline <script>"


@pytest.fixture
def pages(client, user):
    mod = PackageFactory(author=user, name="farming", title="Farming")
    publish(user, "luafmt", "1.0-1", rocks=("src",))
    client.force_login(user)
    return [
        "/",
        "/packages/",
        f"/packages/alice/{mod.name}/",
        f"/packages/alice/{mod.name}/edit/",
        f"/packages/alice/{mod.name}/releases/new/",
        f"/packages/alice/{mod.name}/screenshots/",
        "/modules/alice/luafmt",
        "/upload/",
        "/accounts/settings/api-keys/",
    ]


def test_web_pages_carry_a_strict_csp_and_no_inline_code(client, pages):
    checked = 0
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:
            continue
        checked += 1
        assert response["Content-Security-Policy"] == STRICT
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        _assert_no_inline_code(response.content.decode())
    assert checked >= 6


def test_login_page_has_the_strict_policy(client):
    response = client.get("/accounts/login/")
    assert response["Content-Security-Policy"] == STRICT
    _assert_no_inline_code(response.content.decode())


@pytest.mark.parametrize("doc_page", ["/api/schema/swagger-ui/", "/api/schema/redoc/"])
def test_api_documentation_runs_without_inline_scripts(client, doc_page):
    response = client.get(doc_page)
    assert response["Content-Security-Policy"] == API_DOCS
    assert "https:" not in API_DOCS.split("img-src")[1].split(";")[0]  # no CDN logo (Redoc's)
    html = response.content.decode()
    for tag, attrs in html_elements(html):
        if tag == "script":
            assert attrs.get("src"), "inline <script>"
        if tag == "link":
            assert not (attrs.get("href") or "").startswith("http"), attrs


def test_api_answers_are_not_given_a_page_policy(client):
    assert "Content-Security-Policy" not in client.get("/api/tool_version")
    assert client.get("/api/tags/")["X-Content-Type-Options"] == "nosniff"


def test_hsts_is_sent_over_https_in_production():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="settings.base",
        DEBUG="0",
        SECRET_KEY="k" * 64,
        SITE_URL="https://rocks.example.org",
        ALLOWED_HOSTS="testserver",
    )
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/api/tool_version', secure=True)\n"
        "print(r.status_code, r.get('Strict-Transport-Security'))\n"
        "r = Client().get('/api/tool_version')\n"  # plain http: the client may not follow redirects
        "print(r.status_code, r.get('Strict-Transport-Security'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    secure, plain = result.stdout.splitlines()
    assert secure == "200 max-age=31536000; includeSubDomains; preload"
    assert plain == "200 None"


def test_uploaded_files_are_never_rendered_by_a_browser(client, user):
    from accounts.services import create_api_token
    from tests.contentdb_writes.support import mod_zip, png_bytes

    publish(user, "luafmt", "1.0-1", rocks=("src",))
    for path in ("/luafmt-1.0-1.rockspec", "/luafmt-1.0-1.src.rock"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert not response["Content-Type"].startswith(("text/html", "image/svg"))
        assert response["X-Content-Type-Options"] == "nosniff"
        b"".join(response.streaming_content)  # consumed through the test client's closing wrapper

    PackageFactory(author=user, name="farming")
    _, token = create_api_token(user=user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    release = client.post(
        "/api/packages/alice/farming/releases/new/",
        {"title": "1.0", "file": SimpleUploadedFile("farming.zip", mod_zip())},
        **bearer,
    ).json()["release"]
    download = client.get(f"/packages/alice/farming/releases/{release['id']}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/zip"
    b"".join(download.streaming_content)

    shot = client.post(
        "/api/packages/alice/farming/screenshots/new/",
        {"title": "s", "file": SimpleUploadedFile("s.png", png_bytes())},
        **bearer,
    ).json()["screenshot"]
    url = shot["url"].split("://", 1)[-1].split("/", 1)[1]
    client.force_login(user)  # a screenshot awaiting approval is for its package's people
    for path in (f"/{url}", f"/thumbnails/2/{url.split('/', 1)[1]}"):
        image = client.get(path)
        assert image.status_code == 200, path
        assert image["Content-Type"] == "image/png"
        assert image["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in image["Content-Security-Policy"]
