"""The feed of new releases of listed packages (`/api/releases/`)."""

from rest_framework.response import Response

from registry.contentdb.base import ContentDBView
from registry.contentdb.serializers import release_dict
from registry.contentdb.views.common import user_or_404
from releases.selectors import recent_releases, zip_size


class ReleaseListView(ContentDBView):
    def get(self, request):
        author = request.query_params.get("author")
        maintainer = request.query_params.get("maintainer")
        author_id = user_or_404(author, "Author not found").pk if author else None
        maintainer_id = user_or_404(maintainer, "Maintainer not found").pk if maintainer else None
        releases = recent_releases(author_id=author_id, maintainer_id=maintainer_id)
        return Response([release_dict(r, size=zip_size(r), package=r.package) for r in releases])
