"""The rough edges a newcomer hit on the forms: help text that is help text, errors in plain words,
the screenshot size rule up front, the release form's zip field marked required, and rockspec
errors shown as the domain words them (reason and line when the domain gives them), on the web and
in the LuaRocks API alike."""

import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import create_api_key
from media_tools.thumbnails import MIN_HEIGHT, MIN_WIDTH
from releases.errors import ReleasesError
from releases.rockspecs import parse_rockspec

pytestmark = pytest.mark.django_db

BROKEN = b'package = "broken"\nversion = "1.0-1"\nsource x = {}\n'


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/init.lua", "return 1\n")
    return buffer.getvalue()


def domain_message(content: bytes) -> str:
    with pytest.raises(ReleasesError) as caught:
        parse_rockspec(content)
    return caught.value.message


def test_password_rules_are_help_text_not_loose_paragraph_text(client):
    body = client.get("/accounts/signup/").content.decode()
    help_block = re.search(r'<(\w+) class="help" id="id_password1_helptext">(.*?)</\1>', body, re.S)
    assert help_block is not None
    assert help_block.group(1) == "div"  # a <ul> may not sit in a <p>: it would fall outside
    assert "<ul>" in help_block.group(2) and "<li>" in help_block.group(2)


def test_a_bad_technical_name_is_explained_in_plain_words(alice_client):
    response = alice_client.post("/packages/new/", {"type": "MOD", "name": "Glowing-Mushrooms"})
    body = html.unescape(response.content.decode())
    errors = re.search(r'id="id_name_errors">(.*?)</ul>', body, re.S).group(1)
    assert "lower-case letters" in errors and "glowing_mushrooms" in errors
    assert "a-z, 0-9" not in errors and "[" not in errors


def test_the_screenshot_hint_names_the_minimum_size(alice_client, mod_package):
    body = alice_client.get(f"/packages/alice/{mod_package.name}/screenshots/").content.decode()
    assert f"at least {MIN_WIDTH} x {MIN_HEIGHT} pixels" in body


def test_the_release_form_ties_each_field_to_its_source_and_marks_the_zip_required(
    alice_client, mod_package
):
    body = alice_client.get(f"/packages/alice/{mod_package.name}/releases/new/").content.decode()
    zip_part = body[body.index('data-source="zip"') :]
    zip_part = zip_part[: zip_part.index('data-source="git"')]
    assert 'id="id_file"' in zip_part and 'class="req"' in zip_part
    git_part = body[body.index('data-source="git"') :]
    assert 'id="id_ref"' in git_part and 'id="id_file"' not in git_part


@pytest.mark.parametrize(
    ("filename", "content"),
    [("broken-1.0-1.rockspec", BROKEN), ("zipped-1.0-1.rockspec", zip_bytes())],
    ids=["syntax-error", "zip-as-rockspec"],
)
def test_the_upload_form_shows_the_domains_rockspec_error_unchanged(
    alice_client, user, filename, content
):
    expected = domain_message(content)
    response = alice_client.post(
        "/upload/", {"rockspec_file": SimpleUploadedFile(filename, content)}
    )
    assert response.status_code == 400
    errors = re.search(r'id="id_rockspec_file_errors">(.*?)</ul>', response.content.decode(), re.S)
    assert html.unescape(errors.group(1)) == f"<li>{expected}</li>"
    assert "/tmp/" not in expected and "/work/" not in expected  # no server paths


def test_the_luarocks_api_answers_the_domains_rockspec_error_unchanged(client, user):
    _key, secret = create_api_key(user=user)
    expected = domain_message(BROKEN)
    response = client.post(
        f"/api/1/{secret}/upload",
        {"rockspec_file": SimpleUploadedFile("broken-1.0-1.rockspec", BROKEN)},
    )
    assert response.status_code == 400
    assert response.json() == {"errors": [expected]}
