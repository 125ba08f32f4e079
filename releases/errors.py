"""Domain errors of the releases app. Messages are for people; faces map classes to statuses."""


class ReleasesError(Exception):
    """Base class: the message is safe to show to the caller."""

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
