"""Package reads: the list (the hottest request of the site), detail, for-client, dependencies,
updates, scores (docs/protocols/contentdb.md "Packages", "Package Queries", "Misc")."""

import hashlib
import json
from typing import Any

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from rest_framework.response import Response

from packages.dependency_selectors import dependency_graph, raw_dependencies
from packages.invalidation import LUANTI_LISTS
from packages.models import Package
from packages.selectors import featured_package_ids, old_names
from registry.common.cached_bodies import cached_body_response
from registry.contentdb import hypertext_fields as ht
from registry.contentdb.base import ContentDBView
from registry.contentdb.inputs import is_yes
from registry.contentdb.languages import DEFAULT as DEFAULT_LANGUAGE
from registry.contentdb.languages import (
    negotiated_language,
    package_language_titles,
    translate_package_dict,
    translate_rows,
)
from registry.contentdb.pagination import paginate
from registry.contentdb.queries import PackageQuery
from registry.contentdb.serializers import (
    absolute,
    iso,
    key_dict,
    media_url,
    package_dict,
    package_path,
    short_dict,
    type_name,
)
from registry.contentdb.views.common import (
    VERSION_PARAMS,
    PackageView,
    requested_version,
    required_int_param,
    version_params,
)
from releases.models import Release
from releases.selectors import (
    game_support_rows,
    latest_compatible_release,
    short_package_rows,
    zip_size,
)

LIST_CACHE_SECONDS = 300


