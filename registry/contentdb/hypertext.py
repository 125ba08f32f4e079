"""Hypertext endpoints: `POST /api/hypertext/` and `GET /api/packages/<author>/<name>/hypertext/`.

Both answer ContentDB's hypertext object `{head, body, links, images, image_tooltips}`
(docs/protocols/contentdb.md "/hypertext/"). `formspec_version` is required; `include_images` defaults to true.
The converter is `media_tools.hypertext`; this module only reads the request and answers.
"""

from urllib.parse import quote

from django.conf import settings
from rest_framework.response import Response

from media_tools.hypertext import markdown_to_hypertext, posted_hypertext
from media_tools.markdown import MAX_SOURCE_LENGTH, ensure_renderable
from registry.common import ratelimit
from registry.contentdb.base import ContentDBError, ContentDBView
from registry.contentdb.inputs import is_yes
from registry.contentdb.views.common import PackageView, required_int_param

MARKDOWN_TYPES = frozenset({"text/markdown", "text/x-markdown"})
HTML_TYPES = frozenset({"text/html"})
UNSUPPORTED_TYPE = "Unsupported content type: send text/markdown or text/html"
BODY_TOO_LARGE = f"Body too large: at most {MAX_SOURCE_LENGTH} bytes"
NOT_TEXT = "Body must be text in the charset of its Content-Type (UTF-8 by default)"


def hypertext_options(request) -> tuple[int, bool]:
    """`formspec_version` (required, an integer) and `include_images` (ContentDB's is_yes)."""
    formspec_version = required_int_param(request, "formspec_version")
    include_images = is_yes(request.query_params.get("include_images"), default=True)
    return formspec_version, include_images


def package_page_url(package) -> str:
    """The package's web page: relative links in its description resolve against it, and the
    client opens links to other packages' pages inside its own package dialog."""
    return f"{settings.SITE_URL}/packages/{quote(package.author.username)}/{quote(package.name)}/"


class HypertextConvertView(ContentDBView):
    """POST /api/hypertext/: the body is the text; its Content-Type says Markdown or HTML.

    A conversion may cost seconds of CPU (media_tools.bounded), so conversions are limited per
    client address (settings.RATELIMIT_HYPERTEXT); answers are cached by the text's hash and the
    options, and a cached answer counts nothing.
    """

    def post(self, request) -> Response:
        formspec_version, include_images = hypertext_options(request)
        django_request = request._request  # Django's parsed content type and its parameters
        content_type = django_request.content_type.lower()
        if content_type not in MARKDOWN_TYPES | HTML_TYPES:
            raise ContentDBError(UNSUPPORTED_TYPE, 400)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        # Checked before the body is read, and again after (a chunked body declares no length).
        if declared > MAX_SOURCE_LENGTH or len(raw := django_request.body) > MAX_SOURCE_LENGTH:
            raise ContentDBError(BODY_TOO_LARGE, 400)
        try:
            text = raw.decode(django_request.content_params.get("charset") or "utf-8")
        except (LookupError, UnicodeDecodeError):
            raise ContentDBError(NOT_TEXT, 400) from None
        ensure_renderable(text)

        def count_conversion() -> None:
            wait = ratelimit.hypertext_block(request)
            if wait:
                raise ratelimit.TooManyRequests(ratelimit.TOO_MANY_CONVERSIONS, wait)

        # posted HTML is not cleaned first: the converter writes only tags it generates
        answer = posted_hypertext(
            text,
            is_markdown=content_type in MARKDOWN_TYPES,
            formspec_version=formspec_version,
            include_images=include_images,
            before_converting=count_conversion,
        )
        return Response(answer)


class PackageHypertextView(PackageView):
    """GET /api/packages/<author>/<name>/hypertext/: the long description as hypertext."""

    def get(self, request, author: str, name: str) -> Response:
        formspec_version, include_images = hypertext_options(request)
        package = self.package(author, name)
        return Response(
            markdown_to_hypertext(
                package.long_description,
                formspec_version=formspec_version,
                include_images=include_images,
                base_url=package_page_url(package),
            )
        )
