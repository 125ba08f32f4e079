"""Built manifests: rendered once per (scope, generation, Lua version, format), then served from cache.

A write that changes a manifest bumps its generation in `media_tools.generations` when it commits, so the next
request misses the cache and rebuilds. Each cached entry carries its own ETag and Last-Modified.
Last-Modified only ever moves forward for a URL (at least one second per rebuild): the client
revalidates with HEAD and compares that header as a string (docs/protocols/luarocks.md 4.5), so two builds
within one second must not share it; and every process serves the same one for a generation.

Layout in the shared cache (Redis, or the store on disk every process shares), per URL variant:
- a small pointer `lr-manifest-ptr:<scope>:<lua>:<fmt>` -> (generation, etag, last_modified);
- the built entry under `lr-manifest:<scope>:<lua>:<fmt>:<etag>:<last_modified>`.
Each process also keeps recently served entries by that same key, so a request costs two small
cache reads (generation, pointer) and no transfer of a multi-megabyte body. A local entry is used
only when the shared pointer names it for the current generation, so no process can serve a
manifest that a write (or a flushed cache) has superseded.
"""

import gzip
import hashlib
import io
import json
import time
import zipfile
from dataclasses import dataclass

from django.core.cache import cache

from media_tools.generations import generation, generation_key
from media_tools.lru import BoundedLRU
from media_tools.shared_view import remember, shared_get_many
from registry.luarocks.lua import lua_manifest
from releases.manifests import ManifestScope, Repository, manifest_repository

FORMATS = ("lua", "zip", "json")
CONTENT_TYPES = {
    "lua": "text/x-lua; charset=utf-8",
    "json": "application/json",
    "zip": "application/zip",
}
CACHE_TIMEOUT = 24 * 3600  # a generation bump makes entries unreachable long before this
LOCAL_MAX_BYTES = 64 * 1024 * 1024  # per process: all root variants of a 50,000-version registry


@dataclass(frozen=True)
class BuiltManifest:
    body: bytes
    content_type: str
    etag: str
    last_modified: int  # unix seconds
    content_encoding: str | None = None  # "gzip" for the variant of clients that ask (not luarocks)


def manifest_basename(lua_version: str | None) -> str:
    return f"manifest-{lua_version}" if lua_version else "manifest"


def get_manifest(
    *, scope: ManifestScope, lua_version: str | None, fmt: str, gzipped: bool = False
) -> BuiltManifest:
    """The built manifest for a URL, from the cache or built now (and cached).

    `gzipped` asks for the gzip-encoded variant of the Lua or JSON form, made from the plain one
    on first request; it shares the plain variant's Last-Modified.
    """
    return manifest_and_proof(scope=scope, lua_version=lua_version, fmt=fmt, gzipped=gzipped)[0]


def manifest_and_proof(
    *, scope: ManifestScope, lua_version: str | None, fmt: str, gzipped: bool = False
) -> tuple[BuiltManifest, dict]:
    """`get_manifest`, and the shared cache values that prove this build current: the scope's
    generation and the variant's pointer (what registry/common/replay.py checks before replaying)."""
    gen = generation(scope.generation_scope)
    if gzipped and fmt != "zip":
        fmt = f"{fmt}.gz"
    built = _get(scope, gen, lua_version, fmt)
    proof = {
        generation_key(scope.generation_scope): gen,
        f"lr-manifest-ptr:{_variant(scope, lua_version, fmt)}": (
            gen,
            built.etag,
            built.last_modified,
        ),
    }
    return built, proof


def _variant(scope: ManifestScope, lua_version: str | None, fmt: str) -> str:
    return f"{scope.key}:{lua_version or 'all'}:{fmt}"


