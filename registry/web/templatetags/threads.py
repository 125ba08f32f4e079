"""The package page's threads block as one inclusion tag, so the page's view needs no change."""

from django import template

from packages.notifications import watches_package
from packages.permissions import Action, can
from packages.threads import visible_threads

register = template.Library()


@register.inclusion_tag("packages/_thread_list.html", takes_context=True)
def package_threads(context, package):
    request = context["request"]
    user = request.user
    signed_in = user.is_authenticated
    return {
        "package": package,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "threads": visible_threads(package=package, viewer=user),
        "may_create": can(user, Action.CREATE_THREAD, package),
        "watching": signed_in and watches_package(user, package),
    }
