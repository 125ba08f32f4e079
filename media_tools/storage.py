"""Saving uploaded files through Django's storage API so that a failed write leaves nothing behind.

A service wraps its transaction in `files_removed_on_error()` and saves with `save_file()`: every file
saved inside the block is deleted again if the block raises (a rolled-back transaction keeps no rows,
so it must keep no files either).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction

_saved_names: ContextVar[list[str] | None] = ContextVar("saved_files", default=None)


@contextmanager
def files_removed_on_error() -> Iterator[None]:
    """Wrap a service's transaction: files saved inside are deleted again if the block raises."""
    saved: list[str] = []
    token = _saved_names.set(saved)
    try:
        yield
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise
    finally:
        _saved_names.reset(token)


def save_file(name: str, content: bytes | File) -> str:
    """Store bytes or a file under `name` (or the free name storage picks); removed again on error.

    A file is copied in chunks (or, for an upload in a temporary file on the file system storage,
    moved), so its size does not matter to memory."""
    if isinstance(content, File):
        content.seek(0)
    stored = default_storage.save(
        name, content if isinstance(content, File) else ContentFile(content)
    )
    saved = _saved_names.get()
    if saved is not None:
        saved.append(stored)
    return stored


def delete_after_commit(names: list[str]) -> None:
    """Delete stored files once the current transaction commits (at once outside one): rows that
    are rolled back keep their files."""
    names = list(names)

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)
