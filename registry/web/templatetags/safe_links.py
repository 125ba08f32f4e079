"""Stored URLs on pages: only http(s) ones become links (media_tools.links).

    {% load safe_links %}
    {% external_link package.website %}             link text is the URL itself
    {% external_link package.repo "Source code" %}  link text given
    {% if package.repo|web_url %}...{% endif %}     test before building a list item

A URL that is not a web URL is shown as plain text (escaped), never as `href`. Every external link
gets `rel="nofollow ugc noopener"`: the target is someone's choice, not ours.
"""

from django import template
from django.utils.html import format_html

from media_tools.links import is_web_url

register = template.Library()

REL = "nofollow ugc noopener"


@register.filter
def web_url(value) -> str:
    """The value if it is an http(s) URL, else an empty string."""
    return value if is_web_url(value) else ""


@register.simple_tag
def external_link(url, text=None) -> str:
    label = text if text else url
    if not is_web_url(url):
        return format_html("{}", label or "")
    return format_html('<a href="{}" rel="{}">{}</a>', url, REL, label)
