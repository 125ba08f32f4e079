"""The web face in German: the catalogue is complete (no msgid untranslated or fuzzy, the compiled
.mo matches the .po, and no string marked in the code is missing from it), the language comes from
Accept-Language or the footer's switcher, dates and numbers follow it, and the APIs stay English."""

import gettext
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from packages import threads
from packages.models import MetaPackage, PackageDependency
from tests.factories import PackageFactory, ReleaseFactory, UserFactory

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def entries(path: Path) -> list[dict]:
    """msgid, msgid_plural, msgstr(s) and flags of every entry of a .po file (header excluded)."""
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        flags = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#"):
                continue
            elif match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line):
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            fields["flags"] = flags
            found.append(fields)
    return found


def unescape(text: str) -> str:
    return text.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def test_every_msgid_of_the_german_catalogue_is_translated_and_not_fuzzy():
    catalogue = entries(PO)
    assert len(catalogue) > 400
    untranslated = [
        e["msgid"]
        for e in catalogue
        if not all(v.strip() for k, v in e.items() if k.startswith("msgstr"))
    ]
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries(PO):
        msgid = unescape(entry["msgid"])
        if "msgid_plural" in entry:
            plural = unescape(entry["msgid_plural"])
            assert compiled.ngettext(msgid, plural, 1) == unescape(entry["msgstr[0]"]), msgid
            assert compiled.ngettext(msgid, plural, 5) == unescape(entry["msgstr[1]"]), msgid
        else:
            assert compiled.gettext(msgid) == unescape(entry["msgstr"]), msgid


@pytest.mark.skipif(
    not shutil.which("xgettext"), reason="xgettext is missing: apt-get install gettext"
)
def test_no_marked_string_is_missing_from_the_catalogue(tmp_path):
    """makemessages run afresh finds no msgid the committed catalogue lacks."""
    fresh = tmp_path / "django.po"
    shutil.copy(PO, fresh)
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "manage.py",
            "makemessages",
            "-l",
            "de",
            "--no-location",
            *[
                f"--ignore={p}"
                for p in (".venv/*", "tests/*", "bench/*", "node_modules/*", ".uv/*")
            ],
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "settings.test",
            "HOME": str(tmp_path),
        },
    )
    try:
        after = {e["msgid"] for e in entries(PO)}
        before = {e["msgid"] for e in entries(fresh)}
        assert sorted(after - before) == []
        untranslated = [e["msgid"] for e in entries(PO) if not e.get("msgstr", "x").strip()]
        assert untranslated == []
    finally:
        shutil.copy(fresh, PO)  # leave the committed catalogue as it was


@pytest.mark.django_db
def test_a_german_browser_gets_german_pages_with_german_dates_and_numbers(client):
    package = PackageFactory(name="tausend", title="Tausend", downloads=1234)
    ReleaseFactory(package=package, created_at=datetime(2026, 3, 9, tzinfo=UTC))
    page = client.get(
        f"/packages/{package.author.username}/tausend/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9"
    )
    body = page.content.decode()
    assert page["Content-Language"] == "de" and '<html lang="de">' in body
    assert "Versionen" in body and "Herunterladen" in body and "Sprache" in body
    assert "1.234 Downloads" in body  # numbers: German thousands separator
    assert re.search(r"\d\d\.\d\d\.\d{4}", body)  # dates: d.m.Y
    english = client.get(f"/packages/{package.author.username}/tausend/").content.decode()
    assert "Releases" in english and "1,234 downloads" in english


def section(body: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has `heading_id`."""
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


@pytest.mark.django_db
def test_the_package_pages_sections_and_the_thread_page_speak_german(client):
    """The partials added after the first translation (dependencies, games, threads, collections,
    the thread page and its form, the email settings' choices) follow the browser's language, and
    stay English by default."""
    package = PackageFactory(name="wolves", title="Wolves")
    missing = MetaPackage.objects.create(name="no_such_mod")
    PackageDependency.objects.create(depender=package, meta_package=missing)
    writer = UserFactory(username="writer")
    thread = threads.create_thread(
        by=writer, package=package, title="Howling at night", body="They howl.", private=False
    )
    url = f"/packages/{package.author.username}/wolves/"
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    deps = section(body, "dependencies-heading")
    assert ">Abhängigkeiten</h2>" in deps and ">fehlt</span>" in deps
    assert ">Themen</h2>" in section(body, "threads-heading")
    assert ">Spiele</h2>" in section(body, "games-heading")
    assert "Noch in keiner öffentlichen Sammlung." in section(body, "collections-heading")
    english = client.get(url).content.decode()
    assert ">Dependencies</h2>" in english and ">Threads</h2>" in english

    client.force_login(writer)
    thread_url = reverse("web:thread", args=[thread.pk])
    page = client.get(thread_url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Howling at night" in page
    assert ">Nicht mehr beobachten</button>" in page  # its writer watches it
    assert ">Antworten</button>" in page
    assert "Deine Antwort" in page and "Benachrichtigungen" in page  # form label, header link
    english = client.get(thread_url).content.decode()
    assert ">Stop watching</button>" in english and "Your reply" in english

    settings_url = reverse("accounts:notification-settings")
    email = client.get(settings_url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Neue Versionen von Paketen, die du beobachtest" in email and "Sofort" in email
    assert "Immediately" in client.get(settings_url).content.decode()


@pytest.mark.django_db
def test_the_footer_switcher_sets_the_language(client):
    home = client.get("/").content.decode()
    assert 'name="language"' in home and 'action="/i18n/setlang/"' in home
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/tags/"})
    assert response.status_code == 302 and response["Location"] == "/tags/"
    assert "Schlagwörter" in client.get("/tags/").content.decode()


@pytest.mark.django_db
def test_the_apis_stay_english_whatever_the_browser_asks(client):
    response = client.get("/api/packages/?type=nope", HTTP_ACCEPT_LANGUAGE="de")
    assert "Content-Language" not in response
    assert "Accept-Language" not in response.get("Vary", "")
    bad = client.post("/api/packages/", HTTP_ACCEPT_LANGUAGE="de")
    assert bad.json()["success"] is False
