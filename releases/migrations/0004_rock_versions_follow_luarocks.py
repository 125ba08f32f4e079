"""Bring stored rock versions and rock file names under the luarocks grammar (releases.rock_names).

Uploads used to take any version ending in `-<digits>` (`victim-1.0-1`, `1_0-1`) and any arch case
(`ALL`). Such a version was never installable: the client refuses a rockspec whose version does not
match `^[%w.]+-[%d]+$` after downloading it, unless the rockspec shows the client another package
than it showed us, which is the package-confusion attack this migration ends (docs/security.md).

What happens to each existing row:
- a rock version whose name breaks the rule is deleted with its rockspec, rocks and dependency rows.
  Nothing legitimate can be lost (no client could install it), and keeping it would make every
  reader of versions (manifests, file URLs, pages, the upload API) know about poison. Each deletion
  writes an audit-log entry (severity moderation) naming the package, the version and every file
  with its size, sha256 and storage name; the stored bytes stay in storage so a moderator can read
  them, and no URL serves them;
- a rock whose arch is not lowercase gets its lowercase arch and file name, unless the version
  already has that arch, or the arch is reserved (`rockspec`, `installed`) or malformed: then the
  rock is deleted the same way, with an audit entry;
- a rockspec or rock whose stored file name is not `<name>-<version>[.<arch>].rock[spec]` gets that
  name back.
Manifest caches are not touched: a stale cached manifest may list a removed version until the next
upload bumps its generation, and the client asking for its file gets the owner's file or a 404.
The check constraint that keeps it so comes in the next migration (PostgreSQL cannot alter a table
with deletes pending in the same transaction).
"""

import re

from django.db import migrations

# frozen copies of releases.rock_names at the time of writing
VERSION = re.compile(r"[A-Za-z0-9.]+-[0-9]+")
ARCH = re.compile(r"[a-z0-9_-]+")
RESERVED_ARCHES = {"rockspec", "installed"}
MODERATION = 3  # accounts.models.AuditSeverity.MODERATION


def _describe(files) -> str:
    return "\n".join(
        f"- {f.filename} ({f.kind}{' ' + f.arch if f.arch else ''}): {f.size} bytes, "
        f"sha256 {f.sha256}, stored as {f.file.name}"
        for f in files
    )


def _audit(AuditLogEntry, *, package, title: str, reason: str, files) -> None:
    title = title if len(title) <= 100 else title[:99] + "…"
    AuditLogEntry.objects.create(
        causer=None,
        severity=MODERATION,
        action="rock.version_removed",
        title=title,
        package=package,
        target=f"{package.author.username}/{package.name}"[:255],
        description=f"{reason}\n\nFiles (kept in storage, served by no URL):\n{_describe(files)}",
    )


def forwards(apps, schema_editor):
    Release = apps.get_model("releases", "Release")
    ReleaseFile = apps.get_model("releases", "ReleaseFile")
    AuditLogEntry = apps.get_model("accounts", "AuditLogEntry")

    releases = Release.objects.filter(package__type="ROCK").select_related("package__author")
    for release in releases.iterator(chunk_size=2000):
        package = release.package
        files = list(ReleaseFile.objects.filter(release=release).order_by("kind", "arch"))
        if not VERSION.fullmatch(release.name):
            _audit(
                AuditLogEntry,
                package=package,
                title=f"Removed {package.name} {release.name}: not a luarocks version",
                reason=(
                    f"Version {release.name!r} of {package.author.username}/{package.name} does "
                    "not match the luarocks rule [A-Za-z0-9.]+-[0-9]+: its file names could be "
                    "another package's. Removed by migration releases 0003."
                ),
                files=files,
            )
            release.delete()
            continue
        arches = {f.arch for f in files if f.kind == "rock"}
        for item in files:
            if item.kind == "rockspec":
                expected = f"{package.name}-{release.name}.rockspec"
                if item.filename != expected or item.arch:
                    item.filename, item.arch = expected, ""
                    item.save(update_fields=["filename", "arch"])
                continue
            if item.kind != "rock":
                continue
            arch = item.arch.lower()
            clash = arch != item.arch and arch in arches
            if clash or not ARCH.fullmatch(arch) or arch in RESERVED_ARCHES:
                _audit(
                    AuditLogEntry,
                    package=package,
                    title=f"Removed the {item.arch} rock of {package.name} {release.name}",
                    reason=(
                        f"Arch {item.arch!r} is reserved, malformed, or the lowercase spelling of "
                        "an arch the version already has. Removed by migration releases 0003."
                    ),
                    files=[item],
                )
                item.delete()
                continue
            expected = f"{package.name}-{release.name}.{arch}.rock"
            if item.arch != arch or item.filename != expected:
                arches.discard(item.arch)
                arches.add(arch)
                item.arch, item.filename = arch, expected
                item.save(update_fields=["arch", "filename"])


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0003_release_task_id"),
        ("accounts", "0003_audit_log"),
        ("packages", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
