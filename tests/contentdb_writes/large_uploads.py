"""Large release uploads without large memory on the client's side either: a mod zip written to disk
piece by piece, and a multipart body read from that file as a WSGI server would stream it
(used by tests/contentdb_writes/test_large_releases.py and bench/upload_memory.py)."""

import os
import zipfile
from pathlib import Path

MiB = 1024 * 1024
BOUNDARY = "----lua-registry-large-upload"


def write_mod_zip(path: Path, *, name: str, size: int, piece: int = 8 * MiB) -> int:
    """A mod zip of about `size` bytes at `path`: mod.conf, init.lua, a licence and incompressible "textures"
    (random bytes, stored), written in 1 MiB chunks. Returns the zip's size in bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{name}/mod.conf", f"name = {name}\ndescription = Large textures\n")
        archive.writestr(f"{name}/init.lua", "-- textures only\n")
        archive.writestr(f"{name}/LICENSE.txt", "MIT\n")  # ContentDB asks a new package for one
        left, number = size, 0
        while left > 0:
            this = min(piece, left)
            with archive.open(f"{name}/textures/{name}_{number}.png", "w") as entry:
                written = 0
                while written < this:
                    chunk = os.urandom(min(MiB, this - written))
                    entry.write(chunk)
                    written += len(chunk)
            left -= this
            number += 1
    return path.stat().st_size


class MultipartStream:
    """A multipart/form-data body (text fields, then one file part read from disk), readable in
    pieces as `wsgi.input`; `length` is its Content-Length."""

    def __init__(self, fields: dict[str, str], *, file_field: str, path: Path, filename: str):
        head = b"".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        )
        head += (
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f'name="{file_field}"; filename="{filename}"\r\n'
            "Content-Type: application/zip\r\n\r\n"
        ).encode()
        self._parts = [head, path, f"\r\n--{BOUNDARY}--\r\n".encode()]
        self.length = len(head) + path.stat().st_size + len(self._parts[2])
        self._index = 0
        self._buffer = b""
        self._file = None

    content_type = f"multipart/form-data; boundary={BOUNDARY}"

    def environ(self) -> dict:
        """The WSGI keys of this body, for the test client's `**extra`."""
        return {
            "wsgi.input": self,
            "CONTENT_LENGTH": str(self.length),
            "CONTENT_TYPE": self.content_type,
        }

    def _next(self, size: int) -> bytes:
        while self._index < len(self._parts):
            part = self._parts[self._index]
            if isinstance(part, Path):
                if self._file is None:
                    self._file = part.open("rb")
                data = self._file.read(size)
                if data:
                    return data
                self._file.close()
            else:
                self._parts[self._index] = b""
                if part:
                    return part
            self._index += 1
        return b""

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else size
        while len(self._buffer) < size:
            data = self._next(size)
            if not data:
                break
            self._buffer += data
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.read(size if size and size > 0 else 64 * 1024)
        end = data.find(b"\n")
        if end >= 0 and end + 1 < len(data):
            self._buffer = data[end + 1 :] + self._buffer
            data = data[: end + 1]
        return data
