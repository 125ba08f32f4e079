"""Plain functions from rows to the JSON dicts of the ContentDB face (docs/protocols/contentdb.md 2-6).

Key order follows ContentDB's. Absolute URLs come from settings.SITE_URL. Functions take rows that
selectors already fetched (with their joins); none of them queries the database.
"""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from media_tools.links import youtube_video_id
from packages.models import DevState, Package

FORUM_TOPIC_URL = "https://forum.luanti.org/viewtopic.php?t={}"
CLIENT_IMAGE_FORMATS = {"png", "jpg", "jpeg"}  # what every Luanti client can draw


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def media_url(name: str) -> str:
    """The public URL of a stored upload (screenshots): `<SITE_URL>/uploads/<name>`."""
    return absolute(f"{settings.MEDIA_URL}{quote(name)}")


def thumbnail_url(name: str, level: int = 1) -> str:
    """`<SITE_URL>/thumbnails/<level>/<name>`: the newest client rewrites `/uploads/` to
    `/thumbnails/2/` (docs/protocols/luanti-client.md 5), so the thumbnail path mirrors the upload path.

    A WebP upload is offered as its PNG rendering (the thumbnail route renders any format): 5.6
    fetches `thumbnail` as given and its image loader reads only PNG and JPEG."""
    stem, _, extension = name.rpartition(".")
    if extension.lower() not in CLIENT_IMAGE_FORMATS:
        name = f"{stem}.png"
    return absolute(f"/thumbnails/{level}/{quote(name)}")


def package_path(author: str, name: str) -> str:
    return f"/packages/{quote(author)}/{quote(name)}/"


def download_url(author: str, name: str) -> str:
    return absolute(f"{package_path(author, name)}download/")


def release_download_url(author: str, name: str, release_id: int) -> str:
    return absolute(f"{package_path(author, name)}releases/{release_id}/download/")


def iso(value: datetime | None) -> str | None:
    """ContentDB's timestamps: ISO 8601, naive UTC, microseconds when there are any."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat()


def type_name(package_type: str) -> str:
    return package_type.lower()


def key_dict(*, author: str, name: str, type: str) -> dict[str, str]:
    return {"name": name, "author": author, "type": type_name(type)}


def short_dict(row: dict[str, Any], *, vcs: bool = False) -> dict[str, Any]:
    """The list item the Luanti client reads (docs/protocols/luanti-client.md section 3). `row` comes from
    `packages.selectors.short_package_rows`."""
    short = row["short_description"]
    if row["dev_state"] == DevState.WIP:
        short = "Work in Progress. " + short
    if row.get("featured"):
        short = "Featured. " + short
    item: dict[str, Any] = {
        "name": row["name"],
        "title": row["title"],
        "author": row["author"],
        "short_description": short,
        "type": type_name(row["type"]),
        "release": row["release"],
        "thumbnail": thumbnail_url(row["thumbnail"]) if row["thumbnail"] else None,
    }
    if row.get("aliases"):
        item["aliases"] = row["aliases"]
    if row.get("featured"):
        item["featured"] = True
    if vcs:
        item["repo"] = row["repo"]
    return item


def version_dict(version) -> dict[str, Any] | None:
    if version is None:
        return None
    return {
        "name": version.name,
        "protocol_version": version.protocol_version,
        "is_dev": version.is_dev,
    }


def release_dict(release, *, size: int | None = None, package: Package | None = None) -> dict:
    """`release.package` (with its author) must be loaded; `size` is the zip's size in bytes."""
    pkg = release.package
    data = {
        "id": release.pk,
        "name": release.name,
        "title": release.title or release.name,
        "release_notes": release.release_notes,
        "url": release_download_url(pkg.author.username, pkg.name, release.pk),
        "release_date": iso(release.created_at),
        "commit": release.commit,
        "downloads": release.downloads,
        "min_minetest_version": version_dict(release.min_luanti_version),
        "max_minetest_version": version_dict(release.max_luanti_version),
        "size": size or 0,
    }
    if package is not None:
        data["package"] = key_dict(author=pkg.author.username, name=pkg.name, type=pkg.type)
    return data


def screenshot_dict(shot) -> dict[str, Any]:
    return {
        "id": shot.pk,
        "order": shot.order,
        "title": shot.title,
        "url": media_url(shot.file.name),
        "width": shot.width,
        "height": shot.height,
        "approved": shot.approved,
        "created_at": iso(shot.created_at),
        "is_cover_image": shot.is_cover_image,
    }


def user_ref(user) -> dict[str, str]:
    return {"username": user.username, "display_name": user.display_name or user.username}


