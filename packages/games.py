"""Which games a mod or texture pack supports: the rows of GameSupport, and how they are kept.

Confidence, as ContentDB (a higher one overwrites a lower one for the same game):

- DETECTED (1): from the package's hard dependencies. A dependency provided by a game means that
  game; provided by a mod, that mod's supported games; provided by a mod with no game-specific
  dependency, any game. The package supports the games every hard dependency allows (the
  intersection over dependencies of the union over their providers). Only approved packages provide.
- FROM_CONF (10): the `supported_games` / `unsupported_games` keys of the newest release's .conf;
  `*` in supported_games sets "supports all games".
- BY_AUTHOR (11): set by hand on the website (`set_game_support`).

`update_game_support` is called on the release-processing path (releases.zip_releases) after the
package's provides and dependencies were rebuilt; it recomputes the package and then the packages
whose hard dependencies it provides, to a bounded depth.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from packages.errors import NotAllowed
from packages.invalidation import invalidate_luanti_lists
from packages.models import (
    GameSupport,
    Package,
    PackageDependency,
    PackageState,
    PackageType,
)
from packages.permissions import Action, can

DETECTED = 1
FROM_CONF = 10
BY_AUTHOR = 11
MAX_DEPTH = 8  # how far a change travels along "depends on" chains


def supporting_filter(game: Package) -> Q:
    """Packages with a row saying they support `game` (ContentDB's `game=` Package Query)."""
    return Q(
        Exists(GameSupport.objects.filter(package_id=OuterRef("pk"), game=game, supports=True))
    )


def game_by_key(key: str) -> Package | None:
    """An approved game from `author/name` (a trailing `_game` optional), case-insensitively."""
    author, _, name = key.strip().partition("/")
    if not author or not name:
        return None
    return (
        Package.objects.filter(
            type=PackageType.GAME, state=PackageState.APPROVED, author__username__iexact=author
        )
        .filter(Q(name__iexact=name) | Q(name__iexact=f"{name}_game"))
        .select_related("author")
        .order_by("name")
        .first()
    )


def supported_games(*, package: Package) -> list[GameSupport]:
    """The package's rows for approved games, supported first, with the games (one query)."""
    return list(
        GameSupport.objects.filter(package=package, game__state=PackageState.APPROVED)
        .select_related("game", "game__author")
        .order_by("-supports", "game__title")
    )


def games_with_counts(*, limit: int | None = None) -> QuerySet[Package]:
    """Approved games with `mod_count`: approved packages that support them (the game hub)."""
    games = (
        Package.objects.filter(type=PackageType.GAME, state=PackageState.APPROVED)
        .select_related("author")
        .annotate(
            mod_count=Count(
                "supported_by",
                filter=Q(
                    supported_by__supports=True,
                    supported_by__package__state=PackageState.APPROVED,
                ),
            )
        )
        .order_by("-mod_count", "-score", "title")
    )
    return games[:limit] if limit else games


def _games_named(names: Iterable[str]) -> dict[str, Package]:
    games = Package.objects.filter(
        type=PackageType.GAME, state=PackageState.APPROVED, name__in=list(names)
    ).order_by("-score", "id")
    found: dict[str, Package] = {}
    for game in games:
        found.setdefault(game.name, game)
    return found


def _conf_names(value: str | None) -> list[str]:
    return [n.strip() for n in (value or "").split(",") if n.strip()]


def _replace_rows(*, package: Package, wanted: dict[int, bool], confidence: int) -> None:
    """Rows of `confidence` become `wanted` (game id -> supports); higher ones stay."""
    existing = {row.game_id: row for row in GameSupport.objects.filter(package=package)}
    for game_id, supports in wanted.items():
        row = existing.pop(game_id, None)
        if row is None:
            GameSupport.objects.create(
                package=package, game_id=game_id, supports=supports, confidence=confidence
            )
        elif row.confidence <= confidence:
            row.supports, row.confidence = supports, confidence
            row.save(update_fields=["supports", "confidence"])
    GameSupport.objects.filter(
        package=package, confidence=confidence, game_id__in=list(existing)
    ).delete()


def _apply_conf(*, package: Package, conf: dict[str, str]) -> None:
    supported = _conf_names(conf.get("supported_games"))
    unsupported = _conf_names(conf.get("unsupported_games"))
    if "*" in supported:
        supported.remove("*")
        if not package.supports_all_games:
            package.supports_all_games = True
            package.save(update_fields=["supports_all_games"])
    games = _games_named([*supported, *unsupported])
    wanted = {games[n].pk: True for n in supported if n in games}
    wanted.update({games[n].pk: False for n in unsupported if n in games})
    _replace_rows(package=package, wanted=wanted, confidence=FROM_CONF)


def _detected(package: Package, seen: frozenset[int]) -> set[int] | None:
    """Games `package` can run in from its hard dependencies: a set of game ids, or None for any
    game (no game-specific dependency). A dependency nobody provides allows no game."""
    if package.type == PackageType.GAME:
        return {package.pk}
    if package.pk in seen or len(seen) > MAX_DEPTH:
        return None
    seen = seen | {package.pk}
    result: set[int] | None = None
    for dependency in PackageDependency.objects.filter(
        depender=package, is_optional=False, meta_package__isnull=False
    ).select_related("meta_package"):
        providers = Package.objects.filter(
            provides=dependency.meta_package, state=PackageState.APPROVED
        ).exclude(pk=package.pk)
        allowed: set[int] = set()
        anywhere = False
        for provider in providers:
            if provider.type == PackageType.GAME:
                allowed.add(provider.pk)
                continue
            declared = set(
                GameSupport.objects.filter(
                    package=provider, supports=True, confidence__gt=DETECTED
                ).values_list("game_id", flat=True)
            )
            games = declared or _detected(provider, seen)
            if games is None:
                anywhere = True
                break
            allowed |= games
        if anywhere:
            continue
        result = allowed if result is None else result & allowed
    return result


def _detect(package: Package) -> None:
    games = _detected(package, frozenset())
    unsupported = set(
        GameSupport.objects.filter(package=package, supports=False).values_list(
            "game_id", flat=True
        )
    )
    wanted = {} if games is None else {pk: True for pk in games - unsupported}
    _replace_rows(package=package, wanted=wanted, confidence=DETECTED)


@transaction.atomic
def update_game_support(*, package: Package, conf: dict[str, str] | None = None) -> None:
    """Recompute `package`'s game support (from `conf` of its newest release when given, then from
    its dependencies), then that of the packages depending on what it provides. Called by the
    release-processing path and on approval, which make the Luanti lists stale themselves; a game
    itself has no rows."""
    if package.type not in (PackageType.MOD, PackageType.TXP):
        _update_dependents(package)
        return
    if conf is not None:
        _apply_conf(package=package, conf=conf)
    _detect(package)
    _update_dependents(package)


@transaction.atomic
def update_dependents(*, package: Package) -> None:
    """Recompute the detected support of the packages depending on what `package` provides: it
    stopped (or started) providing it, as when it is deleted or leaves the approved state."""
    _update_dependents(package)


def _update_dependents(package: Package) -> None:
    todo = [package.pk]
    done: set[int] = set()
    for _ in range(MAX_DEPTH):
        provided = list(
            Package.provides.through.objects.filter(package_id__in=todo).values_list(
                "metapackage_id", flat=True
            )
        )
        done.update(todo)
        dependents = (
            Package.objects.filter(
                dependencies__meta_package_id__in=provided,
                dependencies__is_optional=False,
                type__in=[PackageType.MOD, PackageType.TXP],
            )
            .exclude(pk__in=done)
            .distinct()
        )
        todo = []
        for dependent in dependents:
            _detect(dependent)
            todo.append(dependent.pk)
        if not todo:
            return


@transaction.atomic
def set_game_support(*, package: Package, by: User, games: dict[int, bool]) -> None:
    """The author's word on games (game id -> supports), confidence BY_AUTHOR; games left out
    lose the author's earlier word."""
    if not can(by, Action.EDIT_PACKAGE, package):
        raise NotAllowed("You may not edit this package")
    known = set(
        Package.objects.filter(type=PackageType.GAME, pk__in=list(games)).values_list(
            "pk", flat=True
        )
    )
    _replace_rows(
        package=package,
        wanted={pk: s for pk, s in games.items() if pk in known},
        confidence=BY_AUTHOR,
    )
    invalidate_luanti_lists()
