"""Pages of two-factor authentication: the code step of logging in, and the settings page that
sets an authenticator app up (otpauth URI, QR code, confirm with a code, recovery codes shown once)
and turns it off (password and code).

Logging in with a second factor is two requests. The password step (registry.web.views.accounts.LoginView)
stores who passed it in the session, for PENDING_MAX_AGE seconds, without logging in; the code step
logs in and marks the session as verified by the device (django-otp's `login`), which the admin
asks for (registry/admin/site.py). The same code step also verifies an already logged-in session
that has not passed a second factor (one opened before the app was set up).
"""

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_otp import login as otp_login

from accounts import two_factor
from accounts.addresses import client_address
from accounts.errors import SecondFactorError
from accounts.models import User
from registry.common.next_urls import safe_next, with_next
from registry.web.forms.accounts import DisableSecondFactorForm, SecondFactorForm

PENDING = "two_factor_pending"
PENDING_MAX_AGE = 5 * 60


def start_code_step(request: HttpRequest, *, user: User, next_url: str) -> HttpResponse:
    """After the right password of an account with a second factor: ask for the code next."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "at": int(time.time()),
    }
    return redirect(with_next(reverse("accounts:login-code"), next_url))


class LoginCodeView(View):
    template_name = "accounts/login_code.html"

    def who(self, request: HttpRequest) -> tuple[User | None, str | None]:
        """(the user the code is for, the backend to log in with; None when already logged in)."""
        if request.user.is_authenticated:
            return request.user, None
        pending = request.session.get(PENDING) or {}
        if int(time.time()) - pending.get("at", 0) > PENDING_MAX_AGE:
            return None, None
        user_pk = pending.get("user")
        if user_pk is None:
            return None, None
        user = User.objects.filter(pk=user_pk, is_active=True).first()
        return user, pending.get("backend")

    def get(self, request):
        user, _backend = self.who(request)
        if user is None:
            return redirect_to_login(request)
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(safe_next(request, reverse("web:home")))
        return self.page(request, SecondFactorForm())

    def post(self, request):
        user, backend = self.who(request)
        if user is None:
            return redirect_to_login(request)
        form = SecondFactorForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        try:
            device = two_factor.verify_second_factor(
                user=user, code=form.cleaned_data["code"], address=client_address(request)
            )
        except SecondFactorError as error:
            form.add_error("code", str(error))
            return self.page(request, form, status=400)
        if backend is not None:
            login(request, user, backend=backend)
            request.session.pop(PENDING, None)
        otp_login(request, device)
        left = two_factor.unused_recovery_codes(user)
        if left < two_factor.RECOVERY_CODE_COUNT and not form.cleaned_data["code"].isdigit():
            messages.warning(request, _("You have {left} recovery codes left.").format(left=left))
        return redirect(safe_next(request, reverse("web:home")))

    def page(self, request, form, status: int = 200):
        next_url = safe_next(request, "")
        return render(request, self.template_name, {"form": form, "next": next_url}, status=status)


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Please log in again: the code step waited too long."))
    return redirect(with_next(reverse("accounts:login"), safe_next(request, reverse("web:home"))))


class TwoFactorView(LoginRequiredMixin, View):
    """Status, and the set-up: POST starts it (a new seed), GET shows the pending app's URI."""

    template_name = "accounts/two_factor.html"

    def get(self, request):
        return self.page(request, SecondFactorForm())

    def post(self, request):
        try:
            two_factor.start_setup(user=request.user)
        except SecondFactorError as error:
            messages.error(request, str(error))
        return redirect(with_next(reverse("accounts:two-factor"), safe_next(request, "")))

    def page(self, request, form, *, disable_form=None, status: int = 200):
        user = request.user
        device = two_factor.confirmed_device(user)
        pending = None if device else two_factor.pending_device(user)
        context = {
            "device": device,
            "pending": pending,
            "required": two_factor.is_required_for(user),
            "recovery_left": two_factor.unused_recovery_codes(user) if device else 0,
            "form": form,
            "disable_form": disable_form or DisableSecondFactorForm(),
            "next": safe_next(request, ""),
        }
        if pending is not None:
            uri = pending.config_url
            context["otpauth_uri"] = uri
            context["secret"] = b32encode(pending.bin_key).decode()
            context["qr_data_uri"] = segno.make(uri, error="m").svg_data_uri(scale=5)
        return render(request, self.template_name, context, status=status)


class ConfirmTwoFactorView(TwoFactorView):
    def get(self, request):
        return redirect("accounts:two-factor")

    def post(self, request):
        form = SecondFactorForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        try:
            device, codes = two_factor.confirm_setup(
                user=request.user, code=form.cleaned_data["code"], address=client_address(request)
            )
        except SecondFactorError as error:
            form.add_error("code", str(error))
            return self.page(request, form, status=400)
        otp_login(request, device)  # this session just proved it holds the app
        context = {"codes": codes, "next": safe_next(request, reverse("accounts:two-factor"))}
        response = render(request, "accounts/recovery_codes.html", context)
        response["Cache-Control"] = "no-store"  # the codes exist nowhere else
        return response


class DisableTwoFactorView(TwoFactorView):
    def get(self, request):
        return redirect("accounts:two-factor")

    def post(self, request):
        form = DisableSecondFactorForm(request.POST)
        if form.is_valid():
            try:
                two_factor.disable_second_factor(
                    user=request.user,
                    password=form.cleaned_data["password"],
                    code=form.cleaned_data["code"],
                    address=client_address(request),
                )
            except SecondFactorError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Two-factor authentication is off."))
                return redirect("accounts:two-factor")
        return self.page(request, SecondFactorForm(), disable_form=form, status=400)
