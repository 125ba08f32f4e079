"""The JSON objects of the upload API, shaped like luarocks.org's rows (docs/protocols/luarocks.md 1.3).

The client reads only `module` and `version` (truthiness), `version.id`, `module_url`, `manifests`
and `is_new`; the other fields are for people and other tools. No value is ever null: with lua-cjson
a JSON null is truthy (docs/protocols/luarocks.md trap 1), so absent values are left out.
"""

from datetime import UTC, datetime

from django.conf import settings

from packages.models import Package
from releases.models import Release, ReleaseFile

ROOT_MANIFEST = {"id": 1, "name": "root"}


def timestamp(value: datetime) -> str:
    """luarocks.org's database time format, in UTC: `2024-01-15 10:30:00`."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def module_url(package: Package) -> str:
    return f"{settings.SITE_URL}/modules/{package.author.username}/{package.name}"


def manifests(package: Package) -> list[dict]:
    """Always an array: the 3.8 client takes `#res.manifests` when `is_new` (docs/protocols/luarocks.md trap 5)."""
    return [ROOT_MANIFEST] if package.in_root_manifest else []


def _without_none(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def module_json(package: Package, *, current_version_id: int | None) -> dict:
    return _without_none(
        {
            "id": package.pk,
            "user_id": package.author_id,
            "name": package.name,
            "display_name": package.title if package.title != package.name else None,
            "summary": package.short_description,
            "description": package.long_description,
            "license": package.declared_license,
            "homepage": package.website,
            "labels": package.labels,
            "downloads": package.downloads,
            "current_version_id": current_version_id,
            "created_at": timestamp(package.created_at),
            "updated_at": timestamp(package.updated_at),
        }
    )


def version_json(release: Release, *, rockspec: ReleaseFile | None = None) -> dict:
    return _without_none(
        {
            "id": release.pk,
            "module_id": release.package_id,
            "version_name": release.name.lower(),
            "display_version_name": release.name,
            "rockspec_fname": rockspec.filename if rockspec else None,
            "lua_version": release.lua_constraint or None,
            "development": release.is_development,
            "archived": release.is_archived,
            "source_url": release.source_url or None,
            "revision": release.revision,
            "downloads": release.downloads,
            "created_at": timestamp(release.created_at),
            "updated_at": timestamp(release.updated_at),
        }
    )


def rock_json(rock: ReleaseFile) -> dict:
    return {
        "id": rock.pk,
        "version_id": rock.release_id,
        "arch": rock.arch,
        "rock_fname": rock.filename,
        "revision": rock.revision,
        "downloads": rock.downloads,
        "sha256": rock.sha256,
        "size": rock.size,
        "created_at": timestamp(rock.created_at),
        "updated_at": timestamp(rock.updated_at),
    }
