"""Release zips are hostile input: checked completely before anything is stored or extracted.

`open_safe_zip` refuses anything the registry should not keep or that a Luanti client could be hurt
by: not a zip, too big, too many entries, an entry whose compression ratio marks a zip bomb, entries
sharing or overlapping their data (the "overlapping files" bomb) or running past the end,
encryption, compression methods the client cannot read (it extracts stored and deflate only,
docs/protocols/luanti-client.md section 6), absolute or `..` paths, drive letters, backslashes and
control characters in names, symlinks and other special files, and duplicate names. Every entry is
then decompressed once to check its CRC and its size, which is bounded: Python's zipfile never
yields more than an entry's declared size, and the declared sizes were checked first.

The zip is read from a seekable binary file (an upload Django streamed to a temporary file) or from
bytes, in bounded pieces: the central directory header by header, each entry in 1 MiB chunks, so a
100 MiB release never sits whole in memory.

`inspect_release_zip` finds the content the way ContentDB and the client do (docs/protocols/contentdb.md section 4,
docs/protocols/luanti-client.md section 6): at the zip's root, or down through folders that each
hold a single sub-folder, and checks that it is the content the package says it is.
"""

import io
import os
import re
import stat
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from releases.errors import InvalidLuantiContent, InvalidReleaseZip
from releases.luanti_conf import (
    ContentInfo,
    ModInfo,
    check_mod_name,
    name_list,
    parse_conf,
)
from releases.translations import read_translations

MiB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """Why these numbers: see the module docstring of releases.zip_releases and the issue note."""

    max_size: int = 100 * MiB  # settings.MAX_RELEASE_ZIP_SIZE; ContentDB's limit for a git archive
    max_total_uncompressed: int = 300 * MiB  # settings.MAX_RELEASE_UNPACKED_SIZE, ContentDB's limit
    max_entries: int = 20_000  # the biggest games on ContentDB hold about 10,000 files
    max_ratio: int = 100  # deflate reaches ~1000:1 on zeros; real textures/code stay below 20:1
    ratio_checked_above: int = MiB  # small files may compress very well without harm
    max_path_length: int = 1024
    max_conf_size: int = 64 * 1024


ALLOWED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


