"""Operations of the LuaRocks face: the path-key upload API (docs/protocols/luarocks.md), manifests and files
(docs/protocols/luarocks.md 3.1, 3.3). These are plain Django views, so they are described here by hand."""

from registry.schema.components import (
    INTEGER,
    LUAROCKS_ERROR,
    OBJECT,
    STRING,
    Schema,
    errors,
    json_body,
    obj,
    path_param,
    query,
)

TAG = "LuaRocks"
KEY = {"$ref": "#/components/parameters/LuaRocksKey"}
API_ERRORS = (400, 401, 403, 404, 405, 413, 429, 503)


def _file(description: str, content_type: str) -> Schema:
    return {
        "description": description,
        "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
    }


def _upload_body(field: str) -> Schema:
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": obj(field, **{field: {"type": "string", "format": "binary"}})
            }
        },
    }


def _manifest(summary: str, parameters: list | None = None) -> Schema:
    return {
        "get": {
            "tags": [TAG],
            "summary": summary,
            "parameters": parameters or [],
            "responses": {
                "200": {
                    "description": "The manifest: Lua source, JSON or a zip of the Lua source",
                    "content": {
                        "text/x-lua": {"schema": STRING},
                        "application/json": {"schema": OBJECT},
                        "application/zip": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "404": {"description": "No such manifest or user"},
            },
        }
    }


def _files(summary: str, parameters: list) -> Schema:
    return {
        "get": {
            "tags": [TAG],
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "A rockspec (text) or a rock (zip), served as a download",
                    "content": {
                        "text/x-rockspec": {"schema": STRING},
                        "application/x-rock": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "404": {"description": "No such file"},
            },
        }
    }


FILENAME = path_param("filename", {"type": "string", "pattern": r"^[A-Za-z0-9._-]+\.rock(spec)?$"})
USERNAME = path_param("username")

PATHS: dict[str, Schema] = {
    "/api/tool_version": {
        "get": {
            "tags": [TAG],
            "summary": "The upload protocol version the client compares with its own",
            "security": [],
            "responses": {
                "200": json_body(obj("version", version=STRING)),
                **errors(LUAROCKS_ERROR, 405),
            },
        }
    },
    "/api/1/{key}/status": {
        "get": {
            "tags": [TAG],
            "summary": "Check an API key",
            "parameters": [KEY],
            "responses": {
                "200": json_body(obj("user_id", "created_at", user_id=INTEGER, created_at=STRING)),
                **errors(LUAROCKS_ERROR, *API_ERRORS),
            },
        }
    },
    "/api/1/{key}/check_rockspec": {
        "get": {
            "tags": [TAG],
            "summary": "Does the key's user already have this module and version?",
            "parameters": [KEY, query("package"), query("version")],
            "responses": {
                "200": json_body(obj(module=OBJECT, version=OBJECT)),
                **errors(LUAROCKS_ERROR, *API_ERRORS),
            },
        }
    },
    "/api/1/{key}/upload": {
        "post": {
            "tags": [TAG],
            "summary": "Upload a rockspec: creates the module and version (same bytes again: no change)",
            "parameters": [KEY],
            "requestBody": _upload_body("rockspec_file"),
            "responses": {
                "200": json_body(
                    obj(
                        "module",
                        "version",
                        "module_url",
                        "manifests",
                        "is_new",
                        module=OBJECT,
                        version=OBJECT,
                        module_url=STRING,
                        manifests={"type": "array", "items": STRING},
                        is_new={"type": "boolean"},
                    )
                ),
                **errors(LUAROCKS_ERROR, *API_ERRORS),
            },
        }
    },
    "/api/1/{key}/upload_rock/{version_id}": {
        "post": {
            "tags": [TAG],
            "summary": "Upload a built or source rock to a version",
            "parameters": [KEY, path_param("version_id")],
            "requestBody": _upload_body("rock_file"),
            "responses": {
                "200": json_body(obj("rock", "module_url", rock=OBJECT, module_url=STRING)),
                **errors(LUAROCKS_ERROR, *API_ERRORS),
            },
        }
    },
    "/manifest": _manifest("The root manifest (also manifest-5.1 ... manifest-5.5, .json, .zip)"),
    "/manifest.json": _manifest("The root manifest as JSON"),
    "/manifest.zip": _manifest("The root manifest, zipped"),
    "/dev/manifest": _manifest("The dev manifest (scm/cvs versions)"),
    "/manifests/{username}/manifest": _manifest("One user's manifest", [USERNAME]),
    "/manifests/{username}/manifest.json": _manifest("One user's manifest as JSON", [USERNAME]),
    "/{filename}": _files("A rock or rockspec beside the root manifest", [FILENAME]),
    "/dev/{filename}": _files("A rock or rockspec beside the dev manifest", [FILENAME]),
    "/manifests/{username}/{filename}": _files(
        "A rock or rockspec of one user", [USERNAME, FILENAME]
    ),
}
