"""POST /api/hypertext/ may cost seconds of CPU per conversion: conversions are limited per client
address (429 with Retry-After), and answers are cached by the body's hash and the options, so a
repeated body is answered without converting (and without counting)."""

import pytest
from django.test import override_settings

from registry.common.ratelimit import TOO_MANY_CONVERSIONS

pytestmark = pytest.mark.django_db

LIMIT = override_settings(RATELIMIT_HYPERTEXT=(2, 60))
OTHER_ADDRESS = {"REMOTE_ADDR": "192.0.2.7"}


def convert(client, body: str, *, content_type="text/markdown", formspec_version=6, **extra):
    return client.generic(
        "POST",
        f"/api/hypertext/?formspec_version={formspec_version}",
        data=body.encode(),
        content_type=content_type,
        **extra,
    )


@LIMIT
def test_conversions_are_limited_per_address_and_repeats_are_served_from_the_cache(client):
    first = convert(client, "# One")
    assert first.status_code == 200
    assert "One" in first.json()["body"]
    assert convert(client, "# One").json() == first.json()  # cached: not counted
    assert convert(client, "<b>Two</b>", content_type="text/html").status_code == 200

    refused = convert(client, "# Three")
    assert refused.status_code == 429
    assert refused.json() == {"success": False, "error": TOO_MANY_CONVERSIONS}
    assert 1 <= int(refused["Retry-After"]) <= 60
    # a different option is a different conversion
    assert convert(client, "# One", formspec_version=1).status_code == 429

    # what was converted before is still answered, from the cache
    assert convert(client, "# One").json() == first.json()
    assert convert(client, "<b>Two</b>", content_type="text/html").status_code == 200
    # another address has its own count
    assert convert(client, "# Three", **OTHER_ADDRESS).status_code == 200


def test_the_default_limit(settings):
    assert settings.RATELIMIT_HYPERTEXT == (10, 60)
