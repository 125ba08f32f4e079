"""Package Queries: the filters, sorts and formats of `/api/packages/` and friends, parsed from the
query string by this face
(docs/protocols/contentdb.md "Package Queries"; semantics from docs/protocols/contentdb.md section 2).

Parameters are parsed by a django-filter FilterSet. A value that names nothing (unknown type, tag,
license, hide value, game) raises InvalidPackageQuery; ContentDB answers those with a 200 text body
by accident, the face answers 400. An unknown author raises NoSuchUser.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.http import QueryDict

from accounts.models import User
from packages.errors import InvalidPackageQuery, NoSuchUser
from packages.models import (
    LUANTI_TYPES,
    AIDisclosure,
    ContentWarning,
    DevState,
    GameSupport,
    License,
    LuantiVersion,
    Package,
    PackageState,
    PackageType,
    Review,
    Tag,
)
from packages.search import search_packages
from packages.selectors import luanti_packages, resolve_luanti_version
from releases.models import Release
from releases.selectors import latest_release_id

SORTS = [
    "name",
    "title",
    "score",
    "reviews",
    "downloads",
    "created_at",
    "date",
    "approved_at",
    "last_release",
]
SORT_FIELDS = {"date": "created_at"}
FORMATS = {"keys", "short", "vcs"}
# Read by presence only (`?random`, `?lucky`); every other parameter is a filter below.
FLAG_PARAMS = frozenset({"random", "lucky"})
# Bounds on each parameter, generous for any real value (usernames have at most 150 characters,
# tags and licenses 100): a longer value is refused with a 400 before it reaches the database,
# whose own limits (SQLite's LIKE pattern length) would otherwise fail the query. The whole query
# string is bounded too (registry.security.QueryStringLimitMiddleware).
MAX_TEXT = 200
MAX_ITEM = 100
MAX_ITEMS = 50


class ListField(forms.Field):
    """A repeated query parameter (`?tag=a&tag=b`): SelectMultiple reads every value."""

    widget = forms.SelectMultiple

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        items = [item.strip() for item in value if item and item.strip()]
        if len(items) > MAX_ITEMS:
            raise forms.ValidationError(f"Ensure there are at most {MAX_ITEMS} values.")
        if any(len(item) > MAX_ITEM for item in items):
            raise forms.ValidationError(f"Ensure each value has at most {MAX_ITEM} characters.")
        return items


class ListFilter(django_filters.Filter):
    field_class = ListField


class IntFilter(django_filters.Filter):
    field_class = forms.IntegerField


def _keep(queryset, name, value):
    """Parameters that shape the whole query (sort, limit, versions) act in filter_queryset."""
    return queryset


def _through_exists(relation: str, **lookups) -> Exists:
    through = getattr(Package, relation).through
    return Exists(through.objects.filter(package_id=OuterRef("pk"), **lookups))


class PackageQuery(django_filters.FilterSet):
    type = ListFilter(method="filter_type")
    q = django_filters.CharFilter(method="filter_q", max_length=MAX_TEXT)
    author = django_filters.CharFilter(method="filter_author", max_length=MAX_TEXT)
    tag = ListFilter(method="filter_tag")
    flag = ListFilter(method="filter_flag")
    hide = ListFilter(method="filter_hide")
    license = ListFilter(method="filter_license")
    game = django_filters.CharFilter(method="filter_game", max_length=MAX_TEXT)
    lang = django_filters.CharFilter(method="filter_lang", max_length=MAX_ITEM)
    protocol_version = IntFilter(method=_keep, min_value=0, max_value=2**31 - 1)
    engine_version = django_filters.CharFilter(method=_keep, max_length=50)
    sort = django_filters.ChoiceFilter(choices=[(s, s) for s in SORTS], method=_keep)
    order = django_filters.ChoiceFilter(choices=[("asc", "asc"), ("desc", "desc")], method=_keep)
    limit = IntFilter(method=_keep, min_value=0, max_value=2**31 - 1)
    fmt = django_filters.CharFilter(method=_keep, max_length=MAX_ITEM)

    class Meta:
        model = Package
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(
            data, queryset=luanti_packages() if queryset is None else queryset, **kwargs
        )
        self.version: LuantiVersion | None = None
        self._tag_names: set[str] | None = None
        self._warning_names: set[str] | None = None

    # validation -----------------------------------------------------------------------------

    def checked(self) -> "PackageQuery":
        """Raise InvalidPackageQuery for a value the form refuses (non-int, unknown sort...)."""
        if self.data and "&amp" in "&".join(self.data.keys()):
            raise InvalidPackageQuery("Bad query string")  # ContentDB's anti-bot rule
        if not self.is_valid():
            field, messages = next(iter(self.form.errors.items()))
            raise InvalidPackageQuery(f"{field}: {messages[0]}")
        # `random` decides the order on its own; only then are sort/order unchecked in ContentDB
        return self

    @classmethod
    def known_params(cls) -> frozenset[str]:
        return frozenset(cls.base_filters) | FLAG_PARAMS

    @classmethod
    def cache_params(cls, data) -> dict:
        """What decides the answer to `data` (a QueryDict), normalised: the key a cached answer
        is stored under. Unknown parameters are left out, as the filters ignore them, so
        `?cachebust=N` cannot make a new entry; the values of a repeated parameter are sorted
        (their order changes nothing); a single-valued one keeps the value the form reads, the
        last. Made without building the form, so that a cache lookup costs microseconds: an
        answer is only ever stored once `checked()` has accepted the query."""
        params: dict = {}
        for name in sorted(cls.known_params() & set(data)):
            if name in FLAG_PARAMS:
                params[name] = True
            elif isinstance(cls.base_filters[name], ListFilter):
                params[name] = sorted(data.getlist(name))
            else:
                params[name] = data.get(name)
        return params

    @property
    def has_own_order(self) -> bool:
        """Whether the query orders or cuts the list itself (else featured packages come first)."""
        return any(param in self.query_data for param in ("sort", "order", "q", "limit"))

    @property
    def query_data(self) -> QueryDict | dict[str, Any]:
        """The query parameters (none when the set was built without any)."""
        return self.data if self.data is not None else {}

    @property
    def params(self) -> dict[str, Any]:
        return self.form.cleaned_data

    @property
    def is_random(self) -> bool:
        return "random" in self.query_data

    @property
    def output_format(self) -> str:
        fmt = self.params.get("fmt") or "short"
        return fmt if fmt in FORMATS else "short"

    @property
    def has_version(self) -> bool:
        return self.params.get("protocol_version") is not None or bool(
            self.params.get("engine_version")
        )

    @property
    def max_results(self) -> int | None:
        if "lucky" in self.query_data:
            return 1
        return self.params.get("limit") or None

    def tag_names(self) -> set[str]:
        if self._tag_names is None:
            self._tag_names = set(Tag.objects.values_list("name", flat=True))
        return self._tag_names

    def warning_names(self) -> set[str]:
        if self._warning_names is None:
            self._warning_names = set(ContentWarning.objects.values_list("name", flat=True))
        return self._warning_names

    # filters --------------------------------------------------------------------------------

    def filter_type(self, queryset, name, value):
        types = set()
        for item in value:
            upper = item.upper()
            if upper not in LUANTI_TYPES:
                raise InvalidPackageQuery(f"Unknown type: {item}")
            types.add(upper)
        return queryset.filter(type__in=types)

    def filter_q(self, queryset, name, value):
        return search_packages(queryset, value)  # full-text on PostgreSQL (packages/search.py)

    def filter_author(self, queryset, name, value):
        if not User.objects.filter(username__iexact=value).exists():
            raise NoSuchUser("Author not found")
        return queryset.filter(author__username__iexact=value)

    def filter_tag(self, queryset, name, value):
        for tag in value:
            if tag not in self.tag_names():
                raise InvalidPackageQuery(f"Unknown tag: {tag}")
            queryset = queryset.filter(_through_exists("tags", tag__name=tag))
        return queryset

    def filter_flag(self, queryset, name, value):
        for flag in value:
            if flag == "nonfree":
                queryset = queryset.filter(_nonfree())
            elif flag == "wip":
                queryset = queryset.filter(dev_state=DevState.WIP)
            elif flag == "deprecated":
                queryset = queryset.filter(dev_state=DevState.DEPRECATED)
            elif flag == "*":
                queryset = queryset.filter(_through_exists("content_warnings"))
            elif flag in self.warning_names():
                queryset = queryset.filter(
                    _through_exists("content_warnings", contentwarning__name=flag)
                )
            # unknown flags are ignored, as ContentDB does
        return queryset

    def filter_hide(self, queryset, name, value):
        for item in value:
            if item == "nonfree":
                queryset = queryset.exclude(_nonfree())
            elif item == "wip":
                queryset = queryset.exclude(dev_state=DevState.WIP)
            elif item in ("deprecated", "desktop_default"):
                queryset = queryset.exclude(dev_state=DevState.DEPRECATED)
            elif item == "android_default":
                queryset = queryset.exclude(dev_state=DevState.DEPRECATED).exclude(
                    _through_exists("content_warnings")
                )
            elif item == "genai":
                queryset = queryset.exclude(ai_disclosure=AIDisclosure.GENERATED)
            elif item == "anyai":
                queryset = queryset.exclude(
                    ai_disclosure__in=[AIDisclosure.GENERATED, AIDisclosure.ASSISTED]
                )
            elif item == "*":
                queryset = queryset.exclude(_through_exists("content_warnings"))
            elif item in self.tag_names():
                queryset = queryset.exclude(_through_exists("tags", tag__name=item))
            elif item in self.warning_names():
                queryset = queryset.exclude(
                    _through_exists("content_warnings", contentwarning__name=item)
                )
            else:
                raise InvalidPackageQuery(f"Unknown tag or content warning {item}")
        return queryset

    def filter_license(self, queryset, name, value):
        by_name = {n.lower(): pk for pk, n in License.objects.values_list("pk", "name")}
        ids = []
        for item in value:
            if item.lower() not in by_name:
                names = ", ".join(sorted(License.objects.values_list("name", flat=True)))
                raise InvalidPackageQuery(f"Unknown license. Expected license name from: {names}")
            ids.append(by_name[item.lower()])
        return queryset.filter(Q(license_id__in=ids) | Q(media_license_id__in=ids))

    def filter_game(self, queryset, name, value):
        author, _, game_name = value.strip().partition("/")
        game = (
            Package.objects.filter(type=PackageType.GAME, author__username__iexact=author)
            .filter(Q(name__iexact=game_name) | Q(name__iexact=f"{game_name}_game"))
            .exclude(state=PackageState.DELETED)
            .order_by(Lower("name"))
            .first()
            if author and game_name
            else None
        )
        if game is None:
            raise InvalidPackageQuery("Unable to find that game")
        return queryset.filter(
            Exists(GameSupport.objects.filter(package_id=OuterRef("pk"), game=game, supports=True))
        )

    def filter_lang(self, queryset, name, value):
        if value.strip() in ("", "en"):
            return queryset
        return queryset.filter(_through_exists("languages", language_id=value.strip()))

    # whole-query shaping --------------------------------------------------------------------

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        params = self.params
        if self.has_version:
            self.version = resolve_luanti_version(
                protocol=params.get("protocol_version"), engine=params.get("engine_version")
            )
        queryset = queryset.annotate(release=latest_release_id(self.version))
        if self.has_version:
            # the client installs `release`: a package with nothing compatible is not offered
            queryset = queryset.filter(release__isnull=False)
        return self.ordered(queryset)

    def ordered(self, queryset):
        if self.is_random:
            return queryset.order_by("?")
        params = self.params
        sort = params.get("sort") or ""
        descending = (params.get("order") or "desc") == "desc"
        if not sort and params.get("q"):
            return queryset.order_by("-search_rank", "-score", "id")
        sort = SORT_FIELDS.get(sort, sort or "score")
        if sort == "reviews":
            queryset = queryset.filter(
                Exists(Review.objects.filter(package_id=OuterRef("pk"), approved=True))
            ).annotate(reviews_score=F("score") - F("score_downloads"))
            sort = "reviews_score"
        elif sort == "last_release":
            queryset = queryset.annotate(
                last_release=Subquery(
                    Release.objects.filter(package_id=OuterRef("pk"))
                    .order_by("-created_at")
                    .values("created_at")[:1]
                )
            )
        if sort in ("name", "title"):
            key = Lower(sort)
            expression = key.desc() if descending else key.asc()
        else:
            expression = (
                F(sort).desc(nulls_last=True) if descending else F(sort).asc(nulls_first=True)
            )
        return queryset.order_by(expression, "-id" if descending else "id")


def _nonfree() -> Q:
    return Q(license__is_foss=False) | Q(media_license__is_foss=False)
