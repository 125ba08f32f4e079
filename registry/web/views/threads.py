"""Web pages of threads and notifications: a thread and its replies, opening a thread on a
package, editing, deleting and hiding replies, locking and deleting threads, watching threads and
packages, the notification list, the email settings and the unsubscribe link of every mail.

Each view calls one service (`packages.threads`, `packages.notifications`, `packages.emails`); a
refusal by the permission table is a 403 (404 for a thread the user may not see), a domain error is
shown next to its field (400), the posting rate limit is a 429 with Retry-After.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from packages import emails, notifications, threads
from packages.errors import InvalidThreadPost, InvalidUnsubscribeLink, NotAllowed, TooManyPosts
from packages.models import Thread, ThreadReply
from packages.permissions import Action, can
from registry.web.forms.threads import EmailSettingsForm, ReplyForm, ThreadForm, kind_label
from registry.web.views.common import (
    PackagePageMixin,
    detail_url,
    put_error_on_field,
    signed_in,
    web_package,
)


def _seen_thread(request, thread_id: int) -> tuple[Thread, list[ThreadReply]]:
    try:
        thread, replies = threads.thread_page(thread_id)
    except Thread.DoesNotExist:
        raise Http404("No such thread") from None
    if not threads.may_see(request.user, thread):
        raise Http404("No such thread")
    return thread, replies


def _too_many(form, error: TooManyPosts, render_page) -> HttpResponse:
    form.add_error(None, error.message)
    response = render_page(status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


class ThreadView(View):
    """A thread: its opening post (a review's text for a review thread), the replies, the reply
    form; a constant number of queries however many replies (tests/threads)."""

    template_name = "threads/thread.html"

    def page(self, request, thread, replies, form, status=200):
        user = request.user
        moderator = can(user, Action.HIDE_REPLY, None)
        shown = [r for r in replies if not r.hidden or moderator]
        for r in shown:
            r.may_edit = can(user, Action.EDIT_REPLY, r)
            r.may_delete = can(user, Action.DELETE_REPLY, r)
            r.may_hide = can(user, Action.HIDE_REPLY, r)
        watching = user.is_authenticated and thread.watchers.filter(pk=user.pk).exists()
        if user.is_authenticated:
            notifications.mark_read(by=user, thread=thread)
        context = {
            "thread": thread,
            "package": thread.package,
            "replies": shown,
            "form": form,
            "may_comment": can(user, Action.COMMENT_THREAD, thread),
            "may_lock": can(user, Action.LOCK_THREAD, thread),
            "may_delete_thread": can(user, Action.DELETE_THREAD, thread)
            and thread.kind == "discussion",
            "watching": watching,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, thread_id: int):
        thread, replies = _seen_thread(request, thread_id)
        return self.page(request, thread, replies, ReplyForm())

    def post(self, request, thread_id: int):
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Log in to reply."))
        thread, replies = _seen_thread(request, thread_id)
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                post = threads.reply(by=request.user, thread=thread, body=form.cleaned_data["body"])
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except TooManyPosts as error:
                return _too_many(
                    form, error, lambda status: self.page(request, thread, replies, form, status)
                )
            except InvalidThreadPost as error:
                put_error_on_field(form, error)
            else:
                return redirect(post.get_absolute_url())
        return self.page(request, thread, replies, form, status=400)


class ThreadCreateView(LoginRequiredMixin, PackagePageMixin, View):
    """Open a thread with a package's people (private by default)."""

    template_name = "threads/thread_form.html"

    def page(self, request, package, form, status=200):
        return render(
            request, self.template_name, {"package": package, "form": form}, status=status
        )

    def get(self, request, author: str, name: str):
        package = web_package(request, author, name, Action.CREATE_THREAD)
        return self.page(request, package, ThreadForm())

    def post(self, request, author: str, name: str):
        package = web_package(request, author, name, Action.CREATE_THREAD)
        form = ThreadForm(request.POST)
        if form.is_valid():
            try:
                thread = threads.create_thread(
                    by=signed_in(request),
                    package=package,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    private=form.cleaned_data["private"],
                )
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except TooManyPosts as error:
                return _too_many(
                    form, error, lambda status: self.page(request, package, form, status)
                )
            except InvalidThreadPost as error:
                put_error_on_field(form, error)
            else:
                return redirect(thread.get_absolute_url())
        return self.page(request, package, form, status=400)


def _reply_of(request, thread_id: int, reply_id: int) -> ThreadReply:
    _thread, replies = _seen_thread(request, thread_id)
    for r in replies:
        if r.pk == reply_id:
            return r
    raise Http404("No such post")


class ReplyEditView(LoginRequiredMixin, View):
    template_name = "threads/reply_form.html"

    def page(self, request, reply, form, status=200):
        return render(request, self.template_name, {"reply": reply, "form": form}, status=status)

    def get(self, request, thread_id: int, reply_id: int):
        reply = _reply_of(request, thread_id, reply_id)
        if not can(request.user, Action.EDIT_REPLY, reply):
            raise PermissionDenied(_("You may not edit this post."))
        return self.page(request, reply, ReplyForm(initial={"body": reply.body}))

    def post(self, request, thread_id: int, reply_id: int):
        reply = _reply_of(request, thread_id, reply_id)
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                threads.edit_reply(
                    by=signed_in(request), reply=reply, body=form.cleaned_data["body"]
                )
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except InvalidThreadPost as error:
                put_error_on_field(form, error)
            else:
                return redirect(reply.get_absolute_url())
        return self.page(request, reply, form, status=400)


class ReplyActionView(LoginRequiredMixin, View):
    """POST: delete, hide or unhide a post."""

    def post(self, request, thread_id: int, reply_id: int, change: str):
        reply = _reply_of(request, thread_id, reply_id)
        by = signed_in(request)
        try:
            if change == "delete":
                threads.delete_reply(by=by, reply=reply)
                messages.success(request, _("The post is deleted."))
            elif change in {"hide", "unhide"}:
                threads.hide_reply(by=by, reply=reply, hidden=change == "hide")
            else:
                raise Http404("No such change")
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        return redirect(reply.thread.get_absolute_url())


class ThreadActionView(LoginRequiredMixin, View):
    """POST: lock, unlock, delete, watch or unwatch a thread."""

    def post(self, request, thread_id: int, change: str):
        thread, _replies = _seen_thread(request, thread_id)
        by = signed_in(request)
        try:
            if change in {"lock", "unlock"}:
                threads.lock_thread(by=by, thread=thread, locked=change == "lock")
            elif change in {"watch", "unwatch"}:
                notifications.watch_thread(by=by, thread=thread, watch=change == "watch")
            elif change == "delete":
                threads.delete_thread(by=by, thread=thread)
                messages.success(request, _("The thread is deleted."))
                return redirect(detail_url(thread.package))
            else:
                raise Http404("No such change")
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        return redirect(thread.get_absolute_url())


class PackageWatchView(LoginRequiredMixin, PackagePageMixin, View):
    """POST: watch or unwatch a package's new releases."""

    def post(self, request, author: str, name: str):
        package = web_package(request, author, name)
        watch = request.POST.get("watch") == "1"
        notifications.watch_package(by=signed_in(request), package=package, watch=watch)
        messages.success(
            request,
            (
                _("You will hear of new releases of {title}.")
                if watch
                else _("You no longer watch {title}.")
            ).format(title=package.title),
        )
        return redirect(detail_url(package))


class NotificationListView(LoginRequiredMixin, View):
    """The user's notifications, grouped by thread or package, newest first; POST marks read."""

    def get(self, request):
        user = signed_in(request)
        rows = list(notifications.notifications_of(user))
        context = {
            "groups": notifications.grouped(rows),
            "unread": sum(1 for n in rows if n.read_at is None),
        }
        return render(request, "threads/notifications.html", context)

    def post(self, request):
        ids = request.POST.getlist("id")
        valid = [int(i) for i in ids if i.isdigit()]
        notifications.mark_read(by=signed_in(request), ids=valid if ids else None)
        return redirect("web:notifications")


class EmailSettingsView(LoginRequiredMixin, View):
    template_name = "threads/email_settings.html"

    def page(self, request, form, status=200):
        user = signed_in(request)
        context = {"form": form, "active": "notifications", "verified": user.has_verified_email}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.page(
            request, EmailSettingsForm(initial=notifications.preferences_of(signed_in(request)))
        )

    def post(self, request):
        form = EmailSettingsForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        user = signed_in(request)
        notifications.set_email_preferences(by=user, user=user, choices=form.cleaned_data)
        messages.success(request, _("Email settings saved."))
        return redirect("accounts:notification-settings")


@method_decorator(csrf_exempt, name="dispatch")  # the signed token is the proof (one-click POST)
class UnsubscribeView(View):
    """The link of every mail: GET shows a button (a mail scanner changes nothing), POST stops that
    kind of mail. No login: the signed token is the proof."""

    template_name = "threads/unsubscribe.html"

    def get(self, request, token: str):
        try:
            _user, kind = emails.read_unsubscribe_token(token)
        except InvalidUnsubscribeLink as error:
            return render(request, self.template_name, {"error": error.message}, status=400)
        label = kind_label(kind)
        return render(request, self.template_name, {"label": label, "done": False})

    def post(self, request, token: str):
        try:
            _user, kind = emails.unsubscribe(token=token)
        except InvalidUnsubscribeLink as error:
            return render(request, self.template_name, {"error": error.message}, status=400)
        label = kind_label(kind)
        return render(request, self.template_name, {"label": label, "done": True})


class ReviewThreadView(PackagePageMixin, View):
    """A review's link to its thread (the review list needs no query per review for it)."""

    def get(self, request, author: str, name: str, review_id: int):
        package = web_package(request, author, name)
        thread = Thread.objects.filter(package=package, review_id=review_id).first()
        if thread is None:
            raise Http404("No such review")
        return redirect(thread.get_absolute_url())
