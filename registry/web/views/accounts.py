"""Account pages: sign up, log in/out, profile, deletion, LuaRocks API keys and ContentDB tokens.

Log-in, log-out and the password pages are Django's own views with our templates; everything that
writes calls an accounts service.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from accounts import profiles, services, two_factor, verification
from accounts.addresses import client_address
from accounts.errors import (
    AccountOwnsPackages,
    AccountsError,
    EmailTaken,
    InvalidUsername,
    UnknownPackageScope,
)
from accounts.models import ApiKey, ApiToken, User
from registry.web.forms.accounts import (
    ApiKeyForm,
    ApiTokenForm,
    DeleteAccountForm,
    LoginForm,
    ProfileForm,
    SignupForm,
    ThrottledPasswordChangeForm,
)
from registry.web.views.common import signed_in
from registry.web.views.two_factor import start_code_step


class SignupView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("web:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            user = profiles.register_user(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except (InvalidUsername, EmailTaken) as error:  # taken since the form checked
            form.add_error("email" if isinstance(error, EmailTaken) else "username", str(error))
            return self.form_invalid(form)
        verification.send_verification_link(user=user)
        login(self.request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(
            self.request,
            _(
                "Welcome, {username}! We mailed a link to {email}: "
                "open it to verify your address, then you can publish."
            ).format(username=user.username, email=user.email),
        )
        return redirect("web:user", username=user.username)


class LoginView(auth_views.LoginView):
    """The password step. An account with a second factor is not logged in yet: it goes on to
    the code step (registry.web.views.two_factor.LoginCodeView), which logs it in."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("web:home")

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.has_second_factor(user):
            return start_code_step(self.request, user=user, next_url=self.get_success_url())
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    def get_default_redirect_url(self) -> str:
        return reverse("web:home")


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # a copy, so a form with errors does not change request.user for the rest of the page
        kwargs["instance"] = User.objects.get(pk=signed_in(self.request).pk)
        return kwargs

    def form_valid(self, form):
        try:
            user = profiles.update_profile(
                user=signed_in(self.request),
                **{name: form.cleaned_data[name] for name in ProfileForm.Meta.fields},
            )
        except EmailTaken as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Profile saved."))
        if "email" in form.changed_data and user.email and not user.has_verified_email:
            verification.send_verification_link(user=user)
            messages.info(
                self.request,
                _("We mailed a link to {email} to verify it.").format(email=user.email),
            )
        return redirect("accounts:profile")


class VerificationLinkView(LoginRequiredMixin, View):
    """Mail the verification link again (the profile page's button)."""

    def post(self, request):
        if request.user.has_verified_email or not request.user.email:
            messages.info(request, _("There is no address waiting for verification."))
        else:
            verification.send_verification_link(user=request.user)
            messages.success(
                request, _("We mailed a new link to {email}.").format(email=request.user.email)
            )
        return redirect("accounts:profile")


class VerifyEmailView(View):
    """The mailed link: GET shows a button, POST verifies (mail scanners only GET)."""

    template_name = "accounts/verify_email.html"

    def get(self, request, token: str):
        try:
            user = verification.user_for_link(token=token)
        except AccountsError as error:
            return render(request, self.template_name, {"error": str(error)}, status=400)
        return render(request, self.template_name, {"account": user})

    def post(self, request, token: str):
        try:
            user = verification.verify_email(token=token)
        except AccountsError as error:
            return render(request, self.template_name, {"error": str(error)}, status=400)
        messages.success(
            request, _("Verified {email}. You can publish now.").format(email=user.email)
        )
        if request.user.is_authenticated:
            return redirect("accounts:profile")
        return redirect("accounts:login")


class DeleteAccountView(LoginRequiredMixin, FormView):
    template_name = "accounts/delete.html"
    form_class = DeleteAccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = signed_in(self.request)
        try:
            profiles.delete_account(user=user)
        except AccountOwnsPackages as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        logout(self.request)
        messages.success(self.request, _("Your account has been deleted."))
        return redirect("web:home")


SHOW_ONCE = "shown-once-{}"  # the session entry of a new credential not yet shown


def show_new_secret(request, kind: str, secret: str, url_name: str):
    """Post/redirect/get: the new secret waits in the session for the one page that shows it, so
    reloading that page creates nothing and shows the secret no more."""
    request.session[SHOW_ONCE.format(kind)] = secret
    return redirect(url_name)


def pop_new_secret(request, kind: str) -> str | None:
    return request.session.pop(SHOW_ONCE.format(kind), None)


class ApiKeyListView(LoginRequiredMixin, View):
    """LuaRocks API keys. A new key's secret is shown on the one page after its creation, then
    only its hash is kept."""

    template_name = "accounts/api_keys.html"

    def render_page(self, request, form, new_secret: str | None = None, status: int = 200):
        keys = ApiKey.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
        return render(
            request,
            self.template_name,
            {"form": form, "keys": keys, "new_secret": new_secret},
            status=status,
        )

    def get(self, request):
        return self.render_page(request, ApiKeyForm(), new_secret=pop_new_secret(request, "key"))

    def post(self, request):
        form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        _key, secret = services.create_api_key(
            user=request.user, comment=form.cleaned_data["comment"]
        )
        return show_new_secret(request, "key", secret, "accounts:api-keys")


class ApiKeyRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        key = get_object_or_404(ApiKey, pk=pk, user=request.user)
        services.revoke_api_key(key=key)
        messages.success(
            request, _("Key {prefix}… revoked. Uploads with it now fail.").format(prefix=key.prefix)
        )
        return redirect("accounts:api-keys")


class ApiTokenListView(LoginRequiredMixin, View):
    """ContentDB API tokens, optionally limited to one package; the secret is shown once."""

    template_name = "accounts/api_tokens.html"

    def render_page(self, request, form, new_secret: str | None = None, status: int = 200):
        tokens = ApiToken.objects.filter(user=request.user).select_related(
            "package", "package__author"
        )
        return render(
            request,
            self.template_name,
            {"form": form, "tokens": tokens, "new_secret": new_secret},
            status=status,
        )

    def get(self, request):
        return self.render_page(
            request, ApiTokenForm(user=request.user), new_secret=pop_new_secret(request, "token")
        )

    def post(self, request):
        form = ApiTokenForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        try:
            _token, secret = services.create_api_token(
                user=request.user,
                name=form.cleaned_data["name"],
                package=form.cleaned_data["package"],
            )
        except UnknownPackageScope as error:
            form.add_error("package", str(error))
            return self.render_page(request, form, status=400)
        return show_new_secret(request, "token", secret, "accounts:api-tokens")


class ApiTokenDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        services.delete_api_token(token=token)
        messages.success(request, _("Token “{name}” deleted.").format(name=token.name))
        return redirect("accounts:api-tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ThrottledPasswordChangeForm
    success_url = reverse_lazy("accounts:password-change-done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "address": client_address(self.request)}


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/message.html",
    extra_context={"heading": _("Password changed"), "text": _("Your new password is in use.")},
)
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    extra_email_context={"SITE_URL": settings.SITE_URL},
    success_url=reverse_lazy("accounts:password-reset-done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/message.html",
    extra_context={
        "heading": _("Check your email"),
        "text": _(
            "If an account uses that address, a link to choose a new password is on its way."
        ),
    },
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/message.html",
    extra_context={
        "heading": _("Password set"),
        "text": _("You can now log in with your new password."),
    },
)
