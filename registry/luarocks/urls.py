"""LuaRocks face: the path-key upload API (api_urls), manifests and rock/rockspec files (file_urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("registry.luarocks.api_urls")),
    path("", include("registry.luarocks.file_urls")),
]
