"""Rockspecs for tests and a way to publish them through the real upload services."""

from django.test import TestCase

from registry.luarocks.lua import lua_string
from releases.uploads import upload_rock, upload_rockspec


def rockspec(
    name: str,
    version: str,
    *,
    lua: str | None = None,
    summary: str = "A test rock",
    source_url: str = "https://example.org/x.tar.gz",
) -> bytes:
    dependencies = f'dependencies = {{ "{lua}" }}\n' if lua else ""
    return (
        f'package = "{name}"\n'
        f'version = "{version}"\n'
        f'source = {{ url = "{source_url}" }}\n'
        f"description = {{ summary = {lua_string(summary)}, license = 'MIT' }}\n"
        f"{dependencies}"
        f'build = {{ type = "builtin", modules = {{ ["{name.lower()}"] = "src/{name.lower()}.lua" }} }}\n'
    ).encode()


def publish(user, name: str, version: str, *, rocks: tuple[str, ...] = (), **kwargs):
    """Upload a rockspec (and rocks for the given arches) and run the commit hooks, as a request
    would: manifests are invalidated exactly as in production."""
    content = rockspec(name, version, **kwargs)
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = upload_rockspec(
            by=user, filename=f"{name.lower()}-{version}.rockspec", content=content
        )
    for arch in rocks:
        with TestCase.captureOnCommitCallbacks(execute=True):
            upload_rock(
                by=user,
                release=result.release,
                filename=f"{name.lower()}-{version}.{arch}.rock",
                content=f"rock {name} {version} {arch}".encode(),
            )
    return result
