"""Built response bodies served from cache, with ETag, 304s and a gzip copy made once.

A face names a body by a key that already holds the cache generation (`media_tools.generations`) and
whatever else selects it (the validated, normalised parameters, the package). Layout:
- shared cache (Redis with several servers, else the store on disk every process of the machine
  shares): `body-ptr:<key>` -> (generation, etag), and
  `body:<key>:<etag>` ->
  the Body (plain bytes and, when worth it, their gzip, compressed once at build time);
- per process: the Body by `<key>:<etag>`, used only when the shared pointer names that etag, so a
  request costs two small cache reads and no transfer or unpickling of a large body, and no process
  serves a copy that a write (a bumped generation) or a flushed cache has superseded.
Clients that send `Accept-Encoding: gzip` get the gzip copy (the Luanti 5.6 client sends none and
gets plain bytes); If-None-Match with the ETag gets a 304.
"""

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers

from media_tools.generations import generation, generation_key
from media_tools.lru import BoundedLRU
from media_tools.shared_view import remember, shared_get_many
from registry.common.replay import mark_replayable

GZIP_MIN_SIZE = 1024
LOCAL_MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Body:
    plain: bytes
    etag: str
    gzipped: bytes | None


def build_body(plain: bytes) -> Body:
    gzipped = None
    if len(plain) >= GZIP_MIN_SIZE:
        gzipped = gzip.compress(plain, compresslevel=6, mtime=0)
    return Body(
        plain=plain, etag='"' + hashlib.sha256(plain).hexdigest()[:32] + '"', gzipped=gzipped
    )


def cached_body(*, scope: str, key: str, build: Callable[[], bytes], timeout: int) -> Body:
    """The Body cached under `key` for the current generation of `scope` (media_tools.generations), or
    built now by `build()` and cached for `timeout` seconds."""
    return _cached(scope=scope, key=key, build=build, timeout=timeout)[0]


def cached_body_response(
    request: HttpRequest,
    *,
    scope: str,
    key: str,
    build: Callable[[], bytes],
    timeout: int,
    content_type: str,
    replayable: bool = True,
) -> HttpResponse:
    """`body_response` of `cached_body`, marked for the replay layer (registry/common/replay.py) with
    the two cache values that prove it current, unless `replayable` is false."""
    body, proof = _cached(scope=scope, key=key, build=build, timeout=timeout)
    response = body_response(request, body, content_type=content_type)
    return mark_replayable(response, proof) if replayable else response


def _cached(*, scope: str, key: str, build: Callable[[], bytes], timeout: int):
    # The generation and the pointer are read in one round trip (get_many), or none at all on Redis
    # while this process's view of them is fresh (media_tools/shared_view.py).
    pointer_key = f"body-ptr:{key}"
    found = shared_get_many([generation_key(scope), pointer_key])
    current = found.get(generation_key(scope))
    if current is None:
        current = generation(scope)
    proof = {generation_key(scope): current, pointer_key: None}
    pointer = found.get(pointer_key)
    if pointer is not None and pointer[0] == current:
        local_key = f"{key}:{pointer[1]}"
        body = _local.get(local_key)
        if body is None:
            body = cache.get(f"body:{local_key}")
            if body is not None:
                _local.put(local_key, body)
        if body is not None:
            proof[pointer_key] = pointer
            return body, proof
    body = build_body(build())
    cache.set(f"body:{key}:{body.etag}", body, timeout)
    cache.set(pointer_key, (current, body.etag), timeout)
    remember(pointer_key, (current, body.etag))
    _local.put(f"{key}:{body.etag}", body)
    proof[pointer_key] = (current, body.etag)
    return body, proof


def body_response(request: HttpRequest, body: Body, *, content_type: str) -> HttpResponse:
    """200 with the plain or gzip bytes, or 304 when the client already holds them."""
    use_gzip = body.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    etag = body.etag[:-1] + '-gz"' if use_gzip else body.etag
    response = HttpResponse(body.gzipped if use_gzip else body.plain, content_type=content_type)
    response["ETag"] = etag
    if body.gzipped is not None:
        patch_vary_headers(response, ["Accept-Encoding"])
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    return get_conditional_response(request, etag=etag, response=response) or response


def _body_size(body: Body) -> int:
    return len(body.plain) + len(body.gzipped or b"")


_local: BoundedLRU[str, Body] = BoundedLRU(max_bytes=LOCAL_MAX_BYTES, size_of=_body_size)
