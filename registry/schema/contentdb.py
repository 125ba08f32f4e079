"""Operations of the ContentDB face (docs/protocols/contentdb.md): the Bearer-token REST API under /api/, the
package downloads, git import tasks and screenshot files.

Several paths dispatch one view per method (`writes_packages.by_method`) and some are plain Django
views, which drf-spectacular cannot introspect; every operation is therefore declared here.
"""

from registry.schema.components import (
    ARRAY,
    BOOLEAN,
    CONTENTDB_ERROR,
    INTEGER,
    OBJECT,
    STRING,
    Schema,
    errors,
    json_body,
    obj,
    path_param,
    query,
    ref,
)

TAG = "ContentDB"
ERRORS = (400, 401, 403, 404, 405, 413, 429, 503)
OPTIONAL_TOKEN: list[dict[str, list[str]]] = [{"bearerToken": []}, {}]
TOKEN: list[dict[str, list[str]]] = [{"bearerToken": []}]
AUTHOR, NAME = path_param("author"), path_param("name")
PKG = "/api/packages/{author}/{name}/"
PAGE = [query("page", INTEGER), query("n", INTEGER)]
ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "schema": STRING,
    "description": "Picks the language of title and descriptions (answers Vary on it)",
}
PACKAGE_QUERY = [
    query("type"),
    query("q"),
    query("author"),
    query("tag"),
    query("flag"),
    query("hide"),
    query("license"),
    query("game"),
    query("lang"),
    query("random"),
    query("limit", INTEGER),
    query("sort"),
    query("order", {"type": "string", "enum": ["asc", "desc"]}),
    query("protocol_version", INTEGER),
    query("engine_version"),
    query("fmt", {"type": "string", "enum": ["short", "keys", "vcs"]}),
]
PACKAGE_FIELDS = {
    key: STRING
    for key in (
        "type",
        "name",
        "title",
        "short_description",
        "long_description",
        "license",
        "media_license",
        "dev_state",
        "repo",
        "website",
        "issue_tracker",
        "forums",
        "video_url",
        "donate_url",
        "translation_url",
    )
}
PACKAGE_FIELDS["tags"] = {"type": "array", "items": STRING}
PACKAGE_FIELDS["content_warnings"] = {"type": "array", "items": STRING}


