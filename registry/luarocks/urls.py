"""LuaRocks face: the path-key upload API, manifests and rock/rockspec files."""

urlpatterns: list = []
