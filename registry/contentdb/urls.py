"""ContentDB face: the Bearer-token REST API under /api/ and the package download routes.

Grouped by resource; each group keeps ContentDB's paths (with their trailing slashes).
"""

from django.urls import path

from registry.contentdb.views import tokens

urlpatterns = [
    # auth
    path("api/whoami/", tokens.WhoAmIView.as_view()),
    path("api/delete-token/", tokens.DeleteTokenView.as_view()),
]
