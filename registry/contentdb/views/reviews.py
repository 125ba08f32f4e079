"""Approved reviews of listed packages across the site (`/api/reviews/`)."""

from rest_framework.response import Response

from packages.models import Review
from packages.selectors import luanti_packages
from registry.contentdb.base import ContentDBView
from registry.contentdb.inputs import is_yes
from registry.contentdb.pagination import paginate
from registry.contentdb.serializers import review_dict
from registry.contentdb.views.common import int_param


class ReviewListView(ContentDBView):
    """Approved reviews of listed packages, newest first, paginated (n at most 200)."""

    def get(self, request):
        params = request.query_params
        reviews = Review.objects.filter(
            approved=True, package__in=luanti_packages().values("pk")
        ).select_related("author", "package__author", "thread")
        if params.get("for_user"):
            reviews = reviews.filter(package__author__username__iexact=params["for_user"])
        if params.get("author"):
            reviews = reviews.filter(author__username__iexact=params["author"])
        rating = int_param(request, "rating")
        if rating is not None:
            reviews = reviews.filter(rating=rating)
        if params.get("is_positive"):
            positive = is_yes(params["is_positive"])
            reviews = reviews.filter(rating__gt=3) if positive else reviews.filter(rating__lte=3)
        if params.get("q"):
            reviews = reviews.filter(title__icontains=params["q"][:100])
        return Response(
            paginate(
                request,
                reviews.order_by("-created_at", "-id"),
                serialize=lambda page: [review_dict(r, with_package=True) for r in page],
                default_per_page=100,
                max_per_page=200,
            )
        )
