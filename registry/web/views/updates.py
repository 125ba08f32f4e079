"""A package's update detection page (Luanti packages and Lua modules): the settings, the webhook
secret (shown once, on the answer to the request that made it), the webhook URLs and the newest
deliveries. Only whoever may configure the package's updates sees it."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from packages.errors import PackagesError
from packages.models import Package
from packages.permissions import Action
from packages.rock_details import set_rock_repository
from registry.web.forms.updates import UpdateSettingsForm
from registry.web.views.common import PackagePageMixin, put_error_on_field, signed_in, web_package
from releases.errors import ReleasesError
from releases.models import UpdateSettings, WebhookDelivery
from releases.updates import create_webhook_secret, delete_update_settings, save_update_settings

FORGES = (("github", "GitHub"), ("gitlab", "GitLab"), ("gitea", "Gitea, Forgejo, Codeberg"))


class UpdateSettingsView(LoginRequiredMixin, PackagePageMixin, View):
    rock = False
    template_name = "packages/update_settings.html"

    def package(self, request, author: str, name: str) -> Package:
        return web_package(request, author, name, Action.CONFIGURE_UPDATES, rock=self.rock)

    def webhook_urls(self, request, package: Package) -> list[tuple[str, str]]:
        route = "module-webhook" if self.rock else "contentdb-webhook"
        args = {"author": package.author.username, "name": package.name}
        return [
            (label, request.build_absolute_uri(reverse(route, kwargs={"forge": forge, **args})))
            for forge, label in FORGES
        ]

    def page(self, request, package, form, *, status=200, secret: str | None = None):
        context = {
            "package": package,
            "form": form,
            "rock": self.rock,
            "current": UpdateSettings.objects.filter(package=package).first(),
            "deliveries": list(WebhookDelivery.objects.filter(package=package)[:20]),
            "webhooks": self.webhook_urls(request, package),
            "secret": secret,
        }
        response = render(request, self.template_name, context, status=status)
        response["Cache-Control"] = "private, no-store"
        return response

    def get(self, request, author: str, name: str):
        package = self.package(request, author, name)
        current = UpdateSettings.objects.filter(package=package).first()
        initial = UpdateSettingsForm.initial_for(current, package.repo)
        return self.page(request, package, UpdateSettingsForm(initial=initial, rock=self.rock))

    def post(self, request, author: str, name: str):
        package = self.package(request, author, name)
        user = signed_in(request)
        current = UpdateSettings.objects.filter(package=package).first()
        blank = UpdateSettingsForm(
            initial=UpdateSettingsForm.initial_for(current, package.repo), rock=self.rock
        )
        if "secret" in request.POST:
            try:
                secret = create_webhook_secret(package=package, by=user)
            except ReleasesError as error:
                blank.add_error(None, error.message)
                return self.page(request, package, blank, status=400)
            return self.page(request, package, blank, secret=secret)
        if "delete" in request.POST:
            delete_update_settings(package=package, by=user)
            messages.success(request, _("Update detection is off."))
            return redirect(request.path)
        form = UpdateSettingsForm(request.POST, rock=self.rock)
        if form.is_valid():
            try:
                if self.rock:
                    package = set_rock_repository(
                        package=package, by=user, repo=form.cleaned_data.get("repo") or ""
                    )
                save_update_settings(package=package, by=user, changes=form.changes())
            except (ReleasesError, PackagesError) as error:
                put_error_on_field(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(request.path)
        return self.page(request, package, form, status=400)


class ModuleUpdateSettingsView(UpdateSettingsView):
    rock = True