def op(
    summary: str,
    ok: Schema,
    *,
    parameters: list | None = None,
    security: list | None = None,
    body: Schema | None = None,
    status: str = "200",
) -> Schema:
    operation: Schema = {
        "tags": [TAG],
        "summary": summary,
        "parameters": parameters or [],
        "security": security or OPTIONAL_TOKEN,
        "responses": {status: json_body(ok), **errors(CONTENTDB_ERROR, *ERRORS)},
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


def package_op(summary: str, ok: Schema, extra: list | None = None, **kwargs) -> Schema:
    return op(summary, ok, parameters=[AUTHOR, NAME, *(extra or [])], **kwargs)


def json_request(schema: Schema) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def multipart(schema: Schema) -> Schema:
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def binary(description: str, content_type: str) -> Schema:
    return {
        "description": description,
        "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
    }


SUCCESS = ref("Success")
HYPERTEXT = obj(
    "head",
    "body",
    "links",
    "images",
    "image_tooltips",
    head=STRING,
    body=STRING,
    links=OBJECT,
    images=OBJECT,
    image_tooltips=OBJECT,
)
PACKAGE_WRITTEN = obj("success", "package", success=BOOLEAN, package=OBJECT)
RELEASE_ID = path_param("release_id", INTEGER)
SCREENSHOT_ID = path_param("screenshot_id", INTEGER)
ZIP_RELEASE = obj(
    "file",
    name=STRING,
    title=STRING,
    release_notes=STRING,
    commit=STRING,
    min_minetest_version=STRING,
    max_minetest_version=STRING,
    file={"type": "string", "format": "binary"},
)
GIT_RELEASE = obj(
    "method",
    "ref",
    method={"type": "string", "enum": ["git"]},
    ref=STRING,
    name=STRING,
    title=STRING,
)
NULLABLE_STRING: Schema = {"type": "string", "nullable": True}
UPDATE_SETTINGS = obj(
    "trigger",
    "action",
    trigger={"type": "string", "enum": ["tag", "commit"]},
    action={"type": "string", "enum": ["release", "notify"]},
    branch=STRING,
    tag_pattern=STRING,
    title_from={"type": "string", "enum": ["tag", "date_commit"]},
    poll=BOOLEAN,
    paused=BOOLEAN,
)
UPDATE_SETTINGS_ANSWER = obj(
    "success",
    "update_settings",
    "webhooks",
    "deliveries",
    success=BOOLEAN,
    update_settings={"type": "object", "nullable": True},
    webhooks=obj("github", "gitlab", "gitea", github=STRING, gitlab=STRING, gitea=STRING),
    deliveries={"type": "array", "items": OBJECT},
    webhook_secret=STRING,
)
WEBHOOK_ERRORS = (400, 403, 404, 405, 409, 413, 503)


def webhook_op(summary: str, extra: list) -> Schema:
    return {
        "tags": [TAG],
        "summary": summary,
        "description": "Authenticated by the package's webhook secret (docs/protocols/contentdb.md "
        "Webhooks): GitHub `X-Hub-Signature-256`, GitLab `X-Gitlab-Token`, Gitea/Forgejo "
        "`X-Gitea-Signature`/`X-Forgejo-Signature`; a delivery id seen before is 409.",
        "parameters": [path_param("forge"), *extra],
        "security": [{}],
        "requestBody": json_request(OBJECT),
        "responses": {
            "200": json_body(obj("success", "message", success=BOOLEAN, message=STRING)),
            **errors(CONTENTDB_ERROR, *WEBHOOK_ERRORS),
        },
    }


PATHS: dict[str, Schema] = {
    "/api/whoami/": {
        "get": op(
            "Who the token belongs to",
            obj(
                "is_authenticated", is_authenticated=BOOLEAN, username={**STRING, "nullable": True}
            ),
        )
    },
    "/api/delete-token/": {
        "delete": op("Delete the token used for this request", SUCCESS, security=TOKEN)
    },
    "/api/packages/": {
        "get": op("List approved packages", ARRAY, parameters=[*PACKAGE_QUERY, ACCEPT_LANGUAGE]),
        "post": op(
            "Create a package (token owner is the author)",
            PACKAGE_WRITTEN,
            security=TOKEN,
            body=json_request(
                obj(
                    "type",
                    "name",
                    "title",
                    "short_description",
                    "license",
                    "media_license",
                    **PACKAGE_FIELDS,
                )
            ),
            status="201",
        ),
    },
    PKG: {
        "get": package_op(
            "A package",
            OBJECT,
            [query("protocol_version", INTEGER), query("engine_version"), ACCEPT_LANGUAGE],
        ),
        "put": package_op(
            "Edit a package",
            obj(
                "success",
                "package",
                "was_modified",
                success=BOOLEAN,
                package=OBJECT,
                was_modified=BOOLEAN,
            ),
            security=TOKEN,
            body=json_request(obj(**PACKAGE_FIELDS)),
        ),
    },
    f"{PKG}for-client/": {
        "get": package_op(
            "A package as the Luanti client shows it",
            OBJECT,
            [
                query("protocol_version", INTEGER),
                query("engine_version"),
                query("formspec_version", INTEGER),
                query("include_images"),
                ACCEPT_LANGUAGE,
            ],
        )
    },
    f"{PKG}for-client/reviews/": {
        "get": package_op(
            "A package's reviews as the client shows them",
            OBJECT,
            [query("formspec_version", INTEGER)],
        )
    },
    f"{PKG}hypertext/": {
        "get": package_op(
            "The long description as Luanti hypertext",
            HYPERTEXT,
            [query("formspec_version", INTEGER), query("include_images")],
        )
    },
    "/api/hypertext/": {
        "post": op(
            "Convert Markdown or HTML to Luanti hypertext",
            HYPERTEXT,
            parameters=[query("formspec_version", INTEGER), query("include_images")],
            body={
                "required": True,
                "content": {"text/markdown": {"schema": STRING}, "text/html": {"schema": STRING}},
            },
        )
    },
    f"{PKG}dependencies/": {
        "get": package_op(
            "Dependencies of a package",
            OBJECT,
            [query("only_hard"), query("protocol_version", INTEGER), query("engine_version")],
        )
    },
    f"{PKG}stats/": {
        "get": package_op("Daily download stats", OBJECT, [query("start"), query("end")])
    },
    f"{PKG}releases/": {"get": package_op("Releases of a package", ARRAY)},
    f"{PKG}releases/new/": {
        "post": package_op(
            "Create a release from a zip (multipart) or a git ref (JSON)",
            obj("success", "task", "release", success=BOOLEAN, task=STRING, release=OBJECT),
            security=TOKEN,
            body={
                "required": True,
                "content": {
                    "multipart/form-data": {"schema": ZIP_RELEASE},
                    "application/json": {"schema": GIT_RELEASE},
                },
            },
        )
    },
    f"{PKG}releases/{{release_id}}/": {
        "get": package_op("A release", OBJECT, [RELEASE_ID]),
        "delete": package_op("Delete a release", SUCCESS, [RELEASE_ID], security=TOKEN),
    },
    f"{PKG}screenshots/": {"get": package_op("Screenshots of a package", ARRAY)},
    f"{PKG}screenshots/new/": {
        "post": package_op(
            "Upload a screenshot",
            obj("success", "screenshot", success=BOOLEAN, screenshot=OBJECT),
            security=TOKEN,
            body=multipart(
                obj(
                    "file",
                    title=STRING,
                    is_cover_image=STRING,
                    file={"type": "string", "format": "binary"},
                )
            ),
        )
    },
    f"{PKG}screenshots/order/": {
        "post": package_op(
            "Order screenshots",
            SUCCESS,
            security=TOKEN,
            body=json_request({"type": "array", "items": INTEGER}),
        )
    },
    f"{PKG}screenshots/cover-image/": {
        "post": package_op(
            "Choose the cover image",
            SUCCESS,
            security=TOKEN,
            body=json_request(obj("cover_image", cover_image=INTEGER)),
        )
    },
    f"{PKG}screenshots/{{screenshot_id}}/": {
        "get": package_op("A screenshot", OBJECT, [SCREENSHOT_ID]),
        "delete": package_op("Delete a screenshot", SUCCESS, [SCREENSHOT_ID], security=TOKEN),
    },
    f"{PKG}reviews/": {"get": package_op("Reviews of a package", ARRAY)},
    f"{PKG}update-settings/": {
        "get": package_op(
            "Update detection settings, webhook URLs and recent deliveries (our extension)",
            UPDATE_SETTINGS_ANSWER,
            security=TOKEN,
        ),
        "put": package_op(
            "Create or change the update detection settings",
            UPDATE_SETTINGS_ANSWER,
            security=TOKEN,
            body=json_request(UPDATE_SETTINGS),
        ),
        "delete": package_op("Turn update detection off", UPDATE_SETTINGS_ANSWER, security=TOKEN),
    },
    f"{PKG}update-settings/webhook-secret/": {
        "post": package_op(
            "A new webhook secret, shown in this answer only",
            UPDATE_SETTINGS_ANSWER,
            security=TOKEN,
        )
    },
    "/api/webhooks/{forge}/{author}/{name}/": {
        "post": webhook_op("A forge's webhook delivery for a Luanti package", [AUTHOR, NAME])
    },
    "/api/webhooks/{forge}/modules/{author}/{name}/": {
        "post": webhook_op("A forge's webhook delivery for a Lua module", [AUTHOR, NAME])
    },
    "/api/dependencies/": {
        "get": op("Dependencies of many packages", ref("Page"), parameters=[*PACKAGE_QUERY, *PAGE])
    },
    "/api/updates/": {"get": op("Latest release id per package", OBJECT, parameters=PACKAGE_QUERY)},
    "/api/scores/": {"get": op("Package scores", ARRAY, parameters=PACKAGE_QUERY)},
    "/api/package_stats/": {
        "get": op("Site-wide download stats", OBJECT, parameters=[query("start"), query("end")])
    },
    "/api/releases/": {
        "get": op("Latest releases", ARRAY, parameters=[query("author"), query("maintainer")])
    },
    "/api/reviews/": {
        "get": op(
            "Reviews",
            ref("Page"),
            parameters=[
                query("for_user"),
                query("author"),
                query("rating", INTEGER),
                query("is_positive"),
                query("q"),
                *PAGE,
            ],
        )
    },
    "/api/threads/{thread_id}/": {
        "get": op(
            "A thread with its replies (our extension): public threads to anyone, private ones "
            "to a token whose account may see them",
            OBJECT,
            parameters=[path_param("thread_id", INTEGER)],
            security=OPTIONAL_TOKEN,
        )
    },
    "/api/users/{username}/": {"get": op("A user", OBJECT, parameters=[path_param("username")])},
    "/api/users/{username}/stats/": {
        "get": op("A user's stats", OBJECT, parameters=[path_param("username")])
    },
    "/api/collections/": {
        "get": op("Collections", ARRAY, parameters=[query("author"), query("package")])
    },
    "/api/collections/{username}/{name}/": {
        "get": op("A collection", OBJECT, parameters=[path_param("username"), path_param("name")])
    },
    "/api/tags/": {"get": op("Tags", ARRAY)},
    "/api/content_warnings/": {"get": op("Content warnings", ARRAY)},
    "/api/licenses/": {"get": op("Licenses", ARRAY)},
    "/api/minetest_versions/": {
        "get": op(
            "Luanti versions (the one version named by protocol/engine when given)",
            {"oneOf": [ARRAY, OBJECT]},
            parameters=[query("protocol_version", INTEGER), query("engine_version")],
        )
    },
    "/api/languages/": {"get": op("Languages", ARRAY)},
    "/api/homepage/": {"get": op("Homepage sections", OBJECT)},
    "/api/cdb_schema/": {"get": op("JSON schema of .cdb.json", OBJECT)},
}
