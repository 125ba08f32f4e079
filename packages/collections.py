"""Collections of packages: the writes (create, edit, delete, add and remove packages) and the
reads of the web face and the ContentDB face (`/api/collections/`).

Who: `can(user, EDIT_COLLECTION, collection)` (the author; moderators). A private collection is
seen by those who may edit it only. Every user has a default private collection, "Favourites"
(name `favorites`, ContentDB's), made the first time it is asked for.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils.text import slugify

from accounts.models import User
from packages.errors import CollectionExists, InvalidCollection, NoSuchCollection, NotAllowed
from packages.models import Collection, CollectionItem, Package
from packages.permissions import Action, Viewer, can
from packages.selectors import visible_packages

FAVOURITES = "favorites"
FAVOURITES_TITLE = "Favourites"
MAX_ITEMS = 500


def may_view_collection(collection: Collection, viewer: Viewer) -> bool:
    return not collection.private or can(viewer, Action.EDIT_COLLECTION, collection)


def _require_edit(by: User, collection: Collection) -> None:
    if not can(by, Action.EDIT_COLLECTION, collection):
        raise NotAllowed("You may not change this collection")


def _clean(title: str, short_description: str) -> tuple[str, str]:
    title, short_description = title.strip(), short_description.strip()
    if not title:
        raise InvalidCollection("A collection needs a title", field="title")
    if len(title) > 100:
        raise InvalidCollection("The title has at most 100 characters", field="title")
    if len(short_description) > 255:
        raise InvalidCollection(
            "The description has at most 255 characters", field="short_description"
        )
    return title, short_description


@transaction.atomic
def create_collection(
    *, by: User, title: str, short_description: str = "", private: bool = False
) -> Collection:
    title, short_description = _clean(title, short_description)
    name = slugify(title)[:100]
    if not name:
        raise InvalidCollection("The title needs a letter or a digit", field="title")
    collection = Collection(
        author=by, name=name, title=title, short_description=short_description, private=private
    )
    _require_edit(by, collection)
    if Collection.objects.filter(author=by, name__iexact=name).exists():
        raise CollectionExists("You already have a collection of this name", field="title")
    try:
        with transaction.atomic():
            collection.save()
    except IntegrityError as error:
        raise CollectionExists(
            "You already have a collection of this name", field="title"
        ) from error
    return collection


@transaction.atomic
def update_collection(
    *, by: User, collection: Collection, title: str, short_description: str, private: bool
) -> Collection:
    _require_edit(by, collection)
    collection.title, collection.short_description = _clean(title, short_description)
    collection.private = private
    collection.save(update_fields=["title", "short_description", "private"])
    return collection


@transaction.atomic
def delete_collection(*, by: User, collection: Collection) -> None:
    _require_edit(by, collection)
    collection.delete()


@transaction.atomic
def favourites(*, by: User) -> Collection:
    """`by`'s Favourites, made (private) the first time."""
    collection, _ = Collection.objects.get_or_create(
        author=by,
        name=FAVOURITES,
        defaults={"title": FAVOURITES_TITLE, "private": True},
    )
    return collection


@transaction.atomic
def add_to_collection(
    *, by: User, collection: Collection, package: Package, description: str = ""
) -> CollectionItem:
    """Add a package `by` may see; adding it again changes only its description."""
    _require_edit(by, collection)
    if not can(by, Action.VIEW_PACKAGE, package):
        raise NotAllowed("You may not add this package")
    if len(description) > 500:
        raise InvalidCollection("The note has at most 500 characters", field="description")
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    item = CollectionItem.objects.filter(collection=collection, package=package).first()
    if item is not None:
        item.description = description or item.description
        item.save(update_fields=["description"])
        return item
    if CollectionItem.objects.filter(collection=collection).count() >= MAX_ITEMS:
        raise InvalidCollection(f"A collection holds at most {MAX_ITEMS} packages")
    last = CollectionItem.objects.filter(collection=collection).aggregate(m=Max("order"))["m"]
    return CollectionItem.objects.create(
        collection=collection,
        package=package,
        description=description,
        order=(last or 0) + 1,
    )


@transaction.atomic
def remove_from_collection(*, by: User, collection: Collection, package: Package) -> None:
    _require_edit(by, collection)
    CollectionItem.objects.filter(collection=collection, package=package).delete()


# reads ------------------------------------------------------------------------------------------


def collection_by_key(*, author: str, name: str, viewer: Viewer) -> Collection:
    collection = (
        Collection.objects.filter(author__username__iexact=author, name__iexact=name)
        .select_related("author")
        .first()
    )
    if collection is None or not may_view_collection(collection, viewer):
        raise NoSuchCollection("Collection not found")
    return collection


def collections_of(*, user: User, viewer: Viewer) -> QuerySet[Collection]:
    """`user`'s collections `viewer` may see, with `package_count`."""
    collections = Collection.objects.filter(author=user)
    if not can(viewer, Action.EDIT_COLLECTION, Collection(author=user)):
        collections = collections.filter(private=False)
    return collections.annotate(package_count=Count("items")).order_by("title", "id")


def collection_items(*, collection: Collection, viewer: Viewer) -> list[CollectionItem]:
    """The items whose package `viewer` may see, with the package and its author (one query)."""
    visible = visible_packages(viewer=viewer).values("pk")
    return list(
        CollectionItem.objects.filter(collection=collection, package__in=visible)
        .select_related("package", "package__author")
        .order_by("order", "id")
    )


def collections_with(*, package: Package, viewer: Viewer) -> list[Collection]:
    """Collections holding `package` that `viewer` may see: public ones and the viewer's own."""
    mine = Q(author=viewer) if isinstance(viewer, User) else Q(pk__in=[])
    return list(
        Collection.objects.filter(items__package=package)
        .filter(Q(private=False) | mine)
        .select_related("author")
        .distinct()
        .order_by("title")[:20]
    )
