"""The hypertext fields of `for-client` (docs/protocols/contentdb.md; client: docs/protocols/luanti-client.md 4).

The long description goes through the Markdown -> Luanti hypertext converter of media_tools;
`info_hypertext` writes only markup it generates itself and escapes every value.
"""

from typing import Any

from media_tools.hypertext import HEAD, HYPERTEXT_FORMSPEC_VERSION, markdown_to_hypertext


def escape(text: str) -> str:
    """Escaping for the hypertext markup only; the client applies formspec escaping itself."""
    return text.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")


def long_description_hypertext(
    text: str | None, *, page_url: str, formspec_version: int, include_images: bool
) -> dict[str, Any]:
    # always an object, even for no description: the client adds its link buttons to `links`
    return markdown_to_hypertext(
        text or "",
        formspec_version=formspec_version,
        include_images=include_images,
        base_url=page_url,
    )


def info_hypertext(rows: list[tuple[str, str]], *, formspec_version: int) -> dict[str, Any]:
    """The client's Information tab: one bold label and its value per row."""
    if formspec_version < HYPERTEXT_FORMSPEC_VERSION:  # no hypertext[]: plain text, no head
        body = "\n".join(f"{label}\n{value}\n" for label, value in rows if value)
        head = ""
    else:
        body = "\n".join(
            f"<b>{escape(label)}</b>\n{escape(value)}\n" for label, value in rows if value
        )
        head = HEAD
    return {"head": head, "body": body, "links": {}, "images": {}, "image_tooltips": {}}


REVIEW_ICON = {5: "<thumbsup>", 4: "<thumbsup>", 3: "<neutral>"}  # 1-2: <thumbsdown>


def reviews_hypertext(reviews: list, *, formspec_version: int) -> dict[str, Any]:
    """The client's Reviews tab (5.12+): per review an icon placeholder tag that the client
    replaces with its own texture, the title, the author and the comment; links of each comment
    are named `review_<id>_<n>` so they never collide."""
    plain = formspec_version < HYPERTEXT_FORMSPEC_VERSION
    if not reviews:
        body = "No reviews available.\n"
        return {"head": "" if plain else HEAD, "body": body, "links": {}, "images": {},
                "image_tooltips": {}}  # fmt: skip
    parts: list[str] = []
    links: dict[str, str] = {}
    for review in reviews:
        comment = markdown_to_hypertext(
            review.comment,
            formspec_version=formspec_version,
            include_images=False,
            link_prefix=f"review_{review.pk}_",
        )
        links.update(comment["links"])
        author = review.author.display_name or review.author.username
        if plain:
            parts.append(f"{review.title} ({author})\n{comment['body']}")
        else:
            icon = REVIEW_ICON.get(review.rating, "<thumbsdown>")
            parts.append(
                f"{icon} <big>{escape(review.title)}</big>\n<i>{escape(author)}</i>\n"
                f"{comment['body']}Review helpfulness: +{review.helpful} / -{review.unhelpful}\n"
            )
    return {
        "head": "" if plain else HEAD,
        "body": "\n".join(parts),
        "links": links,
        "images": {},
        "image_tooltips": {},
    }
