"""The LuaRocks face's error format: `{"errors": ["message", ...]}` (luarocks-api.md, "Error Responses").

The client only checks for the presence of `errors` and prints them; the first message exactly
"Invalid key" gets a special hint (research/luarocks.md trap 2).
"""

from django.http import JsonResponse


def errors_response(*messages: str, status: int = 400, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"errors": list(messages)}, status=status, headers=headers)
