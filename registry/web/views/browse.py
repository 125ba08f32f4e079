"""Public pages that browse the registry: home, the package list and search, user pages, tags,
licenses, robots.txt and the sitemap. Thin: each asks a selector and renders a template."""

from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from accounts.selectors import user_by_username
from packages.games import game_by_key, games_with_counts
from packages.models import License, Package, PackageType, Tag
from packages.search import SEARCH_ORDERS, TYPE_NAMES, browse_packages, package_type
from packages.selectors import (
    licenses_with_counts,
    newest_packages,
    packages_of_user,
    popular_packages,
    public_packages,
    recently_updated_packages,
    site_counts,
    tags_with_counts,
)
from registry.web.templatetags.package_links import package_path


class HomeView(TemplateView):
    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = site_counts()
        context["games"] = games_with_counts(limit=8)
        context["newest"] = newest_packages()
        context["updated"] = recently_updated_packages()
        context["popular"] = [
            (label, popular_packages(type=value))
            for value, label in [
                (PackageType.MOD, _("Popular mods")),
                (PackageType.GAME, _("Popular games")),
                (PackageType.TXP, _("Popular texture packs")),
                (PackageType.ROCK, _("Popular rocks")),
            ]
        ]
        return context


class PackageListView(ListView):
    """One search over rocks and Luanti content, with filters that combine."""

    template_name = "registry/package_list.html"
    context_object_name = "packages"
    paginate_by = 24

    def filters(self) -> dict[str, str]:
        get = self.request.GET
        return {
            "query": get.get("q", "").strip()[:200],
            "type": get.get("type", "").strip()[:20],
            "tag": get.get("tag", "").strip()[:100],
            "license": get.get("license", "").strip()[:50],
            "author": get.get("author", "").strip()[:150],
            "game": get.get("game", "").strip()[:300],
            "order": get.get("order", "").strip()[:20],
        }

    def checked_filters(self) -> tuple[dict[str, Any], list[str]]:
        """The filters as browse_packages takes them, and a message per value that names nothing
        (such a list is empty, with the message shown, rather than silently unfiltered)."""
        checked: tuple[dict[str, Any], list[str]] | None = getattr(self, "_checked", None)
        if checked is not None:
            return checked
        filters: dict[str, Any] = self.filters()
        problems = []
        if filters["type"]:
            value = package_type(filters["type"])
            if value is None:
                names = ", ".join(name.lower() for name in TYPE_NAMES)
                problems.append(
                    _("Unknown type “{type}”: choose one of {names}.").format(
                        type=filters["type"], names=names
                    )
                )
            filters["type"] = value or ""
        if filters["game"]:
            game = game_by_key(filters["game"])
            if game is None:
                problems.append(
                    _(
                        "No game “{game}”: give a game as author/name, e.g. sofia/voxel_valley."
                    ).format(game=filters["game"])
                )
            filters["game"] = game
        else:
            filters["game"] = None
        filters["blocked"] = bool(problems)
        if filters["order"] and filters["order"] not in SEARCH_ORDERS:
            # an order that names nothing only loses its effect: the list stays useful
            problems.append(
                _("Unknown order “{order}”: the list has its usual order.").format(
                    order=filters["order"]
                )
            )
            filters["order"] = ""
        self._checked = (filters, problems)
        return self._checked

    def get_queryset(self):
        filters = dict(self.checked_filters()[0])
        if filters.pop("blocked"):
            return Package.objects.none()
        return browse_packages(**filters)

    def paginate_queryset(self, queryset, page_size):
        # an out-of-range page shows the last one instead of a 404: links from old searches keep working
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filters=self.filters(),
            problems=self.checked_filters()[1],
            game=self.checked_filters()[0]["game"],
            types=[(key, label) for key, label in zip(TYPE_NAMES, PackageType.labels, strict=True)],
            tags=Tag.objects.all(),
            games=games_with_counts(),
            default_order="relevance" if self.filters()["query"] else "score",
            licenses=License.objects.all(),
            orders=list(SEARCH_ORDERS),
            query_string=query.urlencode(),
            is_filtered=any(v for k, v in self.filters().items() if k != "order"),
        )
        return context


class UserView(TemplateView):
    template_name = "registry/user.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        username = kwargs.pop("username")
        context = super().get_context_data(**kwargs)
        profile = user_by_username(username=username)
        if profile is None or not profile.is_active:
            raise Http404("No such user")
        viewer = self.request.user if self.request.user.is_authenticated else None
        packages = list(packages_of_user(user=profile, viewer=viewer))
        context.update(
            profile=profile,
            rocks=[p for p in packages if p.is_rock],
            luanti=[p for p in packages if not p.is_rock],
            is_self=viewer is not None and viewer.pk == profile.pk,
        )
        return context


class TagListView(TemplateView):
    template_name = "registry/tags.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "tags": tags_with_counts()}


class LicenseListView(TemplateView):
    template_name = "registry/licenses.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "licenses": licenses_with_counts()}


ROBOTS = """User-agent: *
Disallow: /accounts/
Disallow: /settings/
Disallow: /admin/
Disallow: /api/
Disallow: /upload/
Allow: /

Sitemap: {site}/sitemap.xml
"""


FAVICON = Path(__file__).resolve().parents[1] / "static" / "registry" / "favicon.ico"


def favicon_ico(request):
    """/favicon.ico, which browsers ask for on every page whatever the pages link (the admin's,
    the API documentation's, feeds' readers): the site's icon, cached for a day."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def robots_txt(request):
    return HttpResponse(ROBOTS.format(site=settings.SITE_URL), content_type="text/plain")


def sitemap_xml(request):
    """Every public page a search engine should know: static pages, packages, their authors."""
    site = settings.SITE_URL
    packages = public_packages().only("name", "type", "updated_at", "author__username")
    urls: list[tuple[str, datetime | None]] = [
        (f"{site}/", None),
        (f"{site}/packages/", None),
        (f"{site}/tags/", None),
    ]
    authors = {}
    for package in packages.iterator(chunk_size=2000):
        urls.append((site + package_path(package), package.updated_at))
        authors[package.author.username] = True
    urls += [(f"{site}/users/{name}/", None) for name in sorted(authors)]
    return render(request, "registry/sitemap.xml", {"urls": urls}, content_type="application/xml")
