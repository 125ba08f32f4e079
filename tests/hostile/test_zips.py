"""Every check of the release-zip inspection (releases/zips.py), each with an archive written for it
byte by byte (tests/hostile/zipcraft.py): refused through the ContentDB release upload and the web
release form with the exact message and nothing stored, and, beside each refusal, the nearest
archive that must still be accepted. Boundary values of the limits are checked by calling
`open_safe_zip` with small limits, which is how every caller passes them.

The older families (not a zip, 64 MiB bomb, `..`, absolute path, symlink, 100k entries, lying sizes,
duplicate names, bzip2, wrong content, broken conf) are in tests/contentdb_writes/test_releases.py.
"""

import html
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from releases.errors import InvalidLuantiContent, InvalidReleaseZip
from releases.models import Release
from releases.zips import ZipLimits, inspect_release_zip, open_safe_zip
from tests.factories import PackageFactory
from tests.hostile.conftest import contentdb_error
from tests.hostile.zipcraft import (
    BZIP2,
    S_IFBLK,
    S_IFCHR,
    S_IFDIR,
    S_IFIFO,
    S_IFLNK,
    S_IFREG,
    S_IFSOCK,
    STORED,
    Entry,
    build_zip,
    mod_entries,
)

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024  # our own: the module's constant is under test too

API = "/api/packages/alice/farming/releases/new/"
WEB = "/packages/alice/farming/releases/new/"
MOD = mod_entries()


def _mod(*extra: Entry) -> bytes:
    return build_zip([*MOD, *extra])


def _nested_modpacks(levels: int) -> bytes:
    """farming/ is a modpack; below it `levels` nested modpacks a/b/..., the last holding a mod."""
    entries = [Entry("farming/modpack.conf", b"name = farming\n")]
    folder = "farming"
    for level in range(levels):
        folder = f"{folder}/{chr(ord('a') + level)}"
        entries.append(Entry(f"{folder}/modpack.conf", b""))
    entries += [
        Entry(f"{folder}/deep/init.lua"),
        Entry(f"{folder}/deep/mod.conf", b"name = deep\n"),
    ]
    return build_zip(entries)


def _overlap_bomb(copies: int = 40) -> bytes:
    """The overlapping-files bomb: one 1 MiB entry of zeros (~1 KiB deflated) and `copies`
    central-directory entries pointing at its data, each within the per-entry ratio rule."""
    entries = [*MOD, Entry("farming/kernel.bin", bytes(MiB))]
    entries += [Entry(f"farming/copy{n}.bin", shares_data_of=2) for n in range(copies)]
    return build_zip(entries)


def _partial_overlap(shift: int) -> bytes:
    """mod.conf's local header recorded `shift` bytes away from where it really starts."""
    return build_zip([MOD[0], Entry("farming/mod.conf", b"name = farming\n", offset_shift=shift)])


def _running_into_directory() -> bytes:
    stored = b"name = farming\n"
    return build_zip(
        [MOD[0], Entry("farming/mod.conf", stored, method=STORED, compress_size=len(stored) + 1)]
    )


def _running_to_the_end() -> bytes:
    """mod.conf's data claims to run exactly to the last byte: over the directory."""
    plain = build_zip(MOD)
    start = plain.index(b"farming/mod.conf") + len("farming/mod.conf")  # its local data
    return build_zip(
        [MOD[0], Entry("farming/mod.conf", MOD[1].data, compress_size=len(plain) - start)]
    )


def _header_ending_the_file(before_the_end: int = 30) -> bytes:
    """An empty stored entry recorded `before_the_end` bytes before the end: its "header" is the
    end record's last bytes (at 30, its name and extra lengths read as 0; at 29, it is cut)."""
    entries = [*MOD, Entry("farming/empty", method=STORED)]
    plain = build_zip(entries)
    real = plain.rindex(b"PK\x03\x04")
    shift = len(plain) - before_the_end - real
    entries[2] = Entry("farming/empty", method=STORED, offset_shift=shift)
    return build_zip(entries)


def _running_past_the_end() -> bytes:
    return build_zip([MOD[0], Entry("farming/mod.conf", b"name = farming\n", compress_size=4096)])


