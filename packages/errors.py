"""Domain errors of the packages app. Messages are for people; faces map classes to statuses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packages.models import Package


class PackagesError(Exception):
    """Base class: the message is safe to show to the caller; `field`, when given, names the input
    field the message is about (a form shows it there)."""

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class NoSuchPackage(PackagesError):
    pass


class NotAllowed(PackagesError):
    """The permission table says no (packages.permissions.can)."""


class InvalidStateTransition(PackagesError):
    """The package's state does not allow that move (submit, approve, request changes, restore)."""


class InvalidModerationInput(PackagesError):
    """A comment, reason, rank or target a moderation action needs is missing or wrong."""


class InvalidReview(PackagesError):
    """A review's rating, title or comment is missing or out of range."""


class ReviewExists(PackagesError):
    """A user writes one review per package; the existing one can be edited."""


class InvalidReport(PackagesError):
    """A report's reason or text is missing or out of range."""


class PackageNameTaken(PackagesError):
    """A transfer or root-manifest hand-over would give one owner two packages of the same name."""


class NoSuchUser(PackagesError):
    """A username in a query or a path that belongs to nobody."""


class InvalidPackageQuery(PackagesError):
    """A Package Query parameter names something that does not exist or is malformed."""


class InvalidPackageData(PackagesError):
    """A package field in a create or edit request is of the wrong kind or out of range; `field`
    names the field the message is about (None: the request as a whole)."""


class ProtectedTagRefused(InvalidPackageData):
    """A protected tag (Tag.is_protected) is added by someone below editor."""


class PackageEditDenied(PackagesError):
    """The user may not make this change (edit at all, rename or retype an approved package)."""


class PackageExists(PackagesError):
    """The author already has a Luanti package with that technical name."""


class PackageNameReserved(PackageExists):
    """The key is an old name (alias) of another package; only a moderator can release it."""


class PackageMoved(PackagesError):
    """The key is an old name of `package`: the face answers with a redirect to its new key."""

    def __init__(self, package: Package) -> None:
        super().__init__(f"Moved to {package.key}")
        self.package = package


# Screenshots


class InvalidScreenshotRequest(PackagesError):
    """A screenshot request's title, order list or cover image id is missing or wrong."""


class ScreenshotPermissionDenied(PackagesError):
    """The user may not add or change this package's screenshots."""


class TooManyScreenshots(PackagesError):
    """Too many screenshots uploaded to one package in a short time (ContentDB: 20 in 30 minutes)."""


# A LuaRocks module's details (summary, description, labels)


class InvalidRockDetails(PackagesError):
    """A module's summary, description or labels, as edited on the web, break a limit; `field`
    names the form field the message is about."""


class RockEditDenied(PackagesError):
    """The user may not edit this module's details (not its owner, a maintainer or an editor)."""


# Threads and notifications


class InvalidThreadPost(PackagesError):
    """A thread's title or a reply's text is missing or out of range."""


class TooManyPosts(PackagesError):
    """Too many threads or replies by one account in a short time; `retry_after` in seconds."""

    def __init__(self, *args: object, retry_after: int) -> None:
        super().__init__(*args)
        self.retry_after = retry_after


class InvalidUnsubscribeLink(PackagesError):
    """An unsubscribe link that is broken or names nobody."""


class NoSuchCollection(PackagesError):
    pass


class CollectionExists(PackagesError):
    pass


class InvalidCollection(PackagesError):
    """A collection's title, description or item is not acceptable."""