class SafeZip:
    """A zip that passed every check; paths are '/'-separated, directories end without '/'."""

    def __init__(
        self,
        archive: zipfile.ZipFile,
        files: dict[str, zipfile.ZipInfo],
        explicit_dirs: set[str],
        limits: ZipLimits,
    ):
        self.archive = archive
        self.files = files
        self.limits = limits
        implied = {"/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)}
        self.dirs = implied | explicit_dirs

    def exists(self, path: str) -> bool:
        return path in self.files

    def is_dir(self, path: str) -> bool:
        return path == "" or path in self.dirs

    def listdir(self, folder: str) -> tuple[list[str], list[str]]:
        """(sub-folder names, file names) directly inside `folder` ("" for the root)."""
        prefix = f"{folder}/" if folder else ""
        depth = prefix.count("/")
        subdirs = sorted(
            d[len(prefix) :] for d in self.dirs if d.startswith(prefix) and d.count("/") == depth
        )
        files = sorted(
            f[len(prefix) :] for f in self.files if f.startswith(prefix) and f.count("/") == depth
        )
        return subdirs, files

    def read_text(self, path: str) -> str:
        info = self.files[path]
        if info.file_size > self.limits.max_conf_size:
            raise InvalidLuantiContent(f"{path} is larger than {self.limits.max_conf_size} bytes")
        data = self.archive.read(info)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidLuantiContent(f"{path} is not UTF-8 text") from error


def _check_name(raw: str, limits: ZipLimits) -> str:
    """The entry's path without a trailing '/', or InvalidReleaseZip."""
    if len(raw) > limits.max_path_length:
        raise InvalidReleaseZip(
            f"A path in the zip is longer than {limits.max_path_length} characters"
        )
    if any(unicodedata.category(ch) == "Cc" for ch in raw):  # C0, DEL and C1 controls
        raise InvalidReleaseZip(f"The zip contains a path with a control character: {raw!r}")
    if "\\" in raw:
        raise InvalidReleaseZip(f"The zip contains a path with a backslash: {raw!r}")
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        raise InvalidReleaseZip(f"The zip contains an absolute path: {raw!r}")
    path = raw[:-1] if raw.endswith("/") else raw
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise InvalidReleaseZip(f"The zip contains an unsafe path: {raw!r}")
    return path


def _read_at(file: IO[bytes], position: int, size: int) -> bytes:
    file.seek(position)
    return file.read(size)


def _file_size(file: IO[bytes]) -> int:
    return file.seek(0, os.SEEK_END)


def _count_entries(file: IO[bytes], length: int, limit: int) -> None:
    """Walk the central directory's headers, stopping after `limit`: Python's zipfile builds an
    object per entry first (seconds for 100,000 entries), so the count is checked before it runs.
    A malformed directory is left for zipfile to refuse."""
    # where zipfile looks for the end record: the record (22 bytes), the longest comment and one
    # byte more; and before it, for a Zip64 archive, its record (56) and locator (20)
    tail_start = max(0, length - 22 - 65_536 - 56 - 20)
    tail = _read_at(file, tail_start, length - tail_start)
    found = tail.rfind(b"PK\x05\x06", max(0, len(tail) - 22 - 65_536))
    if found < 0 or found + 22 > len(tail):
        return
    eocd = tail_start + found
    (size,) = struct.unpack_from("<I", tail, found + 12)
    start = eocd - size  # where zipfile reads it too, so prepended data changes nothing
    locator, record = found - 20, found - 20 - 56  # in `tail`
    is_zip64 = record >= 0 and tail[locator : locator + 4] == b"PK\x06\x07"
    if is_zip64 and tail[record : record + 4] == b"PK\x06\x06":
        (size,) = struct.unpack_from("<Q", tail, record + 40)
        start = tail_start + record - size
    position, count = max(start, 0), 0
    file.seek(position)
    # a whole header (46 bytes, its signature first) or the end of the walk
    while len(header := file.read(46)) == 46 and header[:4] == b"PK\x01\x02":
        count += 1
        if count > limit:
            raise InvalidReleaseZip(f"The zip has more than {limit} entries")
        name, extra, comment = struct.unpack_from("<HHH", header, 28)
        position += 46 + name + extra + comment
        file.seek(position)


def open_safe_zip(content: bytes | IO[bytes], *, limits: ZipLimits | None = None) -> SafeZip:
    """Check a zip given as bytes or as a seekable binary file (read in pieces, never whole)."""
    limits = limits or ZipLimits()
    file: IO[bytes] = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    length = _file_size(file)
    if length > limits.max_size:
        raise InvalidReleaseZip(f"The zip is larger than {limits.max_size // MiB} MiB")
    _count_entries(file, length, limits.max_entries)
    try:
        file.seek(0)
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise InvalidReleaseZip("The file is not a valid zip archive") from error
    if not infos:
        raise InvalidReleaseZip("The zip is empty")
    if len(infos) > limits.max_entries:
        raise InvalidReleaseZip(f"The zip has more than {limits.max_entries} entries")

    total = 0
    files: dict[str, zipfile.ZipInfo] = {}
    explicit_dirs: set[str] = set()
    for info in infos:
        path = _check_name(info.filename, limits)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise InvalidReleaseZip(f"The zip contains a symbolic link: {info.filename!r}")
        if mode and stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise InvalidReleaseZip(f"The zip contains a special file: {info.filename!r}")
        if info.flag_bits & 0x1:
            raise InvalidReleaseZip(f"The zip contains an encrypted entry: {info.filename!r}")
        if info.compress_type not in ALLOWED_METHODS:
            raise InvalidReleaseZip(
                f"{info.filename!r} uses a compression method Luanti cannot read (use deflate)"
            )
        if path in files or path in explicit_dirs:
            raise InvalidReleaseZip(f"The zip contains {path!r} twice")
        if info.is_dir():
            explicit_dirs.add(path)
            continue
        total += info.file_size
        if total > limits.max_total_uncompressed:
            raise InvalidReleaseZip(
                f"The zip's content is larger than {limits.max_total_uncompressed // MiB} MiB unpacked"
            )
        if info.file_size > limits.ratio_checked_above and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise InvalidReleaseZip(
                f"{path!r} expands more than {limits.max_ratio} times; zip bombs are refused"
            )
        files[path] = info

    _check_no_overlap(infos, file, length, archive.start_dir)
    safe = SafeZip(archive, files, explicit_dirs, limits)
    clash = safe.dirs & set(files)
    if clash:
        raise InvalidReleaseZip(
            f"The zip contains {sorted(clash)[0]!r} both as a file and a folder"
        )
    _check_crcs(archive, files)
    return safe


def _check_no_overlap(
    infos: list[zipfile.ZipInfo], file: IO[bytes], length: int, directory: int
) -> None:
    """Each entry's data must lie in its own stretch of the file, before the central directory
    (offset `directory`): no data shared with or overlapping another entry, even by a byte. An
    entry's stretch is its local header (30 bytes, then its name and extra field, whose lengths only
    the local header gives) and its compressed data."""
    ordered = sorted(infos, key=lambda i: i.header_offset)
    ends = []
    for info in ordered:
        if info.header_offset + 30 > length:
            raise InvalidReleaseZip("The zip is truncated")
        name, extra = struct.unpack("<HH", _read_at(file, info.header_offset + 26, 4))
        ends.append(info.header_offset + 30 + name + extra + info.compress_size)
    for end, following in zip(ends, ordered[1:], strict=False):
        if end > following.header_offset:
            raise InvalidReleaseZip("The zip's entries overlap; such archives are refused")
    if ends[-1] > length:
        raise InvalidReleaseZip("The zip is truncated")
    if ends[-1] > directory:
        raise InvalidReleaseZip("The zip's entries overlap; such archives are refused")


def _check_crcs(archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo]) -> None:
    """Each entry unpacks to its CRC and to exactly its declared size: zipfile stops at the declared
    size when there is more, but returns short data without complaint when there is less."""
    for path, info in files.items():
        size = 0
        try:
            with archive.open(info) as entry:
                while chunk := entry.read(MiB):
                    size += len(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
            raise InvalidReleaseZip(f"{path!r} in the zip is damaged") from error
        if size != info.file_size:
            raise InvalidReleaseZip(f"{path!r} in the zip is damaged")


# --- Luanti content -----------------------------------------------------------------------------

CONF_OF = {
    "mod": "mod.conf",
    "modpack": "modpack.conf",
    "game": "game.conf",
    "txp": "texture_pack.conf",
}
WANTED = {"MOD": ("mod", "modpack"), "GAME": ("game",), "TXP": ("txp", "unknown")}
TYPE_VALUES = {  # ContentDB's names of content types in its messages
    "mod": "mod",
    "modpack": "modpack",
    "game": "game",
    "txp": "texture pack",
    "unknown": "unknown",
}
LEGACY_DEPENDENCY = re.compile(r"([a-z0-9_]+)(\?)?")
LICENSE_FILE = re.compile(r"licen[sc]e[^/.]*(\.(txt|md))?", re.IGNORECASE)  # with .fullmatch
KIND_WORDS = {
    "mod": "a mod",
    "modpack": "a modpack",
    "game": "a game",
    "txp": "a texture pack",
    "unknown": "no Luanti content",
}


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _kind(z: SafeZip, folder: str) -> str:
    """ContentDB's detection order (docs/protocols/contentdb.md section 4)."""
    _, files = z.listdir(folder)
    if "game.conf" in files:
        return "game"
    if "init.lua" in files:
        return "mod"
    if "modpack.conf" in files or "modpack.txt" in files:
        return "modpack"
    if "texture_pack.conf" in files:
        return "txp"
    return "unknown"


def find_content_root(z: SafeZip) -> str:
    """ContentDB's rule: descend while a folder holds exactly one sub-folder (and no content of
    its own), so `a/b/init.lua` is the mod `a/b`. Loose files beside that one sub-folder (a README
    next to the mod's folder) do not stop the descent here, as they do on ContentDB: the client
    installs such zips, and the content is found all the same."""
    folder = ""
    for _ in range(32):  # paths are at most 1024 characters; no zip nests deeper than this
        if _kind(z, folder) != "unknown":
            return folder
        subdirs, _ = z.listdir(folder)
        if len(subdirs) != 1:
            return folder
        folder = _join(folder, subdirs[0])
    return folder


def _conf(z: SafeZip, folder: str, filename: str) -> dict[str, str]:
    path = _join(folder, filename)
    if not z.exists(path):
        return {}
    values = parse_conf(z.read_text(path), filename=path)
    if "release" in values:
        raise InvalidLuantiContent(
            f"{path} must not set release: the client writes it when installing"
        )
    return values


def _legacy_depends(z: SafeZip, folder: str) -> tuple[list[str], list[str]]:
    """depends.txt, read as ContentDB and Luanti read it: one name a line, `name?` optional, and
    lines that are not a name ignored."""
    hard: list[str] = []
    optional: list[str] = []
    for line in z.read_text(_join(folder, "depends.txt")).split("\n"):
        match = LEGACY_DEPENDENCY.fullmatch(line.strip())
        if match:
            (optional if match[2] else hard).append(match[1])
    return hard, optional


def _mod(z: SafeZip, folder: str, *, fallback_name: str | None) -> ModInfo:
    conf = _conf(z, folder, "mod.conf")
    name = conf.get("name") or (folder.rsplit("/", 1)[-1] if folder else fallback_name)
    if not name:
        raise InvalidLuantiContent("mod.conf must set name")
    where = _join(folder, "mod.conf")
    check_mod_name(name, what=f"{where}: name")
    if (
        "depends" not in conf
        and "optional_depends" not in conf
        and z.exists(_join(folder, "depends.txt"))
    ):
        depends, optional = _legacy_depends(z, folder)
    else:
        depends = name_list(conf, "depends", filename=where)
        optional = name_list(conf, "optional_depends", filename=where)
    return ModInfo(name=name, depends=depends, optional_depends=optional)


def _relative(root: str, folder: str) -> str:
    """A folder as ContentDB names it in messages: from the content root, `/mods/x/`."""
    inner = folder[len(root) :].strip("/") if root else folder
    return f"/{inner}/" if inner else "/"


def _mods_in(
    z: SafeZip, root: str, folder: str, nodes: list[str], *, parent: str, depth: int = 0
) -> list[ModInfo]:
    """Every mod below a modpack or a game's mods/ folder, through nested modpacks, as ContentDB
    walks them: folders whose name starts with a dot (`.git`, `.github`) are skipped, and any other
    folder must be a mod or a modpack. Each mod's and modpack's folder is added to `nodes`."""
    if depth > 8:
        raise InvalidLuantiContent(f"{folder}: modpacks are nested too deeply")
    mods: list[ModInfo] = []
    subdirs, _ = z.listdir(folder)
    for sub in subdirs:
        if sub.startswith("."):
            continue
        path = _join(folder, sub)
        kind = _kind(z, path)
        if kind not in ("mod", "modpack"):
            raise InvalidLuantiContent(
                f"Expecting mod or modpack, found {TYPE_VALUES[kind]} at {_relative(root, path)} "
                f"inside {parent}"
            )
        nodes.append(path)
        if kind == "mod":
            mods.append(_mod(z, path, fallback_name=None))
        else:
            mods.extend(_mods_in(z, root, path, nodes, parent="modpack", depth=depth + 1))
    return mods


def _check_new_package_files(z: SafeZip, root: str, kind: str, nodes: list[str]) -> None:
    """What ContentDB asks of a package it has not approved yet: no legacy depends.txt or
    description.txt in the content or any of its mods, and a licence file at the content root."""
    for folder in [root, *nodes]:
        relative = _relative(root, folder)
        if z.exists(_join(folder, "depends.txt")):
            raise InvalidLuantiContent(
                f"Found depends.txt at {relative}. Delete this file and use depends in mod.conf "
                "instead"
            )
        if z.exists(_join(folder, "description.txt")):
            conf = CONF_OF.get(_kind(z, folder) if folder != root else kind, "None")
            raise InvalidLuantiContent(
                f"Found description.txt at {relative}. Delete this file and use description in "
                f"{conf} instead"
            )
    _, files = z.listdir(root)
    if not any(LICENSE_FILE.fullmatch(name) for name in files):
        raise InvalidLuantiContent(
            "You need to add a LICENSE.txt/.md or COPYING file to your package. See the "
            "'Copyright Guide' for more info"
        )


def inspect_release_zip(
    content: bytes | IO[bytes],
    *,
    package_type: str,
    package_name: str,
    limits: ZipLimits | None = None,
    approved: bool = True,
) -> ContentInfo:
    """Check a release zip for a package of `package_type` ("MOD", "GAME", "TXP") and describe it.

    A package not yet `approved` is held to ContentDB's rules for new packages too (no legacy
    files, a licence file)."""
    z = open_safe_zip(content, limits=limits)
    root = find_content_root(z)
    kind = _kind(z, root)
    if kind not in WANTED[package_type]:
        expected = {"MOD": "a mod or modpack", "GAME": "a game", "TXP": "a texture pack"}
        if kind == "unknown":
            confs = "/".join(CONF_OF[k] for k in WANTED[package_type] if k in CONF_OF)
            hint = " (or init.lua for a mod)" if package_type == "MOD" else ""
            raise InvalidLuantiContent(
                f"Expected {expected[package_type]}, but no {confs}{hint} was found at the "
                "zip's root or in its single top folder"
            )
        raise InvalidLuantiContent(f"Expected {expected[package_type]}, found {KIND_WORDS[kind]}")

    conf = _conf(z, root, CONF_OF[kind]) if kind in CONF_OF else {}
    nodes: list[str] = []
    if kind == "mod":
        mods = [_mod(z, root, fallback_name=package_name)]
        # ContentDB checks the name only when the content is a single mod: a texture pack's or a
        # modpack's folder is named by the client after the package when it installs it
        if mods[0].name != package_name:
            raise InvalidLuantiContent(
                f"Package name ({package_name}) does not match the name of the content in the "
                f"release ({mods[0].name}); set name = {package_name} in mod.conf"
            )
    elif kind == "modpack":
        mods = _mods_in(z, root, root, nodes, parent="modpack")
        if not mods:
            raise InvalidLuantiContent("The modpack contains no mods")
    elif kind == "game":
        mods_folder = _join(root, "mods")
        if not z.is_dir(mods_folder):
            raise InvalidLuantiContent("A game must have a mods folder")
        mods = _mods_in(z, root, mods_folder, nodes, parent="game")
    else:
        mods = []
    translations = read_translations(z, root, kind=kind, conf=conf, package_name=package_name)
    info = ContentInfo(kind=kind, conf=conf, mods=mods, translations=translations)
    if not approved:
        _check_new_package_files(z, root, kind, nodes)
    hard, _ = info.dependencies()
    if kind == "game" and hard:
        raise InvalidLuantiContent("Game has unresolved hard dependencies: " + ", ".join(hard))
    return info