def _get(scope: ManifestScope, gen: int, lua_version: str | None, fmt: str) -> BuiltManifest:
    variant = _variant(scope, lua_version, fmt)
    pointer = shared_get_many([f"lr-manifest-ptr:{variant}"]).get(f"lr-manifest-ptr:{variant}")
    if pointer is not None and pointer[0] == gen:
        key = f"lr-manifest:{variant}:{pointer[1]}:{pointer[2]}"
        built = _local.get(key)
        if built is None:
            built = cache.get(key)
            if built is not None:
                _local.put(key, built)
        if built is not None:
            return built
    built = _build(scope, gen, lua_version, fmt, variant=variant)
    key = f"lr-manifest:{variant}:{built.etag}:{built.last_modified}"
    cache.set(key, built, CACHE_TIMEOUT)
    cache.set(f"lr-manifest-ptr:{variant}", (gen, built.etag, built.last_modified), CACHE_TIMEOUT)
    remember(f"lr-manifest-ptr:{variant}", (gen, built.etag, built.last_modified))
    _local.put(key, built)
    return built


def _build(
    scope: ManifestScope, gen: int, lua_version: str | None, fmt: str, *, variant: str
) -> BuiltManifest:
    if fmt.endswith(".gz"):
        return _gzipped(_get(scope, gen, lua_version, fmt[: -len(".gz")]))
    if fmt == "zip":  # the zip wraps the Lua text: reuse it rather than query again
        body = zip_manifest(_get(scope, gen, lua_version, "lua").body, lua_version)
    else:
        repository = manifest_repository(scope=scope, lua_version=lua_version)
        body = render_manifest(repository, lua_version=lua_version, fmt=fmt)
    return BuiltManifest(
        body=body,
        content_type=CONTENT_TYPES[fmt],
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        last_modified=_last_modified(variant, gen),
    )


# per process: built manifests by key, used only while the shared pointer names them
_local: BoundedLRU[str, BuiltManifest] = BoundedLRU(
    max_bytes=LOCAL_MAX_BYTES, size_of=lambda built: len(built.body)
)


def render_manifest(repository: Repository, *, lua_version: str | None, fmt: str) -> bytes:
    if fmt == "json":
        # same three keys as the Lua form; an empty table is {} (docs/protocols/luarocks.md 3.2)
        data = {
            "repository": {
                name: {
                    version: [{"arch": a} for a in arches] for version, arches in versions.items()
                }
                for name, versions in repository.items()
            },
            "commands": {},
            "modules": {},
        }
        return json.dumps(data, separators=(",", ":")).encode("ascii")
    text = lua_manifest(repository).encode("ascii")
    return text if fmt == "lua" else zip_manifest(text, lua_version)


def zip_manifest(text: bytes, lua_version: str | None) -> bytes:
    # The client unzips and then reads the file named like the URL minus `.zip`.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        info = zipfile.ZipInfo(manifest_basename(lua_version), time.gmtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        zf.writestr(info, text)
    return buffer.getvalue()


def _gzipped(plain: BuiltManifest) -> BuiltManifest:
    return BuiltManifest(
        body=gzip.compress(plain.body, compresslevel=6, mtime=0),
        content_type=plain.content_type,
        etag=plain.etag[:-1] + '-gz"',
        last_modified=plain.last_modified,
        content_encoding="gzip",
    )


def _last_modified(variant: str, gen: int) -> int:
    """The Last-Modified of a variant's build for generation `gen`: the same in every process
    that builds it (the first to finish decides), and later than that of any earlier build.

    Each build draws a distinct number from one counter per variant with atomic `incr` (moved up
    to the clock when it lags), so two generations built at once by two processes never share it.
    """
    agreed_key = f"lr-manifest-lm:{variant}:{gen}"
    agreed = cache.get(agreed_key)
    if agreed is not None:
        return agreed
    counter = f"lr-manifest-lm:{variant}"
    now = int(time.time())
    cache.add(counter, now - 1, None)
    try:
        value = cache.incr(counter)
        if value < now:
            value = cache.incr(counter, now - value)
    except ValueError:  # evicted between add and incr: start again from the clock
        value = now
        cache.set(counter, value, None)
    cache.add(agreed_key, value, CACHE_TIMEOUT)
    return cache.get(agreed_key) or value