def review_dict(review, *, with_package: bool = False) -> dict[str, Any]:
    data = {
        "is_positive": review.rating > 3,
        "rating": review.rating,
        "user": user_ref(review.author),
        "created_at": iso(review.created_at),
        "votes": {"helpful": review.helpful, "unhelpful": review.unhelpful},
        "title": review.title,
        "comment": review.comment,
        "thread": thread_ref(review),
    }
    if with_package:
        pkg = review.package
        data["package"] = key_dict(author=pkg.author.username, name=pkg.name, type=pkg.type)
    return data


def thread_ref(review) -> dict[str, Any] | None:
    """ContentDB's `thread` of a review; the queries select_related("thread")."""
    try:
        thread = review.thread
    except ObjectDoesNotExist:
        return None
    return {"id": thread.pk, "url": absolute(f"/threads/{thread.pk}/")}


def thread_dict(thread, replies) -> dict[str, Any]:
    """A thread with its shown replies (our extension, `/api/threads/<id>/`)."""
    package = thread.package
    return {
        "id": thread.pk,
        "title": thread.title,
        "kind": thread.kind,
        "private": thread.private,
        "locked": thread.locked,
        "url": absolute(f"/threads/{thread.pk}/"),
        "package": key_dict(author=package.author.username, name=package.name, type=package.type),
        "author": user_ref(thread.author) if thread.author else None,
        "created_at": iso(thread.created_at),
        "review": review_dict(thread.review) if thread.review_id else None,
        "replies": [
            {
                "id": r.pk,
                "author": user_ref(r.author) if r.author else None,
                "is_status_update": r.is_system,
                "comment": r.body,
                "hidden": r.hidden,
                "created_at": iso(r.created_at),
                "edited_at": iso(r.edited_at),
            }
            for r in replies
        ],
    }


def user_dict(user) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name or user.username,
        "rank": _rank_name(user.rank),
        "profile_pic_url": None,
        "website_url": user.website_url or None,
        "donate_url": user.donate_url or None,
        "connections": {
            "github": user.github_username or None,
            "forums": user.forums_username or None,
        },
        "links": {
            "api_packages": absolute(f"/api/packages/?author={quote(user.username)}"),
            "profile": absolute(f"/users/{quote(user.username)}/"),
        },
    }


def _rank_name(rank: int) -> str:
    from accounts.models import Rank

    try:
        return Rank(rank).name.lower()
    except ValueError:
        return "member"


def forum_url(forums: int | None) -> str | None:
    return FORUM_TOPIC_URL.format(forums) if forums else None


def package_dict(
    package: Package,
    *,
    release_id: int | None,
    game_support: list[dict],
    include_unapproved: bool = False,
) -> dict:
    """The detail dict (GET /api/packages/<a>/<n>/): every key of the PUT plus forum_url.

    `package` comes from `packages.selectors.package_detail` (joins and prefetches made);
    `game_support` items are `{"supports", "confidence", "game": short dict}`. Unapproved
    screenshots are listed only for the package's own people (`include_unapproved`).
    """
    author = package.author
    approved_shots = [s for s in package.screenshots.all() if s.approved]
    shots = list(package.screenshots.all()) if include_unapproved else approved_shots
    video_id = youtube_video_id(package.video_url)
    return {
        "author": author.username,
        "maintainers": [m.username for m in package.maintainers.all()],
        "state": package.state,
        "dev_state": package.dev_state or None,
        "ai_disclosure": package.ai_disclosure or None,
        "name": package.name,
        "title": package.title,
        "short_description": package.short_description,
        "long_description": package.long_description,
        "type": type_name(package.type),
        "created_at": iso(package.created_at),
        "approved_at": iso(package.approved_at),
        "license": package.license.name if package.license else None,
        "media_license": package.media_license.name if package.media_license else None,
        "repo": package.repo,
        "website": package.website,
        "issue_tracker": package.issue_tracker,
        "forums": package.forums,
        "forum_url": forum_url(package.forums),
        "video_url": package.video_url,
        "video_thumbnail_url": absolute(f"/thumbnails/youtube/{video_id}.jpg")
        if video_id
        else None,
        "donate_url": package.donate_url or author.donate_url or None,
        "translation_url": package.translation_url,
        "tags": sorted(t.name for t in package.tags.all()),
        "content_warnings": sorted(w.name for w in package.content_warnings.all()),
        "provides": sorted(m.name for m in package.provides.all()),
        "thumbnail": thumbnail_url(approved_shots[0].file.name) if approved_shots else None,
        "screenshots": [media_url(s.file.name) for s in shots],
        "url": download_url(author.username, package.name),
        "release": release_id,
        "score": round(package.score, 1),
        "downloads": package.downloads,
        "supports_all_games": package.supports_all_games,
        "game_support": game_support,
    }
