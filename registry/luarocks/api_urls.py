"""The path-key upload API: /api/tool_version and /api/1/<key>/..."""

urlpatterns: list = []
