"""ContentDB face: the Bearer-token REST API under /api/ and the package download routes."""

urlpatterns: list = []
