"""/api/schema/ for people and for tools: a browser (which asks for text/html) gets a page linking
Swagger UI, Redoc and the document itself; tools get the OpenAPI document as before (YAML, or JSON
with `?format=json` or `Accept: application/json`). `?format=yaml` gives the document to a browser."""

from django.shortcuts import render
from drf_spectacular.views import SpectacularAPIView


def wants_page(request) -> bool:
    return "format" not in request.GET and "text/html" in request.headers.get("Accept", "")


class SchemaView(SpectacularAPIView):
    def get(self, request, *args, **kwargs):
        if wants_page(request):
            response = render(request, "drf_spectacular/docs.html", {})
            response["Vary"] = "Accept"
            return response
        response = super().get(request, *args, **kwargs)
        response["Vary"] = "Accept"
        return response
