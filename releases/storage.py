"""Writing release files through Django's storage API so that a failed write leaves nothing behind.

Each stored revision gets its own storage name (the revision is part of the path), so a file is never
overwritten in place: an overwrite stores the new bytes beside the old ones and removes the old file
only after the transaction commits; a failure removes the new file (see `files_removed_on_error`).
"""

import hashlib

from django.core.files.base import File

from media_tools.storage import delete_after_commit, save_file
from releases.models import FileKind, Release, ReleaseFile


def _storage_name(release: Release, kind: str, revision: int, filename: str) -> str:
    package = release.package
    return f"{kind}s/{package.author_id}/{package.pk}/{release.pk}/r{revision}/{filename}"


def _size_and_hash(content: bytes | File[bytes]) -> tuple[int, str]:
    if isinstance(content, bytes):
        return len(content), hashlib.sha256(content).hexdigest()
    digest, size = hashlib.sha256(), 0
    for chunk in content.chunks():  # from the start, in 64 KiB pieces
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def save_release_file(
    *, release: Release, kind: FileKind, filename: str, content: bytes | File[bytes], arch: str = ""
) -> tuple[ReleaseFile, bool]:
    """Store bytes or a file (read in chunks, never whole) as the release's file of this
    kind/arch; returns (file, created).

    An existing file of the same kind and arch is replaced and its revision bumped.
    Call inside `transaction.atomic()` within `files_removed_on_error()`.
    """
    existing = (
        ReleaseFile.objects.select_for_update()
        .filter(release=release, kind=kind, arch=arch)
        .first()
    )
    revision = existing.revision + 1 if existing else 1
    size, sha256 = _size_and_hash(content)  # before storing: storage may move a temporary file
    name = save_file(_storage_name(release, kind, revision, filename), content)
    fields = {
        "file": name,
        "filename": filename,
        "size": size,
        "sha256": sha256,
        "revision": revision,
    }
    if existing is None:
        return ReleaseFile.objects.create(release=release, kind=kind, arch=arch, **fields), True
    old_name = existing.file.name
    for field, value in fields.items():
        setattr(existing, field, value)
    existing.save()
    delete_after_commit([old_name])
    return existing, False


def delete_release_files(*, release: Release) -> None:
    """Remove a release's stored files once the deletion of its rows has committed."""
    delete_after_commit([f.file.name for f in release.files.all()])
