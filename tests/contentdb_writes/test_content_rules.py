"""The release content rules that follow ContentDB (docs/protocols/contentdb.md section 4, "Content
rules"), each on a small zip built here in the shape of the real package it stands for, uploaded
through the ContentDB API: accepted or refused with ContentDB's message, nothing stored when refused.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from packages.models import MetaPackage, PackageDependency, PackageState, PackageType
from releases.luanti_conf import parse_conf
from releases.models import Release
from tests.contentdb_writes.support import zip_bytes
from tests.factories import PackageFactory

pytestmark = pytest.mark.django_db

LICENSE = {"LICENSE.txt": "MIT\n"}


def package(user, name: str, kind: str = PackageType.MOD, *, approved: bool = False):
    state = PackageState.APPROVED if approved else PackageState.WIP
    return PackageFactory(author=user, name=name, type=kind, state=state)


def upload(client, token, target, files: dict[str, str | bytes], title: str = "1.0"):
    url = f"/api/packages/{target.author.username}/{target.name}/releases/new/"
    content = zip_bytes(files)
    return client.post(url, {"title": title, "file": SimpleUploadedFile("r.zip", content)}, **token)


def accepted(response) -> Release:
    assert response.status_code == 200, response.content
    return Release.objects.get(pk=response.json()["release"]["id"])


def refused(response, target, message: str) -> None:
    assert response.status_code == 400, response.content
    assert response.json() == {"success": False, "error": message}
    assert not target.releases.exists()


def within(top: str, files: dict[str, str | bytes]) -> dict[str, str | bytes]:
    return {f"{top}/{path}": content for path, content in files.items()}


# --- the content name is checked for a single mod only -------------------------------------------
def test_a_texture_pack_named_otherwise_in_its_conf_is_accepted(client, token, user):
    """The 512-px texture pack `realism_512`, whose texture_pack.conf says `name = realism 512`
    (a space: no mod name at all). The client installs it into a folder named after the package."""
    txp = package(user, "realism_512", PackageType.TXP)
    files = {"texture_pack.conf": "name = realism 512\ndescription = 512px\n", **LICENSE}
    files["default_dirt.png"] = b"\x89PNG fake"
    accepted(upload(client, token, txp, within("realism_512", files)))


def test_a_modpack_named_otherwise_is_accepted(client, token, user, minetest_game):
    """A modpack repository such as `mesecons` whose modpack.conf names it differently."""
    pack = package(user, "mesecons")
    files = {
        "modpack.conf": "name = mesecons_modpack\n",
        "mesecons/init.lua": "",
        "mesecons/mod.conf": "name = mesecons\ndepends = default\n",
        **LICENSE,
    }
    accepted(upload(client, token, pack, within("mesecons", files)))
    assert list(pack.provides.values_list("name", flat=True)) == ["mesecons"]


def test_a_single_mod_named_otherwise_is_refused(client, token, user):
    mod = package(user, "farming")
    files = {"init.lua": "", "mod.conf": "name = cooking\n", **LICENSE}
    refused(
        upload(client, token, mod, within("farming", files)),
        mod,
        "Package name (farming) does not match the name of the content in the release "
        "(cooking); set name = farming in mod.conf",
    )


# --- inside a modpack: dot-folders skipped, anything else must be a mod --------------------------
def test_dot_folders_of_a_modpack_are_skipped(client, token, user, minetest_game):
    """`git archive` of a modpack like `3d_armor` keeps `.github/` (CI workflows) and
    `.luacheckrc`-style dot entries beside the mods."""
    pack = package(user, "3d_armor")
    files = {
        "modpack.conf": "name = 3d_armor\n",
        ".github/workflows/check.yml": "on: push\n",
        ".gitlab/ci.yml": "x\n",
        "3d_armor/init.lua": "",
        "3d_armor/mod.conf": "name = 3d_armor\ndepends = default\n",
        "shields/init.lua": "",
        "shields/mod.conf": "name = shields\ndepends = 3d_armor\n",
        **LICENSE,
    }
    accepted(upload(client, token, pack, within("3d_armor", files)))
    assert sorted(pack.provides.values_list("name", flat=True)) == ["3d_armor", "shields"]


def test_a_folder_of_a_modpack_that_is_no_mod_is_refused(client, token, user, minetest_game):
    """A modpack with a `manual/` folder beside its mods: ContentDB refuses it."""
    pack = package(user, "mesecons")
    files = {
        "modpack.conf": "name = mesecons\n",
        "manual/index.md": "# Manual\n",
        "mesecons/init.lua": "",
        "mesecons/mod.conf": "name = mesecons\n",
        **LICENSE,
    }
    refused(
        upload(client, token, pack, within("mesecons", files)),
        pack,
        "Expecting mod or modpack, found unknown at /manual/ inside modpack",
    )


# --- the content root: down while a folder holds one sub-folder ----------------------------------
def test_the_content_root_is_found_several_folders_down(client, token, user):
    """A zip made of a checkout folder holding the mod's folder (`moreblocks-master/moreblocks/`)."""
    mod = package(user, "moreblocks")
    files = {"init.lua": "", "mod.conf": "name = moreblocks\n", **LICENSE}
    accepted(upload(client, token, mod, within("moreblocks-master/src/moreblocks", files)))
    assert list(mod.provides.values_list("name", flat=True)) == ["moreblocks"]


