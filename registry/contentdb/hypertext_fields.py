"""The hypertext fields of `for-client` (contentdb-api.md; client: research/luanti-client.md 4).

PLUG-IN POINT for the Markdown -> Luanti hypertext converter (issue "Rendering"): replace the body
of `long_description_hypertext` with a call to it; `info_hypertext` only writes markup it
generates itself and escapes every value. Until then the long description is shown as plain,
escaped text, which every client displays correctly.
"""

from typing import Any

HEAD = "<tag name=code color=#7bf font=mono> <tag name=action color=#4CDAFA hovercolor=#97EAFC>"


def escape(text: str) -> str:
    """Escaping for the hypertext markup only; the client applies formspec escaping itself."""
    return text.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")


def hypertext(body: str, links: dict[str, str] | None = None) -> dict[str, Any]:
    return {"head": HEAD, "body": body, "links": links or {}, "images": {}, "image_tooltips": {}}


def long_description_hypertext(
    text: str | None, *, page_url: str, formspec_version: int, include_images: bool
) -> dict[str, Any]:
    # always an object: the client adds its link buttons to `links` (luanti-client.md 4)
    text = text or ""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return hypertext(escape("\n".join(lines).strip()) + "\n")


def info_hypertext(rows: list[tuple[str, str]]) -> dict[str, Any]:
    """The client's Information tab: one bold label and its value per row."""
    body = "\n".join(f"<b>{escape(label)}</b>\n{escape(value)}\n" for label, value in rows if value)
    return hypertext(body)