def json_bytes(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def cached_json(
    request, prefix: str, build, *, params: dict, known: frozenset[str]
) -> HttpResponse:
    """Serve the JSON bytes built for `params` (what the answer depends on, normalised) until a
    Luanti write bumps the generation (media_tools.generations) or the max-age passes.

    The key is made of `params` only, never of the raw query string: unknown parameters
    (`?cachebust=N`) and reorderings of one query share one entry, so a flood of them cannot
    fill the cache. Such a request is answered from that entry but not recorded for the replay
    layer, which is keyed by the raw query string (registry/common/replay.py)."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    # ETag/304, a gzip copy for clients that ask, and a per-process copy (registry/common/cached_bodies.py)
    return cached_body_response(
        request,
        scope=LUANTI_LISTS,
        key=f"cdb:{prefix}:{digest}",
        build=lambda: json_bytes(build()),
        timeout=LIST_CACHE_SECONDS,
        content_type="application/json",
        replayable=set(request.GET) <= known,
    )


def cached_query_json(request, prefix: str, build, *, language: str | None = None) -> HttpResponse:
    """`cached_json` of `build(query)` for a Package Query; `random` answers are never cached.

    The query is checked when the answer is built, so a bad value is a 400 and nothing is
    stored under its key. An answer in a negotiated `language` (registry/contentdb/languages.py)
    is cached under it."""
    if "random" in request.GET:
        return HttpResponse(
            json_bytes(build(PackageQuery(request.GET).checked())), content_type="application/json"
        )
    params = PackageQuery.cache_params(request.GET)
    if language is not None:
        params = {**params, "Accept-Language": language}
    return cached_json(
        request,
        prefix,
        lambda: build(PackageQuery(request.GET).checked()),
        params=params,
        known=PackageQuery.known_params(),
    )


def vary_on_language(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["Accept-Language"])
    return response


def listed(query: PackageQuery, *, language: str = DEFAULT_LANGUAGE) -> list[dict]:
    """`/api/packages/` items: a plain array, short dicts unless `fmt` says keys or vcs."""
    packages = query.qs
    if query.max_results:
        packages = packages[: query.max_results]
    if query.output_format == "keys":
        return [
            key_dict(author=author, name=name, type=ptype)
            for author, name, ptype in packages.values_list("author__username", "name", "type")
        ]
    vcs = query.output_format == "vcs"
    rows = short_package_rows(packages)
    translate_rows(rows, language)
    if not query.has_own_order:
        rows = featured_first(rows)
    return [short_dict(row, vcs=vcs) for row in rows]


def featured_first(rows: list[dict]) -> list[dict]:
    """ContentDB's promotion: listed packages of the featured collection first, marked
    `featured` (the newest client shows a star), when the query asks for no order of its own."""
    featured = featured_package_ids()
    if not featured:
        return rows
    rank = {pk: n for n, pk in enumerate(featured)}
    promoted = sorted((r for r in rows if r["id"] in rank), key=lambda r: rank[r["id"]])
    for row in promoted:
        row["featured"] = True
    return promoted + [r for r in rows if r["id"] not in rank]


class PackageListView(ContentDBView):
    cache_max_age = 300

    def get(self, request):
        language = negotiated_language(request)
        return vary_on_language(
            cached_query_json(
                request,
                "packages",
                lambda query: listed(query, language=language),
                language=language,
            )
        )


class UpdatesView(ContentDBView):
    """`{"author/name": release id}` for every listed package, aliases folded in."""

    cache_max_age = 300

    def get(self, request):
        def build(query: PackageQuery) -> dict[str, int]:
            packages = query.qs.order_by()
            rows = [r for r in short_package_rows(packages, with_aliases=False) if r["release"]]
            # An old name answers for its package, as the download routes resolve it: a package
            # made under an old name before aliases reserved their keys never takes it over.
            aliases = old_names(rock=False)
            reserved = {key.lower() for keys in aliases.values() for key in keys}
            answer: dict[str, int] = {}
            for row in rows:
                key = f"{row['author']}/{row['name']}"
                if key.lower() not in reserved:
                    answer[key] = row["release"]
            for row in rows:
                for alias in aliases.get(row["id"], []):
                    answer[alias] = row["release"]
            return answer

        return cached_query_json(request, "updates", build)


class ScoresView(ContentDBView):
    cache_max_age = 900

    def get(self, request):
        packages = (
            PackageQuery(request.GET)
            .checked()
            .qs.annotate(
                positive=Count("reviews", filter=Q(reviews__approved=True, reviews__rating__gt=3)),
                neutral=Count("reviews", filter=Q(reviews__approved=True, reviews__rating=3)),
                negative=Count("reviews", filter=Q(reviews__approved=True, reviews__rating__lt=3)),
            )
        )
        rows = packages.values(
            "author__username",
            "name",
            "score",
            "score_downloads",
            "downloads",
            "positive",
            "neutral",
            "negative",
        )
        return Response(
            [
                {
                    "author": row["author__username"],
                    "name": row["name"],
                    "score": row["score"],
                    "score_downloads": row["score_downloads"],
                    "score_reviews": row["score"] - row["score_downloads"],
                    "downloads": row["downloads"],
                    "reviews": {
                        "positive": row["positive"],
                        "neutral": row["neutral"],
                        "negative": row["negative"],
                    },
                }
                for row in rows
            ]
        )


def viewer(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def detail(package: Package, request, *, include_unapproved: bool) -> tuple[dict, Release | None]:
    release = latest_compatible_release(package=package, version=requested_version(request))
    games = [
        {"supports": g["supports"], "confidence": g["confidence"], "game": short_dict(g["game"])}
        for g in game_support_rows(package=package, viewer=viewer(request))
    ]
    data = package_dict(
        package,
        release_id=release.pk if release else None,
        game_support=games,
        include_unapproved=include_unapproved,
    )
    return data, release


class PackageDetailView(PackageView):
    cache_max_age = 300

    def get(self, request, author: str, name: str):
        language = negotiated_language(request)

        def build():
            package = self.package(author, name, detailed=True)
            include_unapproved = self.can_see_unapproved(package)
            data = detail(package, request, include_unapproved=include_unapproved)[0]
            translate_package_dict(data, package_id=package.pk, language=language)
            return data

        if request.auth is not None:  # owners and staff see more: never from the shared cache
            return vary_on_language(Response(build()))
        # Anonymous answers change on Luanti writes (generation) or within the max-age (counters)
        return vary_on_language(
            cached_json(
                request,
                f"detail:{author.lower()}/{name.lower()}",
                build,
                params={**version_params(request), "Accept-Language": language},
                known=VERSION_PARAMS,
            )
        )


def human_size(size: int) -> str:
    """ContentDB's download_size: KB rounded below 1024 KB, else MB with one decimal."""
    kb = size / 1024
    if kb < 1024:
        return f"{round(kb)} KB"
    return f"{kb / 1024:.1f} MB"


class PackageForClientView(PackageView):
    """The package page of the Luanti client (5.10+); keys it reads: docs/protocols/luanti-client.md section 4."""

    cache_max_age = 300

    def get(self, request, author: str, name: str):
        formspec_version = required_int_param(request, "formspec_version")
        include_images = is_yes(request.query_params.get("include_images"), default=True)
        package = self.package(author, name, detailed=True)
        data, release = detail(package, request, include_unapproved=False)
        translate_package_dict(data, package_id=package.pk, language=negotiated_language(request))
        page_url = absolute(package_path(package.author.username, package.name))
        data["screenshots"] = [
            {"title": shot.title, "url": media_url(shot.file.name)}
            for shot in package.screenshots.all()
            if shot.approved
        ]
        data["long_description"] = ht.long_description_hypertext(
            data["long_description"],
            page_url=page_url,
            formspec_version=formspec_version,
            include_images=include_images,
        )
        counts = package.reviews.filter(approved=True).aggregate(
            positive=Count("id", filter=Q(rating__gt=3)),
            neutral=Count("id", filter=Q(rating=3)),
            negative=Count("id", filter=Q(rating__lt=3)),
        )
        data["reviews"] = counts
        data["download_size"] = human_size(zip_size(release)) if release else None
        data["info_hypertext"] = ht.info_hypertext(
            [
                ("Type", package.get_type_display()),
                ("Tags", ", ".join(data["tags"])),
                ("Content warnings", ", ".join(data["content_warnings"])),
                ("Languages", ", ".join(["English", *package_language_titles(package)])),
                ("License", _licenses(data)),
                ("Maintenance state", package.get_dev_state_display() if package.dev_state else ""),
                ("Added", (iso(package.approved_at) or iso(package.created_at) or "")[:10]),
                ("Maintainers", ", ".join(data["maintainers"])),
                ("Provides", ", ".join(data["provides"])),
            ],
            formspec_version=formspec_version,
        )
        return vary_on_language(Response(data))


def _licenses(data: dict) -> str:
    code, media = data["license"], data["media_license"]
    if code == media or not media:
        return code or ""
    return f"{code} for code, {media} for media"


class PackageDependenciesView(PackageView):
    cache_max_age = 300

    def get(self, request, author: str, name: str):
        package = self.package(author, name)
        only_hard = "only_hard" in request.query_params  # presence, even only_hard=0 (ContentDB)
        return Response(dependency_graph(package=package, only_hard=only_hard))


class DependenciesView(ContentDBView):
    """Provides and raw dependencies of every listed package, paginated (n at most 300)."""

    cache_max_age = 300

    def get(self, request):
        packages = PackageQuery(request.GET).checked().qs

        def serialize(page: list[Package]) -> list[dict]:
            rows: list[dict[str, Any]] = [
                {"id": p.pk, "type": p.type, "author": p.author.username, "name": p.name}
                for p in page
            ]
            deps = raw_dependencies(rows)
            return [
                {
                    "type": type_name(row["type"]),
                    "author": row["author"],
                    "name": row["name"],
                    **deps[row["id"]],
                }
                for row in rows
            ]

        return Response(
            paginate(
                request,
                packages.select_related("author"),
                serialize=serialize,
                default_per_page=100,
                max_per_page=300,
            )
        )
