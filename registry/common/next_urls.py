"""The `next` parameter of the login steps, which the web face and the admin share."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` URL of the request when it stays on this site, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if allowed else default


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"
