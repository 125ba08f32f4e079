"""Root URL map: the API faces first (their own error formats), then the moderators' admin and the
web face.

- registry/luarocks/urls.py: the LuaRocks face (upload API, manifests, rock and rockspec files);
- registry/contentdb/urls.py: the ContentDB face (/api/..., downloads, thumbnails);
- admin/: the moderators' face (registry/admin/), whose site (registry/admin/site.py) adds the
  moderation queue, admin/packages/package/moderation-queue/ (registry/admin/queue.py);
- registry/web/urls.py: the web face (account, package, release, module and browsing pages).
"""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("registry.schema.urls")),  # before the faces: /api/schema/ is neither's
    path("", include("registry.luarocks.urls")),
    path("", include("registry.contentdb.urls")),
    path("admin/", admin.site.urls),
    path("", include("registry.web.urls")),
]

handler400 = "registry.errors.bad_request"
handler403 = "registry.errors.permission_denied"
handler404 = "registry.errors.page_not_found"
handler500 = "registry.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += [*static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)]
