"""Shared pieces of the OpenAPI document: both auth schemes, both error shapes, small builders.

The LuaRocks face authenticates with a key in the URL path (`/api/1/<key>/...`, docs/protocols/luarocks.md
1.1); OpenAPI has no path-key security scheme, so it is a documented path parameter. The ContentDB
face takes `Authorization: Bearer <token>` (docs/protocols/contentdb.md section 1).
"""

from typing import Any

Schema = dict[str, Any]

LUAROCKS_ERROR = "LuaRocksErrors"
CONTENTDB_ERROR = "ContentDBError"

COMPONENTS: Schema = {
    "securitySchemes": {
        "bearerToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "ContentDB API token (`Authorization: Bearer <token>`). "
            "No header: anonymous. Unknown token or another scheme: 403; a token under 10 "
            "characters: 400.",
        },
    },
    "schemas": {
        LUAROCKS_ERROR: {
            "type": "object",
            "description": 'Every failure of the LuaRocks face (docs/protocols/luarocks.md, "Error Responses").',
            "required": ["errors"],
            "properties": {"errors": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
        },
        CONTENTDB_ERROR: {
            "type": "object",
            "description": "Every failure of the ContentDB face (docs/protocols/contentdb.md).",
            "required": ["success", "error"],
            "properties": {
                "success": {"type": "boolean", "enum": [False]},
                "error": {"type": "string"},
            },
        },
        "Success": {
            "type": "object",
            "required": ["success"],
            "properties": {"success": {"type": "boolean", "enum": [True]}},
        },
        "Page": {
            "type": "object",
            "description": "ContentDB's paginated envelope.",
            "required": ["page", "per_page", "page_count", "total", "urls", "items"],
            "properties": {
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "page_count": {"type": "integer"},
                "total": {"type": "integer"},
                "urls": {
                    "type": "object",
                    "properties": {
                        "previous": {"type": "string", "nullable": True},
                        "next": {"type": "string", "nullable": True},
                    },
                },
                "items": {"type": "array", "items": {"type": "object"}},
            },
        },
    },
    "parameters": {
        "LuaRocksKey": {
            "name": "key",
            "in": "path",
            "required": True,
            "description": "The LuaRocks API key (`luarocks upload --api-key`). Unknown: 401 "
            "`Invalid key`; revoked key or suspended account: 403.",
            "schema": {"type": "string"},
        },
    },
}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: Schema, description: str = "OK") -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def obj(*required: str, **properties: Schema) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


ARRAY: Schema = {"type": "array", "items": {}}
OBJECT: Schema = {"type": "object"}
STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}


def errors(error_schema: str, *statuses: int) -> dict[str, Schema]:
    messages = {
        400: "Bad request",
        401: "Authentication needed or invalid key",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        409: "Conflict (a webhook delivery id received before)",
        413: "Request body too large",
        429: "Too many requests (see Retry-After)",
        503: "Database or file store briefly unavailable; nothing was stored (see Retry-After)",
    }
    answers = {}
    for status in statuses:
        answer = json_body(ref(error_schema), messages[status])
        if status in (429, 503):
            answer["headers"] = {"Retry-After": {"schema": INTEGER}}
        answers[str(status)] = answer
    return answers


def query(name: str, schema: Schema | None = None, description: str = "") -> Schema:
    parameter = {"name": name, "in": "query", "required": False, "schema": schema or STRING}
    if description:
        parameter["description"] = description
    return parameter


def path_param(name: str, schema: Schema | None = None) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema or STRING}
