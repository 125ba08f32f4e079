"""The language of a web page: from the language cookie that the footer's switcher sets
(Django's set_language view), else the browser's Accept-Language, else English. The API faces,
the manifests and the files answer as before, in English and without `Vary: Accept-Language`, since
their clients parse them (ContentDB's and LuaRocks' messages are part of their protocols)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from registry.errors import Face, face_for_path


class WebLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # the API documentation's own page (registry/schema/views.py) is a page too
        is_page = face_for_path(request.path) == Face.WEB or request.path == "/api/schema/"
        language = (
            translation.get_language_from_request(request) if is_page else settings.LANGUAGE_CODE
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if is_page and response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
