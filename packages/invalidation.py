"""Which cached answers a package write makes stale: the scopes of the cache generations
(media_tools.generations) that the faces build their answers under.

| Scope | Covers |
|---|---|
| `root` | `/manifest*` and `/dev/manifest*` (LuaRocks) |
| `user:<id>` | `/manifests/<user>/manifest*` of that user |
| `luanti` | the ContentDB package list, `/api/updates/`, the anonymous package detail |
"""

from media_tools.generations import bump

ROOT_MANIFESTS = "root"  # /manifest*, /manifest-5.x*, /dev/manifest*
LUANTI_LISTS = "luanti"  # ContentDB package lists, updates, dependencies


def user_manifests(user_id: int) -> str:
    return f"user:{user_id}"


def invalidate_rock_manifests(*, author_id: int) -> None:
    """A write to one of `author_id`'s rocks: their own manifests and the root/dev manifests."""
    bump(ROOT_MANIFESTS, user_manifests(author_id))


def invalidate_luanti_lists() -> None:
    bump(LUANTI_LISTS)
