"""Who owns a package and a rock's name in the root manifest: the first upload's claim, what
luarocks.org's admins do to modules, and ContentDB's change of author:

- a new rock claims its name in the root manifest when no other rock holds it (first come);
- hide a rock from the root manifest (it stays in its owner's manifest, `/manifests/<user>/`);
- hand the root-manifest name to a rock (another owner's, or back to a hidden one);
- transfer a package (a rock or Luanti content) to another owner, with the maintainers the
  moderator chose to keep; the old key stays an alias of the package in its namespace, reserved
  (packages.aliases).

The moderators' actions ask the permission table, write an audit entry and bump the manifest or
list generations that change. The root manifest holds one rock per name (packages_root_manifest_name_unique).
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from accounts.audit import record
from accounts.models import AuditSeverity, User
from packages.aliases import check_key_free, keep_old_name
from packages.errors import (
    InvalidModerationInput,
    NotAllowed,
    PackageNameReserved,
    PackageNameTaken,
)
from packages.invalidation import invalidate_luanti_lists, invalidate_rock_manifests
from packages.maintainers import replace_maintainers
from packages.models import Package, PackageType
from packages.permissions import Action, can


def claim_root_manifest_name(*, package: Package) -> None:
    """A new rock's claim (docs/protocols/luarocks.md 2.2, first come): its name goes in the root
    manifest unless another rock holds it. Runs inside the upload's transaction."""
    taken = Package.objects.filter(
        type=PackageType.ROCK, name__iexact=package.name, in_root_manifest=True
    ).exists()
    if taken:
        return
    try:
        # a concurrent first upload of the same name by someone else may win between the check and
        # here; the partial unique index packages_root_manifest_name_unique then refuses ours
        with transaction.atomic():
            Package.objects.filter(pk=package.pk).update(in_root_manifest=True)
    except IntegrityError:
        return
    package.in_root_manifest = True


@transaction.atomic
def hide_from_root_manifest(*, by: User, package: Package) -> Package:
    """Take a rock's name out of the root manifest; its owner's manifest still lists it."""
    package = _lock_rock(by=by, package=package, action=Action.HIDE_FROM_ROOT_MANIFEST)
    if package.in_root_manifest:
        package.in_root_manifest = False
        package.save(update_fields=["in_root_manifest", "updated_at"])
        invalidate_rock_manifests(author_id=package.author_id)
        record(
            causer=by,
            action="rock.hide_from_root",
            title=f"Hid {package.key} from the root manifest",
            severity=AuditSeverity.MODERATION,
            package=package,
            diff={"in_root_manifest": (True, False)},
        )
    return package


@transaction.atomic
def give_root_manifest_name(*, by: User, package: Package) -> Package:
    """Make `package` the rock the root manifest serves under its name, taking the name from the
    rock that holds it now (if any)."""
    package = _lock_rock(by=by, package=package, action=Action.GIVE_ROOT_MANIFEST_NAME)
    if package.in_root_manifest:
        return package
    holder = (
        Package.objects.select_for_update()
        .filter(type=PackageType.ROCK, in_root_manifest=True, name__iexact=package.name)
        .exclude(pk=package.pk)
        .select_related("author")
        .first()
    )
    if holder is not None:  # free the name first: the unique constraint is checked per statement
        holder.in_root_manifest = False
        holder.save(update_fields=["in_root_manifest", "updated_at"])
        invalidate_rock_manifests(author_id=holder.author_id)
    package.in_root_manifest = True
    package.save(update_fields=["in_root_manifest", "updated_at"])
    invalidate_rock_manifests(author_id=package.author_id)
    taken_from = f" (taken from {holder.key})" if holder is not None else ""
    record(
        causer=by,
        action="rock.give_root_name",
        title=f"Gave the root-manifest name {package.name} to {package.key}",
        severity=AuditSeverity.MODERATION,
        package=package,
        diff={"in_root_manifest": (False, True), "previous_holder": (holder and holder.key, None)},
        description=f"Root-manifest name {package.name} now served from {package.key}{taken_from}.",
    )
    return package


@transaction.atomic
def transfer_ownership(
    *, by: User, package: Package, new_owner: User, keep: Iterable[User] | None = None
) -> Package:
    """Give a package to another user. Of its maintainers, those in `keep` stay (None: all but
    the old owner); whoever leaves loses their tokens limited to it. The old key becomes an alias
    of the package (Luanti content redirects it, as ContentDB; a rock's reserves its name in the
    old owner's namespace); rocks move to the new owner's manifest."""
    if not can(by, Action.TRANSFER_OWNERSHIP, package):
        raise NotAllowed("You don't have permission to transfer packages.")
    package = Package.objects.select_for_update().select_related("author").get(pk=package.pk)
    old_owner = package.author
    if new_owner.pk == old_owner.pk:
        raise InvalidModerationInput(f"{new_owner.username} already owns {package.key}.")
    same_family = Package.objects.filter(author=new_owner, name__iexact=package.name)
    same_family = (
        same_family.filter(type=PackageType.ROCK)
        if package.is_rock
        else same_family.exclude(type=PackageType.ROCK)
    )
    if same_family.exists():
        raise PackageNameTaken(f"{new_owner.username} already has a package named {package.name}.")
    try:  # given back to an old owner, its alias there goes; another package's alias holds
        check_key_free(
            author=new_owner.username, name=package.name, rock=package.is_rock, package=package
        )
    except PackageNameReserved as reserved:
        raise PackageNameTaken(str(reserved)) from None
    current = list(package.maintainers.all())
    if keep is None:
        staying = [user for user in current if user.pk != old_owner.pk]
    else:
        chosen = {user.pk for user in keep}
        staying = [user for user in current if user.pk in chosen]
    old_key = package.key
    package.author = new_owner
    package.save(update_fields=["author", "updated_at"])
    before, after = replace_maintainers(package=package, people=staying, by=by)
    keep_old_name(package=package, author=old_owner.username, name=package.name)
    if package.is_rock:
        invalidate_rock_manifests(author_id=old_owner.pk)
        invalidate_rock_manifests(author_id=new_owner.pk)
    else:
        invalidate_luanti_lists()
    diff = {"author": (old_owner.username, new_owner.username)}
    if before != after:
        diff["maintainers"] = (before, after)
    record(
        causer=by,
        action="package.transfer",
        title=f"Transferred {old_key} to {new_owner.username}",
        severity=AuditSeverity.MODERATION,
        package=package,
        target_user=new_owner,
        diff=diff,
    )
    return package


def _lock_rock(*, by: User, package: Package, action: Action) -> Package:
    if not can(by, action, package):
        raise NotAllowed("Only moderators manage the root manifest.")
    package = Package.objects.select_for_update().select_related("author").get(pk=package.pk)
    if not package.is_rock:
        raise InvalidModerationInput(f"{package.key} is not a rock; only rocks are in manifests.")
    return package