REFUSED = {
    # names
    "backslash": (
        lambda: build_zip([Entry("farming\\init.lua"), MOD[1]]),
        "The zip contains a path with a backslash: 'farming\\\\init.lua'",
    ),
    "control character": (
        lambda: _mod(Entry("farming/in\x01it.lua")),
        "The zip contains a path with a control character: 'farming/in\\x01it.lua'",
    ),
    "unit separator": (
        lambda: _mod(Entry("farming/a\x1fb.lua")),
        "The zip contains a path with a control character: 'farming/a\\x1fb.lua'",
    ),
    "newline": (
        lambda: _mod(Entry("farming/a\nb.lua")),
        "The zip contains a path with a control character: 'farming/a\\nb.lua'",
    ),
    "DEL": (
        lambda: _mod(Entry("farming/a\x7fb.lua")),
        "The zip contains a path with a control character: 'farming/a\\x7fb.lua'",
    ),
    "C1 control": (
        lambda: _mod(Entry("farming/a\x85b.lua")),
        "The zip contains a path with a control character: 'farming/a\\x85b.lua'",
    ),
    "drive letter": (
        lambda: _mod(Entry("C:/evil.lua")),
        "The zip contains an absolute path: 'C:/evil.lua'",
    ),
    "drive-relative": (
        lambda: _mod(Entry("c:evil.lua")),
        "The zip contains an absolute path: 'c:evil.lua'",
    ),
    "bare drive": (lambda: _mod(Entry("C:")), "The zip contains an absolute path: 'C:'"),
    "absolute path": (
        lambda: _mod(Entry("/etc/cron.d/evil")),
        "The zip contains an absolute path: '/etc/cron.d/evil'",
    ),
    "parent path": (
        lambda: _mod(Entry("farming/../../evil.lua")),
        "The zip contains an unsafe path: 'farming/../../evil.lua'",
    ),
    "file twice": (
        lambda: _mod(Entry("farming/init.lua")),
        "The zip contains 'farming/init.lua' twice",
    ),
    "empty part": (
        lambda: _mod(Entry("farming//evil.lua")),
        "The zip contains an unsafe path: 'farming//evil.lua'",
    ),
    "dot part": (
        lambda: _mod(Entry("farming/./evil.lua")),
        "The zip contains an unsafe path: 'farming/./evil.lua'",
    ),
    "parent folder entry": (
        lambda: _mod(Entry("farming/../")),
        "The zip contains an unsafe path: 'farming/../'",
    ),
    "path too long": (
        lambda: _mod(Entry("farming/" + "x" * 1017)),
        "A path in the zip is longer than 1024 characters",
    ),
    # entries
    "encrypted": (
        lambda: build_zip([Entry("farming/init.lua", b"x", flags=0x1), MOD[1]]),
        "The zip contains an encrypted entry: 'farming/init.lua'",
    ),
    "fifo": (
        lambda: _mod(Entry("farming/pipe", mode=S_IFIFO | 0o644)),
        "The zip contains a special file: 'farming/pipe'",
    ),
    "character device": (
        lambda: _mod(Entry("farming/tty", mode=S_IFCHR | 0o644)),
        "The zip contains a special file: 'farming/tty'",
    ),
    "block device": (
        lambda: _mod(Entry("farming/sda", mode=S_IFBLK | 0o644)),
        "The zip contains a special file: 'farming/sda'",
    ),
    "socket": (
        lambda: _mod(Entry("farming/sock", mode=S_IFSOCK | 0o644)),
        "The zip contains a special file: 'farming/sock'",
    ),
    "symlink to a folder": (
        lambda: _mod(Entry("farming/etc", b"/etc", mode=S_IFLNK | 0o777)),
        "The zip contains a symbolic link: 'farming/etc'",
    ),
    "lzma": (
        lambda: build_zip([Entry("farming/init.lua", b"", method=14), MOD[1]]),
        "'farming/init.lua' uses a compression method Luanti cannot read (use deflate)",
    ),
    "bzip2 entry after good ones": (
        lambda: _mod(Entry("farming/x.lua", b"", method=BZIP2)),
        "'farming/x.lua' uses a compression method Luanti cannot read (use deflate)",
    ),
    "folder twice": (
        lambda: _mod(Entry("farming/textures/"), Entry("farming/textures/")),
        "The zip contains 'farming/textures' twice",
    ),
    "file then folder of that name": (
        lambda: _mod(Entry("farming/x"), Entry("farming/x/")),
        "The zip contains 'farming/x' twice",
    ),
    "folder then file of that name": (
        lambda: _mod(Entry("farming/x/"), Entry("farming/x")),
        "The zip contains 'farming/x' twice",
    ),
    "file below a file": (
        lambda: _mod(Entry("farming/x"), Entry("farming/x/y")),
        "The zip contains 'farming/x' both as a file and a folder",
    ),
    # sizes and layout
    "overlap bomb": (_overlap_bomb, "The zip's entries overlap; such archives are refused"),
    "overlap by one byte": (
        lambda: _partial_overlap(-1),
        "The zip's entries overlap; such archives are refused",
    ),
    "data running into the directory": (
        _running_into_directory,
        "The zip's entries overlap; such archives are refused",
    ),
    "data running past the end": (_running_past_the_end, "The zip is truncated"),
    "header past the end": (
        lambda: build_zip([MOD[0], Entry("farming/mod.conf", b"name = x\n", offset_shift=10_000)]),
        "The zip is truncated",
    ),
    "overlap by one byte with extra fields": (
        lambda: build_zip(
            [
                Entry("farming/init.lua", b"print('hi')\n", extra=TIMESTAMP),
                Entry("farming/mod.conf", b"name = farming\n", extra=TIMESTAMP, offset_shift=-1),
            ]
        ),
        "The zip's entries overlap; such archives are refused",
    ),
    "data running to the very end of the file": (
        _running_to_the_end,
        "The zip's entries overlap; such archives are refused",
    ),
    "header cut by the end of the file": (
        lambda: _header_ending_the_file(before_the_end=29),
        "The zip is truncated",
    ),
    "empty entry whose header ends the file": (
        _header_ending_the_file,
        "The zip's entries overlap; such archives are refused",
    ),
    "damaged data": (
        lambda: build_zip([Entry("farming/init.lua", b"print('hi')", crc=12345), MOD[1]]),
        "'farming/init.lua' in the zip is damaged",
    ),
    "empty entry with a wrong CRC": (
        lambda: _mod(Entry("farming/empty", b"", method=STORED, crc=12345)),
        "'farming/empty' in the zip is damaged",
    ),
    "two files below files": (
        lambda: _mod(
            Entry("farming/b"), Entry("farming/b/y"), Entry("farming/a"), Entry("farming/a/x")
        ),
        "The zip contains 'farming/a' both as a file and a folder",
    ),
    "cut in half": (lambda: _mod()[: len(_mod()) // 2], "The file is not a valid zip archive"),
    "empty zip": (lambda: build_zip([]), "The zip is empty"),
    "empty file": (lambda: b"", "The file is not a valid zip archive"),
    "broken directory": (
        lambda: build_zip(MOD, broken_directory_entry=1),
        "The file is not a valid zip archive",
    ),
    "entry claiming more than it holds": (
        lambda: build_zip([Entry("farming/init.lua", b"print('hi')", file_size=100), MOD[1]]),
        "'farming/init.lua' in the zip is damaged",
    ),
    "entry claiming less than it holds": (
        lambda: build_zip([Entry("farming/init.lua", b"print('hi')", file_size=5), MOD[1]]),
        "'farming/init.lua' in the zip is damaged",
    ),
    "2 MiB bomb": (
        lambda: _mod(Entry("farming/map.bin", bytes(2 * MiB))),
        "'farming/map.bin' expands more than 100 times; zip bombs are refused",
    ),
    # content
    "modpacks nested 9 deep": (
        lambda: _nested_modpacks(9),
        "farming/a/b/c/d/e/f/g/h/i: modpacks are nested too deeply",
    ),
    "conf over 64 KiB": (
        lambda: build_zip([MOD[0], Entry("farming/mod.conf", b"name = farming\n" + b"#" * 65522)]),
        "farming/mod.conf is larger than 65536 bytes",
    ),
    "conf not UTF-8": (
        lambda: build_zip(
            [MOD[0], Entry("farming/mod.conf", b"name = farming\ndescription = \xff\n")]
        ),
        "farming/mod.conf is not UTF-8 text",
    ),
    "conf sets release": (
        lambda: build_zip([MOD[0], Entry("farming/mod.conf", b"name = farming\nrelease = 7\n")]),
        "farming/mod.conf must not set release: the client writes it when installing",
    ),
    "two top folders": (
        lambda: build_zip(mod_entries("farming") + mod_entries("cooking")),
        "Expected a mod or modpack, but no mod.conf/modpack.conf (or init.lua for a mod) was "
        "found at the zip's root or in its single top folder",
    ),
    "mod named by its folder": (
        lambda: build_zip([Entry("cooking/init.lua")]),
        "Package name (farming) does not match the name of the content in the release (cooking); "
        "set name = farming in mod.conf",
    ),
    "modpack without mods": (  # a dot-folder is skipped, as ContentDB skips it
        lambda: build_zip(
            [Entry("farming/modpack.conf", b"name = farming\n"), Entry("farming/.github/a")]
        ),
        "The modpack contains no mods",
    ),
    "modpack with a folder that is no mod": (
        lambda: build_zip(
            [Entry("farming/modpack.conf", b"name = farming\n"), Entry("farming/x/a")]
        ),
        "Expecting mod or modpack, found unknown at /x/ inside modpack",
    ),
    "a game is not a mod": (
        lambda: build_zip([Entry("farming/game.conf", b""), Entry("farming/init.lua")]),
        "Expected a mod or modpack, found a game",
    ),
}


def _store_counts() -> tuple[int, int]:
    return Release.objects.count(), Release.objects.filter(package__name="farming").count()


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_zip_is_refused_through_the_api_and_nothing_is_stored(
    client, world, unchanged, case
):
    make, message = REFUSED[case]
    response = client.post(
        API,
        {"title": "2.0", "file": SimpleUploadedFile("farming.zip", make())},
        **world["bearer"],
    )
    assert contentdb_error(response, 400) == message
    assert response.json() == {"success": False, "error": message}
    unchanged.check()
    assert list(world["mod"].provides.all()) == []


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_zip_is_refused_through_the_web_form_and_nothing_is_stored(
    client, world, user, unchanged, case
):
    make, message = REFUSED[case]
    if case == "empty file":
        message = "The submitted file is empty."  # Django's FileField answers before our check
    client.force_login(user)
    response = client.post(
        WEB, {"source": "zip", "title": "2.0", "file": SimpleUploadedFile("farming.zip", make())}
    )
    assert response.status_code == 400
    assert html.escape(message) in response.content.decode()
    unchanged.check()


ACCEPTED = {
    "plain mod": (_mod, ["farming"]),
    "entry over 1 MiB that barely compresses": (
        lambda: _mod(Entry("farming/noise.bin", random.Random(7).randbytes(2 * MiB))),
        ["farming"],
    ),
    "1 MiB of zeros": (lambda: _mod(Entry("farming/map.bin", bytes(MiB))), ["farming"]),
    "space, tilde and non-ASCII names": (
        lambda: _mod(Entry("farming/my file~.lua"), Entry("farming/café.ogg"), Entry("farming/a!")),
        ["farming"],
    ),
    "one-letter name at the root": (
        lambda: build_zip([*mod_entries(top=""), Entry("x")]),
        ["farming"],
    ),
    "unix modes of files and folders": (
        lambda: build_zip(
            [
                Entry("farming/", mode=S_IFDIR | 0o755),
                Entry("farming/init.lua", mode=S_IFREG | 0o644),
                Entry("farming/mod.conf", b"name = farming\n", mode=0o644),
                Entry("farming/README", mode=0),
            ]
        ),
        ["farming"],
    ),
    "extra fields and comments": (
        lambda: build_zip(
            [
                Entry(e.name, e.data, extra=TIMESTAMP, comment=b"made by zip 3.0")
                for e in mod_entries()
            ]
        ),
        ["farming"],
    ),
    "stored entries": (
        lambda: build_zip([Entry(e.name, e.data, method=STORED) for e in MOD]),
        ["farming"],
    ),
    "Zip64 end records": (lambda: build_zip(MOD, zip64=True), ["farming"]),
    "longest comment": (lambda: build_zip(MOD, comment=b"c" * 65535), ["farming"]),
    "data before the zip": (lambda: build_zip(MOD, prepend=b"#!/bin/sh\n" * 30), ["farming"]),
    "BOM in mod.conf": (
        lambda: build_zip([MOD[0], Entry("farming/mod.conf", b"\xef\xbb\xbfname = farming\n")]),
        ["farming"],
    ),
    "mod.conf of exactly 64 KiB": (
        lambda: build_zip([MOD[0], Entry("farming/mod.conf", b"name = farming\n" + b"#" * 65521)]),
        ["farming"],
    ),
    "path of 1024 characters": (lambda: _mod(Entry("farming/" + "x" * 1016)), ["farming"]),
    "mod at the root without mod.conf": (lambda: build_zip([Entry("init.lua")]), ["farming"]),
    "loose files beside the single top folder": (
        lambda: build_zip([Entry("README.md"), *MOD]),
        ["farming"],
    ),
    "modpacks nested 8 deep": (lambda: _nested_modpacks(8), ["deep"]),
    "legacy modpack.txt": (
        lambda: build_zip([Entry("farming/modpack.txt"), *mod_entries("a", top="farming/a")]),
        ["a"],
    ),
    "mod at the root beside its folders": (
        lambda: build_zip([*mod_entries(top=""), Entry("textures/a.png"), Entry("sounds/b.ogg")]),
        ["farming"],
    ),
    "mod at the root with one folder": (
        lambda: build_zip([*mod_entries(top=""), Entry("textures/a.png")]),
        ["farming"],
    ),
    "modpack mods named by their folders": (
        lambda: build_zip(
            [
                Entry("farming/modpack.conf", b"name = farming\n"),
                Entry("farming/crops/init.lua"),
                Entry("farming/tools/init.lua"),
                Entry("farming/tools/mod.conf", b"description = no name here\n"),
            ]
        ),
        ["crops", "tools"],
    ),
    "mod with init.lua and modpack.conf": (
        lambda: _mod(Entry("farming/modpack.conf", b"name = farming\n")),
        ["farming"],
    ),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_the_nearest_honest_zip_is_accepted(client, world, case):
    make, provides = ACCEPTED[case]
    content = make()
    response = client.post(
        API,
        {"title": "2.0", "file": SimpleUploadedFile("farming.zip", content)},
        **world["bearer"],
    )
    assert response.status_code == 200, response.content
    release = Release.objects.get(package=world["mod"], title="2.0")
    with release.files.get().file.open("rb") as stored:
        assert stored.read() == content
    assert sorted(world["mod"].provides.values_list("name", flat=True)) == provides


# --- content kinds of the other package types ---------------------------------------------------
GAME = [
    Entry("farming/game.conf", b"title = Farming\n"),
    Entry("farming/init.lua"),  # game.conf wins over init.lua
    *mod_entries("crops", top="farming/mods/crops"),
]
KINDS = [
    ("GAME", build_zip(GAME), None),
    (
        "GAME",
        build_zip([*GAME, Entry("farming/mods/junk/readme.txt")]),
        "Expecting mod or modpack, found unknown at /mods/junk/ inside game",
    ),
    (
        "GAME",
        build_zip([Entry("farming/game.conf"), Entry("farming/mods")]),
        "A game must have a mods folder",
    ),
    ("GAME", build_zip(MOD), "Expected a game, found a mod"),
    (
        "GAME",
        build_zip([Entry("farming/readme.txt")]),
        "Expected a game, but no game.conf was found at the zip's root or in its single top folder",
    ),
    ("TXP", build_zip([Entry("farming/texture_pack.conf", b"name = farming\n")]), None),
    ("TXP", build_zip([Entry("farming/default_dirt.png")]), None),
    # ContentDB checks the name of a single mod only (tests/hostile/test_content_rules.py)
    ("TXP", build_zip([Entry("farming/texture_pack.conf", b"name = other\n")]), None),
    ("TXP", build_zip(MOD), "Expected a texture pack, found a mod"),
    (
        "MOD",
        build_zip([Entry("farming/texture_pack.conf")]),
        "Expected a mod or modpack, found a texture pack",
    ),
]


@pytest.mark.parametrize(("package_type", "content", "message"), KINDS)
def test_games_and_texture_packs_through_the_api(
    client, user, token_for, package_type, content, message
):
    package = PackageFactory(author=user, name="farming", type=package_type)
    response = client.post(
        API, {"title": "1.0", "file": SimpleUploadedFile("farming.zip", content)}, **token_for(user)
    )
    if message is None:
        assert response.status_code == 200, response.content
        assert package.releases.count() == 1
    else:
        assert response.json() == {"success": False, "error": message}
        assert not package.releases.exists()


@pytest.fixture
def token_for():
    from accounts.services import create_api_token

    def make(user):
        _, secret = create_api_token(user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


def test_a_game_provides_the_mods_of_its_mods_folder():
    info = inspect_release_zip(build_zip(GAME), package_type="GAME", package_name="farming")
    assert info.kind == "game"
    assert [m.name for m in info.mods] == ["crops"]


# --- boundary values, through open_safe_zip with small limits -----------------------------------
def _refusal(content: bytes, **limits) -> str:
    with pytest.raises(InvalidReleaseZip) as caught:
        open_safe_zip(content, limits=ZipLimits(**limits))
    return caught.value.message


# an extended-timestamp extra field, as Info-ZIP's zip writes for every entry
TIMESTAMP = b"UT\x05\x00\x03\x00\x00\x00\x00"


def _five_with_a_broken_last_header(*, extras: bool = False, **options) -> bytes:
    """Four good central-directory headers, then a spoiled one: zipfile refuses the directory,
    the fast count stops at the fifth and has counted four."""
    entries = [*mod_entries(), Entry("farming/a"), Entry("farming/b"), Entry("farming/c")]
    if extras:
        for number, entry in enumerate(entries):
            entry.extra, entry.comment = TIMESTAMP, b"c" * number
    return build_zip(entries, broken_directory_entry=4, **options)


LAYOUTS = {
    "plain": {},
    "extra fields and comments": {"extras": True},
    "Zip64": {"zip64": True},
    "longest comment": {"comment": bytes(65535)},
    "data before": {"prepend": b"MZ" * 100},
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_entries_are_counted_from_the_central_directory_before_zipfile_reads_it(layout):
    """Counted before zipfile builds an object per entry: a 4-entry limit meets the count of the
    good headers before zipfile could read (and refuse) the directory."""
    content = _five_with_a_broken_last_header(**LAYOUTS[layout])
    assert _refusal(content, max_entries=3) == "The zip has more than 3 entries"
    assert _refusal(content, max_entries=4) == "The file is not a valid zip archive"


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_zip_with_exactly_the_entry_limit_is_read(layout):
    options = dict(LAYOUTS[layout])
    entries = [*mod_entries(), Entry("farming/a")]
    if options.pop("extras", False):
        for entry in entries:
            entry.extra, entry.comment = TIMESTAMP, b"note"
    content = build_zip(entries, **options)
    assert open_safe_zip(content, limits=ZipLimits(max_entries=3)).exists("farming/a")
    assert _refusal(content, max_entries=2) == "The zip has more than 2 entries"


def test_directory_headers_without_an_end_record_are_left_to_zipfile():
    headers = _five_with_a_broken_last_header()
    directory = headers[headers.index(b"PK\x01\x02") : headers.index(b"PK\x05\x06")]
    assert _refusal(directory * 2, max_entries=3) == "The file is not a valid zip archive"


def test_a_cut_end_record_is_left_to_zipfile():
    content = _five_with_a_broken_last_header()[:-1]
    assert _refusal(content, max_entries=3) == "The file is not a valid zip archive"


def test_the_default_limits():
    assert _refusal(b"x" * (100 * MiB + 1)) == "The zip is larger than 100 MiB"
    assert _refusal(b"x" * (100 * MiB)) == "The file is not a valid zip archive"
    names = [Entry(f"f/{n}") for n in range(20_001)]
    assert _refusal(build_zip(names)) == "The zip has more than 20000 entries"
    assert len(open_safe_zip(build_zip(names[:20_000])).files) == 20_000


def test_size_limit_boundary():
    small = build_zip(MOD)
    exactly = build_zip(MOD, prepend=bytes(2 * MiB - len(small)))
    assert len(exactly) == 2 * MiB
    assert open_safe_zip(exactly, limits=ZipLimits(max_size=2 * MiB)).exists("farming/mod.conf")
    assert _refusal(exactly + b"\0", max_size=2 * MiB) == "The zip is larger than 2 MiB"


def _claiming(size: int, packed: int = 20_000) -> bytes:
    """A stored entry of `packed` bytes whose headers claim `size` bytes once unpacked."""
    return _mod(Entry("farming/big.bin", bytes(packed), method=STORED, file_size=size))


def test_ratio_boundary():
    """Exactly 100 times is allowed (and the entry then fails its CRC check), one byte more is not."""
    assert _refusal(_claiming(100 * 20_000)) == "'farming/big.bin' in the zip is damaged"
    assert (
        _refusal(_claiming(100 * 20_000 + 1))
        == "'farming/big.bin' expands more than 100 times; zip bombs are refused"
    )


def test_ratio_is_checked_only_above_one_mebibyte():
    assert _refusal(_claiming(MiB, packed=10)) == "'farming/big.bin' in the zip is damaged"
    assert (
        _refusal(_claiming(MiB + 1, packed=10))
        == "'farming/big.bin' expands more than 100 times; zip bombs are refused"
    )


def test_an_entry_claiming_data_but_storing_none_is_a_bomb():
    assert (
        _refusal(_claiming(MiB + 1, packed=0))
        == "'farming/big.bin' expands more than 100 times; zip bombs are refused"
    )


def test_total_size_boundary():
    """The total is checked before the ratio: 300 MiB exactly passes it and meets the ratio rule."""
    assert (
        _refusal(_claiming(300 * MiB - len(b"print('hello')\n") - len(b"name = farming\n")))
        == "'farming/big.bin' expands more than 100 times; zip bombs are refused"
    )
    assert (
        _refusal(_claiming(300 * MiB - len(b"print('hello')\n") - len(b"name = farming\n") + 1))
        == "The zip's content is larger than 300 MiB unpacked"
    )


def test_folders_do_not_count_towards_the_total():
    content = _mod(Entry("farming/textures/", file_size=300 * MiB))
    assert open_safe_zip(content).is_dir("farming/textures")


def test_path_length_boundary():
    """farming/init.lua and farming/mod.conf are 16 characters long."""
    limits = ZipLimits(max_path_length=16)
    assert open_safe_zip(_mod(Entry("farming/abcdefgh")), limits=limits)
    assert (
        _refusal(_mod(Entry("farming/abcdefghi")), max_path_length=16)
        == "A path in the zip is longer than 16 characters"
    )


def test_entries_side_by_side_are_not_an_overlap():
    assert open_safe_zip(_partial_overlap(0)).exists("farming/mod.conf")
    assert _refusal(_partial_overlap(-1)) == "The zip's entries overlap; such archives are refused"


def test_conf_size_boundary():
    def conf_of(size: int) -> bytes:
        text = b"name = farming\n"
        return build_zip([MOD[0], Entry("farming/mod.conf", text + b"#" * (size - len(text)))])

    limits = ZipLimits(max_conf_size=100)
    assert inspect_release_zip(
        conf_of(100), package_type="MOD", package_name="farming", limits=limits
    )
    with pytest.raises(InvalidLuantiContent) as caught:
        inspect_release_zip(conf_of(101), package_type="MOD", package_name="farming", limits=limits)
    assert caught.value.message == "farming/mod.conf is larger than 100 bytes"


def test_the_root_folder_listing():
    z = open_safe_zip(
        build_zip([Entry("README"), *mod_entries("a", top="pack/a"), Entry("pack/b/")])
    )
    assert z.listdir("") == (["pack"], ["README"])
    assert z.listdir("pack") == (["a", "b"], [])
    assert z.listdir("pack/a") == ([], ["init.lua", "mod.conf"])
    assert z.is_dir("pack/b") and z.is_dir("pack") and not z.is_dir("README")
    assert z.read_text("pack/a/mod.conf") == "name = a\n"


def test_every_end_record_zipfile_reads_is_counted_first():
    """zipfile looks for the end record in the last 65,558 bytes (22 + the longest comment + one):
    the fast count must find it there too, or a zip with junk after its end record skips it."""
    content = _five_with_a_broken_last_header() + bytes(65536)
    assert _refusal(content, max_entries=3) == "The zip has more than 3 entries"
    farther = _five_with_a_broken_last_header() + bytes(65537)
    assert _refusal(farther, max_entries=3) == "The file is not a valid zip archive"


def test_a_zip64_end_record_at_the_far_edge_of_the_search_is_counted_first():
    """The farthest end record zipfile finds (65,558 bytes from the end) with its Zip64 record and
    locator before it: the count reads back exactly far enough to see them (76 bytes more)."""
    content = _five_with_a_broken_last_header(zip64=True) + bytes(65536)
    assert _refusal(content, max_entries=3) == "The zip has more than 3 entries"
    assert _refusal(content, max_entries=4) == "The file is not a valid zip archive"


def test_a_directory_at_the_first_byte_is_counted_from_there():
    """The directory alone, its end record after it (the entries' data would follow, or be
    nowhere): the count starts at byte 0."""
    content = _five_with_a_broken_last_header()
    directory = content[content.index(b"PK\x01\x02") : content.rindex(b"PK\x05\x06")]
    end = bytearray(content[content.rindex(b"PK\x05\x06") :])
    end[16:20] = bytes(4)  # the directory's offset: 0
    assert _refusal(directory + bytes(end), max_entries=3) == "The zip has more than 3 entries"
    assert _refusal(directory + bytes(end), max_entries=4) == "The file is not a valid zip archive"


def _directory_walk_into_the_comment(fake_at_from_end: int) -> bytes:
    """A two-entry zip whose last directory header claims a comment long enough to make a walker
    jump into the end record's own comment, where a third header begins `fake_at_from_end` bytes
    before the end of the file. zipfile reads two entries (it stops at the directory's size)."""
    fake = b"PK\x01\x02" + bytes(42)
    padding = 200
    plain = build_zip(MOD, comment=bytes(padding))
    length = len(plain)
    fake_at = length - fake_at_from_end
    content = bytearray(plain)
    content[fake_at : fake_at + len(fake)] = fake[: length - fake_at]
    last = content.rindex(b"PK\x01\x02", 0, content.index(b"PK\x05\x06"))
    name, extra = int.from_bytes(content[last + 28 : last + 30], "little"), 0
    jump = fake_at - (last + 46 + name + extra)
    content[last + 32 : last + 34] = jump.to_bytes(2, "little")
    return bytes(content)


def test_a_whole_header_at_the_end_of_the_file_is_counted():
    content = _directory_walk_into_the_comment(46)
    assert _refusal(content, max_entries=2) == "The zip has more than 2 entries"


def test_a_header_cut_by_the_end_of_the_file_is_not_read():
    content = _directory_walk_into_the_comment(45)
    assert open_safe_zip(content, limits=ZipLimits(max_entries=2)).exists("farming/mod.conf")


def test_a_zip64_end_record_without_its_locator_is_ignored_as_zipfile_does():
    """Without the locator zipfile reads only the classic end record, whose Zip64 placeholders
    point nowhere: it is not a zip. The count must not read the orphan record either."""
    content = bytearray(_five_with_a_broken_last_header(zip64=True))
    locator = content.rindex(b"PK\x06\x07")
    content[locator : locator + 4] = b"PK\x00\x00"
    assert _refusal(bytes(content), max_entries=3) == "The file is not a valid zip archive"
