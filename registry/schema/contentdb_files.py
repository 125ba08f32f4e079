"""ContentDB-face routes outside /api/: package downloads, git import tasks and screenshot files
(docs/protocols/contentdb.md; the client builds these URLs from the list's author/name/release)."""

from registry.schema.components import INTEGER, STRING, Schema, json_body, obj, path_param, query
from registry.schema.contentdb import AUTHOR, NAME, RELEASE_ID, TAG, binary

PATHS: dict[str, Schema] = {
    "/packages/{author}/{name}/download/": {
        "get": {
            "tags": [TAG],
            "summary": "Download a package's latest release zip",
            "parameters": [
                AUTHOR,
                NAME,
                query("protocol_version", INTEGER),
                query("engine_version"),
                query("reason"),
            ],
            "responses": {
                "200": binary("The release zip", "application/zip"),
                "302": {"description": "Renamed package: its new address"},
                "404": {"description": "No such package or release"},
            },
        }
    },
    "/packages/{author}/{name}/releases/{release_id}/download/": {
        "get": {
            "tags": [TAG],
            "summary": "Download a release zip",
            "parameters": [AUTHOR, NAME, RELEASE_ID, query("reason")],
            "responses": {
                "200": binary("The release zip", "application/zip"),
                "302": {"description": "Renamed package: its new address"},
                "404": {"description": "No such package or release"},
            },
        }
    },
    "/tasks/{task_id}/": {
        "get": {
            "tags": [TAG],
            "summary": "How a release import stands",
            "description": "Everyone sees the state; the reason of a failure only the package's "
            "people and moderators (Bearer token or web session), others `The import failed`.",
            "parameters": [path_param("task_id", {"type": "string", "format": "uuid"})],
            "responses": {
                "200": json_body(
                    obj(
                        "id",
                        "status",
                        id=STRING,
                        status=STRING,
                        error=STRING,
                        result={"nullable": True},
                    )
                ),
                "404": {"description": "No such task (JSON), or an id that is no UUID (web 404)"},
                "405": {"description": "Method not allowed"},
            },
        }
    },
    "/uploads/screenshots/{file}": {
        "get": {
            "tags": [TAG],
            "summary": "A screenshot file",
            "parameters": [path_param("file")],
            "responses": {
                "200": {
                    "description": "The image",
                    "content": {
                        f"image/{t}": {"schema": {"type": "string", "format": "binary"}}
                        for t in ("png", "jpeg", "webp", "gif")
                    },
                },
                "404": {"description": "No such screenshot"},
            },
        }
    },
    "/thumbnails/{level}/screenshots/{file}": {
        "get": {
            "tags": [TAG],
            "summary": "A screenshot thumbnail",
            "parameters": [path_param("level", INTEGER), path_param("file")],
            "responses": {
                "200": {
                    "description": "The thumbnail",
                    "content": {
                        f"image/{t}": {"schema": {"type": "string", "format": "binary"}}
                        for t in ("png", "jpeg", "webp", "gif")
                    },
                },
                "403": {"description": "Unknown thumbnail level"},
                "404": {"description": "No such screenshot"},
            },
        }
    },
}
