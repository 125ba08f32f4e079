"""A file storage that fails like a network store would: FailingStorage.fail_after(n) lets n
saves through, then every save raises OSError (a timeout, a full disk, a 503 from object storage)."""

from django.core.files.storage import FileSystemStorage


class FailingStorage(FileSystemStorage):
    allowed_saves: int | None = None  # None: never fail
    saves = 0

    @classmethod
    def fail_after(cls, saves: int | None) -> None:
        cls.allowed_saves, cls.saves = saves, 0

    def _save(self, name, content):
        cls = type(self)
        if cls.allowed_saves is not None and cls.saves >= cls.allowed_saves:
            raise OSError("storage backend unavailable")
        cls.saves += 1
        return super()._save(name, content)
