"""Package translations (issue 18): a release's `locale/*.<lang>.tr` and `.po` files fill the
package's languages and its translated title and short description, which the list, the detail and
for-client answer by `Accept-Language` as ContentDB does (docs/protocols/contentdb.md
"Translations"), with `Vary: Accept-Language` and one cached body per negotiated language.

The fixture mod stands for a real translated mod such as `farming` (Farming Redo) or
`unified_inventory`: a mod.conf with title and description and `locale/<mod>.<lang>.tr` files in
several languages, plus a `.po` file as Luanti 5.10+ reads them and files of other text domains
(a library it bundles) that only add languages.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from packages.models import DevState, Package, PackageTranslation
from tests.contentdb_writes.support import zip_bytes
from tests.factories import PackageFactory

pytestmark = pytest.mark.django_db

URL = "/api/packages/alice/farming/"
LIST = "/api/packages/?type=mod"

CONF = "name = farming\ntitle = Farming Redo\ndescription = Adds crops and food.\n"
DE = "# textdomain: farming\nFarming Redo=Landwirtschaft Redux\nAdds crops and food.=Fügt Pflanzen hinzu.\n"
FR_PO = """msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"

msgctxt "farming"
msgid "Farming Redo"
msgstr "Agriculture"

#, fuzzy
msgid "Adds crops and food."
msgstr "Ajoute (brouillon)"
"""


def translated_zip(**extra: str) -> bytes:
    files = {
        "farming/mod.conf": CONF,
        "farming/init.lua": "",
        "farming/locale/farming.de.tr": DE,
        "farming/locale/farming.fr.po": FR_PO,
        # another text domain (a bundled library): only adds its language
        "farming/locale/lib_crops.ja.tr": "# textdomain: lib_crops\nCrop=作物\n",
        "farming/locale/template.txt": "# textdomain: farming\nFarming Redo=\n",
        **extra,
    }
    return zip_bytes(files)


def release(client, token, content: bytes, title: str = "1.0.0"):
    return client.post(
        URL + "releases/new/",
        {"title": title, "file": SimpleUploadedFile("farming.zip", content)},
        **token,
    )


@pytest.fixture
def farming(user):
    return PackageFactory(
        author=user,
        name="farming",
        title="Farming Redo",
        short_description="Adds crops and food.",
        long_description="Plant **seeds**.",
    )


@pytest.fixture
def published(client, token, farming):
    response = release(client, token, translated_zip())
    assert response.status_code == 200, response.content
    return farming


def test_a_release_fills_the_languages_and_the_translated_texts(published):
    assert sorted(published.languages.values_list("id", flat=True)) == ["de", "fr", "ja"]
    rows = {
        t.language_id: (t.title, t.short_description)
        for t in PackageTranslation.objects.filter(package=published)
    }
    assert rows == {
        "de": ("Landwirtschaft Redux", "Fügt Pflanzen hinzu."),
        "fr": ("Agriculture", None),  # the fuzzy entry is not a translation
        "ja": (None, None),  # another text domain: the language only
    }


def test_the_lang_filter_lists_packages_translated_into_it(client, published):
    PackageFactory(name="untranslated")
    assert [p["name"] for p in client.get(LIST + "&lang=de").json()] == ["farming"]
    assert [p["name"] for p in client.get(LIST + "&lang=ja").json()] == ["farming"]
    assert client.get(LIST + "&lang=es").json() == []
    assert len(client.get(LIST + "&lang=en").json()) == 2


def test_the_list_answers_in_the_negotiated_language(client, published):
    plain = client.get(LIST)
    assert plain["Vary"] and "Accept-Language" in plain["Vary"]
    assert plain.json()[0]["title"] == "Farming Redo"
    # the newest Luanti client's header
    german = client.get(LIST, HTTP_ACCEPT_LANGUAGE="de, en;q=0.8")
    assert "Accept-Language" in german["Vary"]
    item = german.json()[0]
    assert (item["title"], item["short_description"]) == (
        "Landwirtschaft Redux",
        "Fügt Pflanzen hinzu.",
    )
    # a region falls back to its language; French has a title only
    french = client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9").json()[0]
    assert (french["title"], french["short_description"]) == ("Agriculture", "Adds crops and food.")
    # an unknown or English preference: the package's own texts
    for header in ("xx", "en-US,en;q=0.9,de;q=0.5", ""):
        assert client.get(LIST, HTTP_ACCEPT_LANGUAGE=header).json()[0]["title"] == "Farming Redo"


def test_each_language_has_its_own_cached_body(client, published):
    """Alternating languages never serve one language's cached bytes for another, and a write
    (a new title) reaches every language."""
    for _ in range(2):
        assert client.get(LIST, HTTP_ACCEPT_LANGUAGE="de").json()[0]["title"] == (
            "Landwirtschaft Redux"
        )
        assert client.get(LIST).json()[0]["title"] == "Farming Redo"
        assert client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr").json()[0]["title"] == "Agriculture"
    etags = {client.get(LIST, HTTP_ACCEPT_LANGUAGE=h)["ETag"] for h in ("de", "fr", "")}
    assert len(etags) == 3
    # an equivalent header shares the negotiated language's entry
    assert (
        client.get(LIST, HTTP_ACCEPT_LANGUAGE="de-DE")["ETag"]
        == client.get(LIST, HTTP_ACCEPT_LANGUAGE="de")["ETag"]
    )


def test_a_wip_package_keeps_contentdbs_untranslated_prefix(client, published):
    Package.objects.filter(pk=published.pk).update(dev_state=DevState.WIP)
    item = client.get(LIST + "&lang=de", HTTP_ACCEPT_LANGUAGE="de").json()[0]
    assert item["title"] == "Landwirtschaft Redux"
    assert item["short_description"] == "Work in Progress. Adds crops and food."


def test_the_detail_and_for_client_answer_in_the_negotiated_language(client, published):
    PackageTranslation.objects.filter(package=published, language_id="de").update(
        long_description="Pflanze **Samen**."
    )
    detail = client.get(URL, HTTP_ACCEPT_LANGUAGE="de")
    assert "Accept-Language" in detail["Vary"]
    body = detail.json()
    assert body["title"] == "Landwirtschaft Redux"
    assert body["short_description"] == "Fügt Pflanzen hinzu."
    assert body["long_description"] == "Pflanze **Samen**."
    assert client.get(URL).json()["title"] == "Farming Redo"
    assert client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").json()["long_description"] == (
        "Plant **seeds**."
    )

    page = client.get(URL + "for-client/?formspec_version=7", HTTP_ACCEPT_LANGUAGE="de, en;q=0.8")
    assert "Accept-Language" in page["Vary"]
    data = page.json()
    assert data["title"] == "Landwirtschaft Redux"
    assert "Samen" in data["long_description"]["body"]
    info = data["info_hypertext"]["body"]
    assert "Languages" in info and "English, Deutsch" in info


def test_a_later_release_adds_languages_and_replaces_texts(client, token, published):
    newer = translated_zip(
        **{
            "farming/locale/farming.de.tr": "# textdomain: farming\nFarming Redo=Ackerbau\n",
            "farming/locale/farming.es.tr": "# textdomain: farming\nFarming Redo=Agricultura\n",
        }
    )
    assert release(client, token, newer, title="1.1.0").status_code == 200
    assert sorted(published.languages.values_list("id", flat=True)) == ["de", "es", "fr", "ja"]
    german = PackageTranslation.objects.get(package=published, language_id="de")
    assert (german.title, german.short_description) == ("Ackerbau", None)
    # the answers follow at once: the release bumped the cache generation
    assert client.get(LIST, HTTP_ACCEPT_LANGUAGE="de").json()[0]["title"] == "Ackerbau"
    assert client.get(LIST, HTTP_ACCEPT_LANGUAGE="es").json()[0]["title"] == "Agricultura"


def test_a_broken_tr_file_fails_the_release_naming_file_and_line(client, token, farming):
    broken = translated_zip(
        **{"farming/locale/farming.de.tr": "# textdomain: farming\nFarming Redo Landwirtschaft\n"}
    )
    response = release(client, token, broken)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "Syntax error whilst reading farming/locale/farming.de.tr: Line 2: Missing = in line",
    }
    assert not farming.languages.exists() and not farming.releases.exists()


def test_a_broken_file_of_an_unknown_language_is_not_read(client, token, farming):
    content = translated_zip(**{"farming/locale/farming.xx.tr": "no textdomain here\n"})
    assert release(client, token, content).status_code == 200
    assert "xx" not in set(farming.languages.values_list("id", flat=True))


def test_a_game_translates_its_name_as_its_title(client, token, user):
    game = PackageFactory(author=user, name="space", type="GAME", title="Space")
    content = zip_bytes(
        {
            "space/game.conf": "name = Space Game\ndescription = Float around.\n",
            "space/mods/base/init.lua": "",
            "space/locale/space.de.tr": "# textdomain: space\nSpace Game=Weltraumspiel\n"
            "Float around.=Herumschweben.\n",
        }
    )
    response = client.post(
        "/api/packages/alice/space/releases/new/",
        {"title": "1.0", "file": SimpleUploadedFile("space.zip", content)},
        **token,
    )
    assert response.status_code == 200, response.content
    assert client.get("/api/packages/alice/space/", HTTP_ACCEPT_LANGUAGE="de").json()["title"] == (
        "Weltraumspiel"
    )
    assert list(game.languages.values_list("id", flat=True)) == ["de"]
