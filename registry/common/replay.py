"""Replay of cached anonymous answers in front of Django, for the hottest reads.

Through Django's full stack even a view that returns 20 constant bytes reaches only about half the
requests/s of a static file on the same server (bench/results/latest.md, the floor row). The hot
reads (package list, detail, updates, manifests) are already built bytes in a cache, so the cost
left is the stack itself. A view marks a 200 answer as replayable with `mark_replayable`, naming the
cache entries whose values prove it current (a scope's generation and the body's pointer). This
WSGI wrapper keeps each such answer - status, every header Django set, body - per process, and
serves the next identical request (same method family, host, path, query string, gzip choice and
Accept-Language, no credentials or cookies, no conditional headers) after one `get_many` shows the proof still holds.
Any write bumps a generation, the proof fails, and the request goes to Django as usual. On Redis the
proof is checked against this process's view (media_tools/shared_view.py: bumps arrive by pub/sub,
nothing older than CACHE_FRESHNESS_MS is trusted), so a replayed answer costs no round trip.
"""

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from django.http import HttpResponse

from media_tools.lru import BoundedLRU
from media_tools.shared_view import shared_get_many

MAX_ENTRIES = 256
MAX_BYTES = 64 * 1024 * 1024
# requests that may depend on who asks, or that want a different answer (304), go to Django
PERSONAL_HEADERS = (
    "HTTP_AUTHORIZATION",
    "HTTP_COOKIE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
)


@dataclass(frozen=True)
class Answer:
    proof: dict  # cache key -> the value it must still hold
    status: str
    headers: list[tuple[str, str]]
    body: bytes


# the proof of each marked answer, until the middleware records it (or the answer is dropped)
_proofs: WeakKeyDictionary[HttpResponse, dict[str, Any]] = WeakKeyDictionary()


def mark_replayable(response: HttpResponse, proof: dict[str, Any]) -> HttpResponse:
    """Let the replay layer serve this answer again while every `proof` key holds its value."""
    _proofs[response] = proof
    return response


def _key(environ) -> tuple | None:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if any(environ.get(header) for header in PERSONAL_HEADERS):
        return None
    return (
        environ.get("HTTP_HOST", ""),
        environ.get("wsgi.url_scheme", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""),
        environ.get("HTTP_ACCEPT_LANGUAGE", ""),  # ContentDB answers are translated by it
    )


class ReplayMiddleware:
    """Django middleware half: records marked 200 answers for the WSGI half."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        proof = _proofs.pop(response, None)
        key = _key(request.META)
        if (
            proof
            and key is not None
            and request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            body = response.content
            headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
            _answers.put(key, Answer(proof, "200 OK", headers, body))
        return response


_answers: BoundedLRU[tuple, Answer] = BoundedLRU(
    max_bytes=MAX_BYTES, max_entries=MAX_ENTRIES, size_of=lambda answer: len(answer.body)
)


def replaying(application):
    """Wrap the site's WSGI application with the replay of current recorded answers."""

    def replay(environ, start_response):
        key = _key(environ)
        answer = _answers.get(key) if key is not None else None
        if answer is not None and shared_get_many(list(answer.proof)) == answer.proof:
            start_response(answer.status, list(answer.headers))
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [answer.body]
        return application(environ, start_response)

    return replay
