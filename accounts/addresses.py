"""The client address that login throttling, the API faces' rate limits and download counting
count by: REMOTE_ADDR, or behind a trusted front proxy the header it sets
(settings.CLIENT_ADDRESS_HEADER), so everybody behind one proxy does not share the proxy's address.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """The request's client address, cut to 64 characters ("" without a request)."""
    if request is None:
        return ""
    header = settings.CLIENT_ADDRESS_HEADER
    if header:
        forwarded = request.META.get(header, "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]
