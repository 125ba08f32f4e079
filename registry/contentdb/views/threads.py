"""A thread as JSON (`/api/threads/<id>/`, our extension): public threads to anyone, private ones
to a caller whose token's account may see them; otherwise 404, as for a missing thread."""

from rest_framework.response import Response

from packages import threads
from packages.models import Thread
from packages.permissions import Action, can
from packages.threads import thread_page
from registry.contentdb.base import ContentDBError, ContentDBView
from registry.contentdb.serializers import thread_dict

THREAD_NOT_FOUND = "Thread not found"


class ThreadView(ContentDBView):
    def get(self, request, thread_id: int):
        try:
            thread, replies = thread_page(thread_id)
        except Thread.DoesNotExist:
            raise ContentDBError(THREAD_NOT_FOUND, 404) from None
        if not threads.may_see(request.user, thread):
            raise ContentDBError(THREAD_NOT_FOUND, 404)
        moderator = can(request.user, Action.HIDE_REPLY, None)
        shown = [r for r in replies if not r.hidden or moderator]
        response = Response(thread_dict(thread, shown))
        response["Cache-Control"] = "private, no-store" if thread.private else "no-cache"
        return response
