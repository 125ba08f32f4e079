"""Manifests and rock/rockspec files that luarocks install/search/download read."""

urlpatterns: list = []
