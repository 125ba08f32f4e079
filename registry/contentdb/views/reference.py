"""Reference data: tags, content warnings, licenses, Luanti versions, languages, and the JSON
Schema of a package's .cdb.json built from them."""

from rest_framework.response import Response

from packages.models import (
    AIDisclosure,
    ContentWarning,
    DevState,
    Language,
    License,
    LuantiVersion,
    Tag,
)
from packages.selectors import resolve_luanti_version
from registry.contentdb.base import ContentDBError, ContentDBView
from registry.contentdb.views.common import int_param


class TagListView(ContentDBView):
    cache_max_age = 3600

    def get(self, request):
        return Response(
            [
                {
                    "name": t.name,
                    "title": t.title,
                    "description": t.description or None,
                    "views": t.views,
                }
                for t in Tag.objects.order_by("name")
            ]
        )


class ContentWarningListView(ContentDBView):
    cache_max_age = 3600

    def get(self, request):
        return Response(
            [
                {"name": w.name, "title": w.title, "description": w.description or None}
                for w in ContentWarning.objects.order_by("name")
            ]
        )


class LicenseListView(ContentDBView):
    cache_max_age = 3600

    def get(self, request):
        return Response(
            [{"name": lic.name, "is_foss": lic.is_foss} for lic in License.objects.order_by("name")]
        )


def _version_dict(version: LuantiVersion) -> dict:
    return {
        "name": version.name,
        "protocol_version": version.protocol_version,
        "is_dev": version.is_dev,
    }


class LuantiVersionListView(ContentDBView):
    """Every Luanti version in release order; with protocol/engine params, the one they name."""

    cache_max_age = 3600

    def get(self, request):
        versions = list(LuantiVersion.objects.order_by("id"))
        protocol = int_param(request, "protocol_version")
        engine = request.query_params.get("engine_version", "")[:50]
        if protocol is None and not engine:
            return Response([_version_dict(v) for v in versions])
        version = resolve_luanti_version(protocol=protocol, engine=engine, versions=versions)
        if version is None:
            raise ContentDBError("No releases found", 404)
        return Response(_version_dict(version))


class LanguageListView(ContentDBView):
    cache_max_age = 3600

    def get(self, request):
        return Response(
            [
                {
                    "id": lang.id,
                    "title": lang.title,
                    "has_contentdb_translation": lang.has_contentdb_translation,
                }
                for lang in Language.objects.order_by("id")
            ]
        )


URI_FIELDS = [
    "repo",
    "website",
    "issue_tracker",
    "forum_url",
    "video_url",
    "donate_url",
    "translation_url",
]


class CdbSchemaView(ContentDBView):
    """JSON Schema of a package's .cdb.json, with the live tags, warnings and licenses."""

    cache_max_age = 3600

    def get(self, request):
        licenses = list(License.objects.order_by("name").values_list("name", "is_foss"))
        properties: dict = {
            "type": {"enum": ["MOD", "GAME", "TXP"]},
            "title": {"type": "string", "maxLength": 100},
            "name": {"type": "string", "pattern": "^[a-z0-9_]+$"},
            "short_description": {"type": "string", "maxLength": 200},
            "dev_state": {"enum": [d.value for d in DevState]},
            "ai_disclosure": {"enum": [a.value for a in AIDisclosure]},
            "tags": {
                "type": "array",
                "items": {
                    "enum": list(Tag.objects.order_by("name").values_list("name", flat=True))
                },
                "uniqueItems": True,
            },
            "content_warnings": {
                "type": "array",
                "items": {
                    "enum": list(
                        ContentWarning.objects.order_by("name").values_list("name", flat=True)
                    )
                },
                "uniqueItems": True,
            },
            "license": {"$ref": "#/$defs/license"},
            "media_license": {"$ref": "#/$defs/license"},
            "long_description": {"type": "string"},
            "forums": {"type": ["integer", "null"], "minimum": 0},
        }
        for field in URI_FIELDS:
            properties[field] = {"type": ["string", "null"], "format": "uri"}
        return Response(
            {
                "title": "CDB Config",
                "description": "Package Configuration",
                "type": "object",
                "$defs": {
                    "license": {
                        "enum": [name for name, _ in licenses],
                        "enumDescriptions": [
                            "FOSS" if foss else "NON-FOSS" for _, foss in licenses
                        ],
                    }
                },
                "properties": properties,
            }
        )
