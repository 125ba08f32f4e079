"""The ContentDB face's error format: `{"success": false, "error": "message"}` (contentdb-api.md)."""

from django.http import JsonResponse


def error_response(message: str, *, status: int = 400, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"success": False, "error": message}, status=status, headers=headers)
