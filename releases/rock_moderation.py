"""What luarocks.org's admins do to modules, and ContentDB's change of author:

- hide a rock from the root manifest (it stays in its owner's manifest, `/manifests/<user>/`);
- hand the root-manifest name to a rock (another owner's, or back to a hidden one);
- transfer a package (a rock or Luanti content) to another owner.

Each asks the permission table, writes an audit entry and bumps the manifest or list generations
that change. The root manifest holds one rock per name (packages_root_manifest_name_unique).
"""

from django.db import transaction

from accounts.audit import record
from accounts.models import AuditSeverity, User
from packages.errors import InvalidModerationInput, NotAllowed, PackageNameTaken
from packages.models import Package, PackageAlias, PackageType
from packages.permissions import Action, can
from releases.cache import invalidate_luanti_lists, invalidate_rock_manifests


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
def transfer_ownership(*, by: User, package: Package, new_owner: User) -> Package:
    """Give a package to another user. Its old author/name keeps working as an alias for Luanti
    content (ContentDB redirects aliases); rocks move to the new owner's manifest."""
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
    old_key = package.key
    package.author = new_owner
    package.save(update_fields=["author", "updated_at"])
    package.maintainers.remove(new_owner)  # the author is implied
    if package.is_rock:
        invalidate_rock_manifests(author_id=old_owner.pk)
        invalidate_rock_manifests(author_id=new_owner.pk)
    else:
        alias = PackageAlias.objects.filter(
            author__iexact=old_owner.username, name__iexact=package.name
        )
        if not alias.exists():
            PackageAlias.objects.create(
                package=package, author=old_owner.username, name=package.name
            )
        invalidate_luanti_lists()
    record(
        causer=by,
        action="package.transfer",
        title=f"Transferred {old_key} to {new_owner.username}",
        severity=AuditSeverity.MODERATION,
        package=package,
        target_user=new_owner,
        diff={"author": (old_owner.username, new_owner.username)},
    )
    return package


def _lock_rock(*, by: User, package: Package, action: Action) -> Package:
    if not can(by, action, package):
        raise NotAllowed("Only moderators manage the root manifest.")
    package = Package.objects.select_for_update().select_related("author").get(pk=package.pk)
    if not package.is_rock:
        raise InvalidModerationInput(f"{package.key} is not a rock; only rocks are in manifests.")
    return package