# --- conf values ---------------------------------------------------------------------------------
def test_an_unknown_luanti_version_in_the_conf_is_ignored(client, token, user):
    """`min_minetest_version = 5.99` (a Luanti newer than this registry knows) and a malformed
    `max_minetest_version`: ContentDB ignores both; a known one is kept."""
    mod = package(user, "digilines")
    conf = "name = digilines\nmin_minetest_version = 5.99\nmax_minetest_version = five\n"
    release = accepted(
        upload(
            client, token, mod, within("digilines", {"init.lua": "", "mod.conf": conf, **LICENSE})
        )
    )
    assert (release.min_luanti_version, release.max_luanti_version) == (None, None)
    conf = "name = digilines\nmin_minetest_version = 5.4\n"
    files = {"init.lua": "", "mod.conf": conf, **LICENSE}
    release = accepted(upload(client, token, mod, within("digilines", files), title="2.0"))
    assert release.min_luanti_version.name == "5.4"


def test_a_conf_value_ends_at_a_second_equals_sign(client, token, user):
    """`name = xdecor = homedecor` reads as `xdecor`, as ContentDB's parser splits the line."""
    mod = package(user, "xdecor")
    files = {"init.lua": "", "mod.conf": "name = xdecor = homedecor\n", **LICENSE}
    accepted(upload(client, token, mod, within("xdecor", files)))
    assert parse_conf("a = b = c\nd == e\nf = g\r\nh = i\x0bj = k", filename="x") == {
        "a": "b",
        "d": "",
        "f": "g",
        "h": "i",
        "j": "k",
    }


# --- a new mod's hard dependencies must be provided by an approved package -----------------------
def test_a_new_mod_whose_hard_dependency_nobody_provides_is_refused(client, token, user):
    """`i3` depending on a mod no approved package provides."""
    mod = package(user, "i3")
    files = {"init.lua": "", "mod.conf": "name = i3\ndepends = nowhere\n", **LICENSE}
    refused(
        upload(client, token, mod, within("i3", files)),
        mod,
        "Error validating game support:\n\n- Unable to fulfill dependency nowhere",
    )


def test_a_new_mod_whose_hard_dependencies_are_provided_is_accepted(
    client, token, user, other_user
):
    """Provided by an approved game or an approved mod; an optional dependency need not be; a
    provider not yet approved does not count."""
    mod = package(user, "unified_inventory")
    PackageFactory(author=other_user, name="mtg", type=PackageType.GAME).provides.set(
        [MetaPackage.objects.get_or_create(name="default")[0]]
    )
    PackageFactory(author=other_user, name="sfinv").provides.set(
        [MetaPackage.objects.get_or_create(name="sfinv")[0]]
    )
    PackageFactory(author=other_user, name="wip", state=PackageState.WIP).provides.set(
        [MetaPackage.objects.get_or_create(name="wip_only")[0]]
    )
    conf = "name = unified_inventory\ndepends = default, sfinv\noptional_depends = missing\n"
    files = {"init.lua": "", "mod.conf": conf, **LICENSE}
    accepted(upload(client, token, mod, within("unified_inventory", files)))
    conf = "name = unified_inventory\ndepends = wip_only\n"
    files = {"init.lua": "", "mod.conf": conf, **LICENSE}
    response = upload(client, token, mod, within("unified_inventory", files), title="2.0")
    assert response.json()["error"].endswith("Unable to fulfill dependency wip_only")


