"""Writing release files through Django's storage API so that a failed write leaves nothing behind.

Each stored revision gets its own storage name (the revision is part of the path), so a file is never
overwritten in place: an overwrite stores the new bytes beside the old ones and removes the old file
only after the transaction commits; a failure removes the new file (see `files_removed_on_error`).
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from releases.models import FileKind, Release, ReleaseFile

_saved_names: ContextVar[list[str] | None] = ContextVar("saved_release_files", default=None)


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


def _storage_name(release: Release, kind: str, revision: int, filename: str) -> str:
    package = release.package
    return f"{kind}s/{package.author_id}/{package.pk}/{release.pk}/r{revision}/{filename}"


def save_release_file(
    *, release: Release, kind: FileKind, filename: str, content: bytes, arch: str = ""
) -> tuple[ReleaseFile, bool]:
    """Store bytes as the release's file of this kind/arch; returns (file, created).

    An existing file of the same kind and arch is replaced and its revision bumped.
    Call inside `transaction.atomic()` within `files_removed_on_error()`.
    """
    existing = (
        ReleaseFile.objects.select_for_update()
        .filter(release=release, kind=kind, arch=arch)
        .first()
    )
    revision = existing.revision + 1 if existing else 1
    name = default_storage.save(
        _storage_name(release, kind, revision, filename), ContentFile(content)
    )
    saved = _saved_names.get()
    if saved is not None:
        saved.append(name)
    fields = {
        "file": name,
        "filename": filename,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "revision": revision,
    }
    if existing is None:
        return ReleaseFile.objects.create(release=release, kind=kind, arch=arch, **fields), True
    old_name = existing.file.name
    for field, value in fields.items():
        setattr(existing, field, value)
    existing.save()
    transaction.on_commit(lambda: default_storage.delete(old_name))
    return existing, False


def delete_release_files(*, release: Release) -> None:
    """Remove a release's stored files once the deletion of its rows has committed."""
    names = [f.file.name for f in release.files.all()]
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
