"""Webhook endpoints of git forges (docs/protocols/contentdb.md "Webhooks"), one per forge style,
one URL per package: `/api/webhooks/<forge>/<author>/<name>/` for Luanti content and
`/api/webhooks/<forge>/modules/<author>/<name>/` for Lua modules.

The forge authenticates with the package's webhook secret (releases/webhooks.py); there is no
Bearer token and no session, so no CSRF. The answer is JSON in the face's shape:
`{"success": true, "message": ...}` or `{"success": false, "error": ...}`.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from packages.models import PackageState
from packages.selectors import package_by_key
from registry.contentdb.errors import error_response
from releases.webhooks import Forge, receive_webhook

NO_PACKAGE = "Package not found"


def _webhook(request: HttpRequest, forge: str, author: str, name: str, *, rock: bool):
    try:
        chosen = Forge(forge)
    except ValueError:
        return error_response("Unknown forge: use github, gitlab or gitea", status=404)
    package = package_by_key(author=author, name=name, rock=rock)
    if package is None or package.state == PackageState.DELETED:
        return error_response(NO_PACKAGE, status=404)
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.WEBHOOK_MAX_BODY:
        return error_response("The body is too large", status=413)
    body = request.body
    if len(body) > settings.WEBHOOK_MAX_BODY:
        return error_response("The body is too large", status=413)
    answer = receive_webhook(package=package, forge=chosen, headers=request.headers, body=body)
    if answer.status >= 400:
        return error_response(answer.message, status=answer.status)
    response: HttpResponse = JsonResponse(
        {"success": True, "message": answer.message, "queued": answer.queued}
    )
    return response


@csrf_exempt
@require_POST
def package_webhook(request: HttpRequest, forge: str, author: str, name: str):
    return _webhook(request, forge, author, name, rock=False)


@csrf_exempt
@require_POST
def module_webhook(request: HttpRequest, forge: str, author: str, name: str):
    return _webhook(request, forge, author, name, rock=True)