def test_an_approved_mod_s_release_is_not_held_to_its_dependencies(client, token, user):
    mod = package(user, "mesecons", approved=True)
    files = {"init.lua": "", "mod.conf": "name = mesecons\ndepends = nowhere\n"}
    accepted(upload(client, token, mod, within("mesecons", files)))


def test_a_game_with_unresolved_hard_dependencies_is_refused(client, token, user):
    game = package(user, "minetest_game", PackageType.GAME, approved=True)
    files = {
        "game.conf": "name = Minetest Game\n",
        "mods/default/init.lua": "",
        "mods/default/mod.conf": "name = default\ndepends = player_api\n",
    }
    refused(
        upload(client, token, game, within("minetest_game", files)),
        game,
        "Game has unresolved hard dependencies: player_api",
    )


# --- new packages: a licence file, and no legacy depends.txt / description.txt -------------------
@pytest.mark.parametrize("name", ["LICENSE", "license.md", "Licence.txt", "LICENSE-CODE.txt"])
def test_a_new_package_with_a_licence_file_is_accepted(client, token, user, name):
    mod = package(user, "farming")
    accepted(
        upload(client, token, mod, {"init.lua": "", "mod.conf": "name = farming\n", name: "MIT"})
    )


NO_LICENCE = (
    "You need to add a LICENSE.txt/.md or COPYING file to your package. See the 'Copyright "
    "Guide' for more info"
)


@pytest.mark.parametrize("name", [None, "COPYING", "LICENSE.rst", "docs/LICENSE.txt"])
def test_a_new_package_without_a_licence_file_at_its_root_is_refused(client, token, user, name):
    """ContentDB's pattern is `licen[sc]e*` with `.txt`, `.md` or nothing; its message names
    COPYING, which the pattern does not accept (kept as ContentDB has it)."""
    mod = package(user, "farming")
    files = {"init.lua": "", "mod.conf": "name = farming\n"}
    if name:
        files[name] = "MIT"
    refused(upload(client, token, mod, files), mod, NO_LICENCE)


def test_an_approved_package_needs_no_licence_file(client, token, user):
    mod = package(user, "farming", approved=True)
    accepted(upload(client, token, mod, {"init.lua": "", "mod.conf": "name = farming\n"}))


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"init.lua": "", "depends.txt": "default\n"},
            "Found depends.txt at /. Delete this file and use depends in mod.conf instead",
        ),
        (
            {"init.lua": "", "description.txt": "Farming\n"},
            "Found description.txt at /. Delete this file and use description in mod.conf instead",
        ),
        (
            {
                "modpack.txt": "",
                "farming_core/init.lua": "",
                "farming_core/depends.txt": "default\n",
            },
            "Found depends.txt at /farming_core/. Delete this file and use depends in mod.conf "
            "instead",
        ),
    ],
)
def test_a_new_package_with_legacy_files_is_refused(client, token, user, files, message):
    """Old mods (before mod.conf, 2018) shipped depends.txt and description.txt."""
    mod = package(user, "farming")
    refused(upload(client, token, mod, within("farming", {**files, **LICENSE})), mod, message)


def test_an_approved_package_s_depends_txt_is_read(client, token, user):
    """An approved old mod keeps releasing with depends.txt: its names are read as Luanti reads
    them (`name?` optional, other lines ignored)."""
    mod = package(user, "farming", approved=True)
    files = {"init.lua": "", "depends.txt": "default\nbucket?\n# comment\nBad Name\n"}
    accepted(upload(client, token, mod, within("farming", files)))
    assert sorted(
        PackageDependency.objects.filter(depender=mod).values_list(
            "meta_package__name", "is_optional"
        )
    ) == [("bucket", True), ("default", False)]
