"""Who am I, and log out (docs/protocols/contentdb.md "Authentication")."""

from rest_framework.response import Response

from accounts.services import delete_api_token
from registry.contentdb.base import ContentDBError, ContentDBView


class WhoAmIView(ContentDBView):
    def get(self, request):
        user = request.user
        return Response(
            {"is_authenticated": user is not None, "username": user.username if user else None}
        )


class DeleteTokenView(ContentDBView):
    def delete(self, request):
        if request.auth is None:
            raise ContentDBError("Token not found", 404)  # ContentDB's answer to an anonymous call
        delete_api_token(token=request.auth)
        return Response({"success": True})
