"""/api/schema/ (the OpenAPI document), with Swagger UI and Redoc served from
drf-spectacular-sidecar's static files (no CDN); Swagger UI's start-up script is a separate
request (the split view) so the page needs no inline script. A browser opening /api/schema/
gets a page linking them (registry/schema/views.py). Included before the ContentDB face's catch-all."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from registry.schema.views import SchemaView

urlpatterns = [
    path("api/schema/", SchemaView.as_view(), name="openapi-schema"),
    path(
        "api/schema/swagger-ui/",
        SpectacularSwaggerSplitView.as_view(url_name="openapi-schema"),
        name="swagger-ui",
    ),
    path(
        "api/schema/redoc/", SpectacularRedocView.as_view(url_name="openapi-schema"), name="redoc"
    ),
]
