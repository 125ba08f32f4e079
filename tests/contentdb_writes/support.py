"""Builders of hostile and friendly uploads for the ContentDB write tests, and storage snapshots."""

import io
import os
import struct
import zipfile
import zlib

from django.conf import settings
from PIL import Image


def zip_bytes(files: dict[str, bytes | str], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def mod_zip(name: str = "farming", conf: str | None = None, *, top: str | None = None) -> bytes:
    top = name if top is None else top
    prefix = f"{top}/" if top else ""
    conf = conf if conf is not None else f"name = {name}\ndepends = default\n"
    return zip_bytes(
        {
            f"{prefix}init.lua": "print('hello')\n",
            f"{prefix}mod.conf": conf,
            f"{prefix}textures/{name}_seed.png": b"\x89PNG fake",
            f"{prefix}LICENSE.txt": "MIT\n",  # ContentDB asks a new package for one
        }
    )


def symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("farming/init.lua", "")
        archive.writestr("farming/mod.conf", "name = farming\n")
        link = zipfile.ZipInfo("farming/passwd")
        link.create_system = 3
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def bomb_zip() -> bytes:
    """One entry of 64 MiB of zeros: about 64 KB compressed, a ratio of ~1000."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("farming/init.lua", "")
        archive.writestr("farming/mod.conf", "name = farming\n")
        archive.writestr("farming/map.bin", bytes(64 * 1024 * 1024))
    return buffer.getvalue()


def lying_size_zip() -> bytes:
    """A small entry whose headers claim 400 MB (over the 300 MiB total limit)."""
    data = bytearray(mod_zip())
    claimed = 400 * 1024 * 1024
    offset = 0
    while (offset := data.find(b"PK\x03\x04", offset)) != -1:  # local headers
        struct.pack_into("<I", data, offset + 22, claimed)
        offset += 4
    offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) != -1:  # central directory
        struct.pack_into("<I", data, offset + 24, claimed)
        offset += 4
    return bytes(data)


def many_entries_zip(count: int = 100_000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("farming/init.lua", "")
        archive.writestr("farming/mod.conf", "name = farming\n")
        for number in range(count):
            archive.writestr(f"farming/{number}", b"")
    return buffer.getvalue()


def png_bytes(width: int = 920, height: int = 517, fmt: str = "PNG", color=(40, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb_png(width: int = 50_000, height: int = 50_000) -> bytes:
    """A valid PNG header for width x height pixels with a tiny body: about 100 bytes on disk."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="600"><script>alert(1)</script></svg>'


def media_files() -> set[str]:
    """Every file under MEDIA_ROOT, relative: compare before/after a refused write."""
    root = settings.MEDIA_ROOT
    found = set()
    for folder, _, files in os.walk(root):
        for name in files:
            found.add(os.path.relpath(os.path.join(folder, name), root))
    return found


def provide_default() -> None:
    """An approved game providing `default` and `bucket`, the mods the test mods depend on:
    ContentDB fails a new mod's release when no approved package provides a hard dependency."""
    from packages.models import MetaPackage, PackageType
    from tests.factories import PackageFactory

    game = PackageFactory(name="minetest_game", type=PackageType.GAME)
    game.provides.set([MetaPackage.objects.get_or_create(name=n)[0] for n in ("default", "bucket")])
