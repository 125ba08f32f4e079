"""A zip writer of our own for hostile archives: every header field is ours to set.

Python's zipfile cleans what it writes (it resets the flag bits, cuts names at NUL, keeps offsets
and sizes honest), so the archives the zip checks must refuse are written byte by byte here:
encrypted flags, any name bytes, claimed sizes that lie, central-directory entries that share one
entry's data (the overlapping-files bomb), a damaged directory tail, Zip64 end records.
"""

import struct
import zlib
from dataclasses import dataclass

STORED, DEFLATED, BZIP2 = 0, 8, 12
S_IFREG, S_IFDIR, S_IFLNK = 0o100000, 0o040000, 0o120000
S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK = 0o010000, 0o020000, 0o060000, 0o140000


@dataclass
class Entry:
    name: str | bytes
    data: bytes = b""
    method: int = DEFLATED
    flags: int = 0
    mode: int | None = None  # unix st_mode in the high 16 bits of external_attr
    file_size: int | None = None  # what the headers claim, when it should differ from the data
    compress_size: int | None = None
    crc: int | None = None
    shares_data_of: int | None = None  # no data of its own: point at entry N's local header
    offset_shift: int = 0  # move the recorded header offset (overlaps, gaps)
    extra: bytes = b""  # extra field, in the local header and the directory (as Info-ZIP writes)
    comment: bytes = b""  # the entry's comment, in the directory


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _name(entry: Entry) -> tuple[bytes, int]:
    if isinstance(entry.name, bytes):
        return entry.name, 0
    try:
        return entry.name.encode("ascii"), 0
    except UnicodeEncodeError:
        return entry.name.encode("utf-8"), 0x800  # the "names are UTF-8" flag


def build_zip(
    entries: list[Entry],
    *,
    comment: bytes = b"",
    zip64: bool = False,
    prepend: bytes = b"",
    broken_directory_entry: int | None = None,
) -> bytes:
    """The archive's bytes; `broken_directory_entry` spoils that central-directory header's
    signature (zipfile then refuses the directory; a walker stops there)."""
    body = bytearray(prepend)
    records = []  # (name, flags, method, crc, compressed size, size, offset)
    for entry in entries:
        name, utf8 = _name(entry)
        flags = entry.flags | utf8
        if entry.shares_data_of is not None:
            first = records[entry.shares_data_of]
            records.append((name, flags, *first[2:6], first[6] + entry.offset_shift))
            continue
        payload = deflate(entry.data) if entry.method == DEFLATED else entry.data
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        size = len(entry.data) if entry.file_size is None else entry.file_size
        packed = len(payload) if entry.compress_size is None else entry.compress_size
        offset = len(body) - len(prepend)
        body += struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, entry.method, 0, 0x21,
            crc, packed, size, len(name), len(entry.extra),
        )  # fmt: skip
        body += name + entry.extra + payload
        records.append((name, flags, entry.method, crc, packed, size, offset + entry.offset_shift))

    directory_start = len(body) - len(prepend)
    directory = bytearray()
    for position, (name, flags, method, crc, packed, size, offset) in enumerate(records):
        entry = entries[position]
        mode = entry.mode if entry.mode is not None else 0
        signature = b"PK\x01\x02" if position != broken_directory_entry else b"PK\x09\x09"
        directory += struct.pack(
            "<4sHHHHHHIIIHHHHHII", signature, (3 << 8) | 20, 20, flags, method, 0, 0x21,
            crc, packed, size, len(name), len(entry.extra), len(entry.comment), 0, 0, mode << 16,
            offset,
        )  # fmt: skip
        directory += name + entry.extra + entry.comment
    body += directory
    count = len(records)
    if zip64:
        record_at = len(body) - len(prepend)
        body += struct.pack(
            "<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
            len(directory), directory_start,
        )  # fmt: skip
        body += struct.pack("<4sIQI", b"PK\x06\x07", 0, record_at, 1)
        body += struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, len(comment)
        )
    else:
        body += struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory), directory_start,
            len(comment),
        )  # fmt: skip
    return bytes(body + comment)


def mod_entries(name: str = "farming", *, top: str | None = None) -> list[Entry]:
    """A valid mod `name`, in folder `top` (default: the mod's name; "" for the zip's root)."""
    top = name if top is None else top
    prefix = f"{top}/" if top else ""
    return [
        Entry(f"{prefix}init.lua", b"print('hello')\n"),
        Entry(f"{prefix}mod.conf", f"name = {name}\n".encode()),
    ]
