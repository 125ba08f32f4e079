"""The path-key upload API: /api/tool_version and /api/1/<key>/...

No trailing slashes, as luarocks.org: the client builds these URLs by concatenation and LuaSocket
does not follow a redirect for POST (docs/protocols/luarocks.md 1.3, trap 3).
"""

from django.urls import path

from registry.luarocks import api

urlpatterns = [
    path("api/tool_version", api.tool_version, name="luarocks-tool-version"),
    path("api/1/<str:key>/status", api.key_status, name="luarocks-key-status"),
    path("api/1/<str:key>/check_rockspec", api.check_rockspec, name="luarocks-check-rockspec"),
    path("api/1/<str:key>/upload", api.upload, name="luarocks-upload"),
    path(
        "api/1/<str:key>/upload_rock/<str:version_id>",
        api.rock_upload,
        name="luarocks-upload-rock",
    ),
]
