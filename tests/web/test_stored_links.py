"""Stored URLs become links only when they are http(s) URLs, on every page that shows one, and
URL fields refuse anything else when they are written (docs/security.md, "Stored links").

Rows written before the check (or by a path that skipped it) are made here with queryset updates;
each page is then read over HTTP and every `href` in it is collected.
"""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from media_tools.links import NOT_A_WEB_URL
from packages.models import License, Package
from tests.factories import PackageFactory, RockFactory, UserFactory
from tests.logins import log_in_to_the_admin
from tests.web.test_luanti_forms import package_data

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/phish",
    "ftp://example.org/file",
    "https://exa mple.org/",
]
GOOD = "https://example.org/a?b=1&c=2"
PACKAGE_LINKS = ["repo", "website", "issue_tracker", "video_url", "donate_url", "translation_url"]


class Links(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.hrefs: list[str] = []
        self.anchors: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src", "action", "formaction"):
            if attributes.get(name) is not None:
                self.hrefs.append(attributes[name])
        if tag == "a":
            self.anchors.append(attributes)


def links_on(client, url: str) -> Links:
    response = client.get(url)
    assert response.status_code == 200, url
    return Links(response.content.decode())


def assert_only_safe_links(page: Links, hostile: str) -> None:
    for href in page.hrefs:
        assert href.startswith(("/", "#", "?", "http://", "https://")), href
        assert not href.startswith("//"), href
        assert href.strip() != hostile.strip()


def assert_linked(page: Links, url: str) -> None:
    anchors = [a for a in page.anchors if a.get("href") == url]
    assert anchors, f"no link to {url}"
    assert all(a.get("rel") == "nofollow ugc noopener" for a in anchors)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_package_page_links_only_web_urls(client, user, hostile):
    package = PackageFactory(author=user, name="farming")
    Package.objects.filter(pk=package.pk).update(**dict.fromkeys(PACKAGE_LINKS, hostile))
    assert_only_safe_links(links_on(client, "/packages/alice/farming/"), hostile)


def test_package_page_links_each_web_url(client, user):
    package = PackageFactory(author=user, name="farming")
    urls = {field: f"{GOOD}&{field}" for field in PACKAGE_LINKS}
    Package.objects.filter(pk=package.pk).update(**urls)
    page = links_on(client, "/packages/alice/farming/")
    for url in urls.values():
        assert_linked(page, url)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_module_page_shows_a_bad_homepage_as_text(client, user, hostile):
    rock = RockFactory(author=user, name="luafmt")
    Package.objects.filter(pk=rock.pk).update(website=hostile)
    response = client.get("/modules/alice/luafmt")
    assert_only_safe_links(Links(response.content.decode()), hostile)


def test_module_page_links_a_web_homepage(client, user):
    rock = RockFactory(author=user, name="luafmt")
    Package.objects.filter(pk=rock.pk).update(website=GOOD)
    assert_linked(links_on(client, "/modules/alice/luafmt"), GOOD)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_profile_links_only_web_urls(client, user, hostile):
    User.objects.filter(pk=user.pk).update(website_url=hostile, donate_url=hostile)
    assert_only_safe_links(links_on(client, "/users/alice/"), hostile)


def test_profile_links_web_urls(client, user):
    User.objects.filter(pk=user.pk).update(website_url=GOOD, donate_url=GOOD + "&d")
    page = links_on(client, "/users/alice/")
    assert_linked(page, GOOD)
    assert_linked(page, GOOD + "&d")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_license_list_links_only_web_urls(client, db, hostile):
    License.objects.filter(name="MIT").update(url=hostile)
    License.objects.filter(name="GPL-3.0-only").update(url=GOOD)
    page = links_on(client, "/licenses/")
    assert_only_safe_links(page, hostile)
    assert_linked(page, GOOD)


# -- checked when written ------------------------------------------------------------------------


def test_a_rockspec_homepage_that_is_not_a_web_url_is_not_kept(client, user):
    client.force_login(user)
    content = (
        b'package = "luafmt"\nversion = "1.0-1"\nsource = { url = "https://example.org/x" }\n'
        b'description = { homepage = "javascript:alert(1)" }\n'
    )
    response = client.post(
        "/upload/", {"rockspec_file": SimpleUploadedFile("luafmt-1.0-1.rockspec", content)}
    )
    assert response.status_code == 302
    assert Package.objects.get(name="luafmt").website is None
    good = content.replace(b"javascript:alert(1)", GOOD.encode()).replace(b"1.0-1", b"1.1-1")
    client.post("/upload/", {"rockspec_file": SimpleUploadedFile("luafmt-1.1-1.rockspec", good)})
    assert Package.objects.get(name="luafmt").website == GOOD


@pytest.mark.parametrize("field", PACKAGE_LINKS)
def test_the_package_form_refuses_a_link_that_is_not_a_web_url(client, user, mod_package, field):
    client.force_login(user)
    response = client.post(
        "/packages/alice/farming/edit/",
        package_data(name="farming", title="Farming", **{field: "javascript:alert(1)"}),
    )
    assert response.status_code == 400
    mod_package.refresh_from_db()
    assert getattr(mod_package, field) is None


@pytest.mark.parametrize("field", PACKAGE_LINKS)
def test_the_contentdb_api_refuses_a_link_that_is_not_a_web_url(client, user, mod_package, field):
    from accounts.services import create_api_token

    token = create_api_token(user=user, name="t")[1]
    response = client.put(
        "/api/packages/alice/farming/",
        {field: "javascript:alert(1)"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json()["success"] is False
    mod_package.refresh_from_db()
    assert getattr(mod_package, field) is None


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "ftp://example.org/", "ftps://example.org/", "data:,x"]
)
def test_the_profile_form_refuses_a_link_that_is_not_a_web_url(client, user, value):
    client.force_login(user)
    response = client.post(
        "/settings/profile/", {"display_name": "", "email": "", "website_url": value}
    )
    assert response.status_code == 200
    body = response.content.decode()
    # Django's URLField says "Enter a valid URL." first for what is no URL at all
    assert 'id="id_website_url_errors"' in body
    assert NOT_A_WEB_URL in body or "Enter a valid URL." in body
    user.refresh_from_db()
    assert user.website_url == ""


def test_the_admin_refuses_a_package_link_that_is_not_a_web_url(client, moderator, mod_package):
    # The package change form is read-only (packages go through the services, which check links
    # like the web and API forms): a posted link is refused and nothing is stored.
    log_in_to_the_admin(client, moderator)
    url = f"/admin/packages/package/{mod_package.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"website": "javascript:alert(1)", "title": "Farming"})
    assert response.status_code == 403
    mod_package.refresh_from_db()
    assert mod_package.website is None


def test_the_admin_refuses_a_license_url_that_is_not_a_web_url(client, moderator):
    log_in_to_the_admin(client, moderator)
    mit = License.objects.get(name="MIT")
    response = client.post(
        f"/admin/packages/license/{mit.pk}/change/",
        {"name": "MIT", "is_foss": "on", "url": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()  # URLField's own check comes first
    mit.refresh_from_db()
    assert mit.url != "javascript:alert(1)"


def test_the_admin_refuses_an_ftp_license_url(client, moderator):
    log_in_to_the_admin(client, moderator)
    mit = License.objects.get(name="MIT")
    response = client.post(
        f"/admin/packages/license/{mit.pk}/change/",
        {"name": "MIT", "is_foss": "on", "url": "ftp://example.org/mit"},
    )
    assert response.status_code == 200
    assert NOT_A_WEB_URL in response.content.decode()
    mit.refresh_from_db()
    assert mit.url != "ftp://example.org/mit"


def test_user_pages_of_others_use_the_same_rule(client):
    UserFactory(username="carol", website_url="https://carol.example/")
    assert_linked(links_on(client, "/users/carol/"), "https://carol.example/")
