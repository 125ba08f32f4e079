"""Users: a profile (`/api/users/<name>/`) and the download stats of their packages."""

from django.http import JsonResponse
from rest_framework.response import Response

from packages.stats import user_stats
from registry.contentdb.base import ContentDBView
from registry.contentdb.serializers import user_dict
from registry.contentdb.views.common import user_or_404
from registry.contentdb.views.package_parts import date_param


class UserView(ContentDBView):
    def get(self, request, username: str):
        return Response(user_dict(user_or_404(username)))


class UserStatsView(ContentDBView):
    cache_max_age = 300

    def get(self, request, username: str):
        user = user_or_404(username)
        start, end = date_param(request, "start"), date_param(request, "end")
        # JsonResponse: DRF renders None as an empty body, ContentDB answers `null`
        return JsonResponse(user_stats(user=user, start=start, end=end), safe=False)
