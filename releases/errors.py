"""Domain errors of the releases app. Messages are for people; faces map classes to statuses."""


class ReleasesError(Exception):
    """Base class: the message is safe to show to the caller; `field`, when given, names the input
    field the message is about (a form shows it there)."""

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class InvalidRockspec(ReleasesError):
    """The rockspec does not parse, does not evaluate within the sandbox limits, or lacks a field."""


class InvalidRock(ReleasesError):
    """The rock's file name does not fit the release it is uploaded to."""


class NotOwner(ReleasesError):
    """The user may not add files to this package (not its author, maintainer or a moderator)."""


class UploadNotAllowed(ReleasesError):
    """The user may not upload at all (rank too low), or the package was deleted by moderation."""


# Luanti releases (zip uploads and git imports).


class InvalidReleaseRequest(ReleasesError):
    """A field of a release request is missing or malformed (title, commit hash, file name, ref)."""


class InvalidReleaseZip(ReleasesError):
    """The uploaded archive is not a zip we accept: broken, too big, a zip bomb, unsafe paths."""


class InvalidLuantiContent(ReleasesError):
    """The archive is a safe zip but not the Luanti content the package says it is (conf, names)."""


class ReleasePermissionDenied(ReleasesError):
    """The user may not make, approve or delete releases of this package."""


class ReleaseExists(ReleasesError):
    """A release of the package already has this name or title."""


class TooManyReleases(ReleasesError):
    """Too many releases of one package in a short time (ContentDB's 5 in 5 minutes)."""


class ReleaseNotDeletable(ReleasesError):
    """The release is the newest of an approved package; deleting it would leave nothing to install."""


class GitImportFailed(ReleasesError):
    """Cloning or archiving the repository failed (recorded on the release as its task error)."""


class RemoteFileUnavailable(ReleasesError):
    """An import could not fetch a file from its URL (status, size, network error or time)."""
