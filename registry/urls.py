"""Root URLconf: the two API faces first (their own error formats), then the web pages and admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("registry.schema.urls")),  # before the faces: /api/schema/ is neither's
    path("", include("registry.luarocks.urls")),
    path("", include("registry.contentdb.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("packages.urls")),
    path("", include("registry.web.urls")),
]

handler400 = "registry.errors.bad_request"
handler403 = "registry.errors.permission_denied"
handler404 = "registry.errors.page_not_found"
handler500 = "registry.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
