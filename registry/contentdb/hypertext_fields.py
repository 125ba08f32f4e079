"""The hypertext fields of `for-client` (contentdb-api.md; client: research/luanti-client.md 4).

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
