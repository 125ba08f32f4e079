"""The owner's form for a LuaRocks module's summary, description and labels
(/modules/<user>/<name>/edit, luarocks.org's "edit module"), over `releases.rock_edits`."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from accounts.audit import package_audit_log
from packages.moderation_forms import RockDetailsForm
from packages.permissions import Action
from packages.web_access import PackagePageMixin, web_package
from releases.errors import InvalidRockDetails, RockEditDenied
from releases.rock_edits import update_rock_details

HISTORY_LIMIT = 20


class ModuleEditView(LoginRequiredMixin, PackagePageMixin, View):
    template_name = "packages/module_edit.html"

    def module(self, request, username: str, name: str):
        return web_package(
            request,
            username,
            name,
            Action.EDIT_PACKAGE,
            rock=True,
            refused="Only the module's owner may edit it.",
        )

    def page(self, request, package, form, status=200):
        history = package_audit_log(package=package, viewer=request.user)[:HISTORY_LIMIT]
        context = {"package": package, "form": form, "history": list(history)}
        return render(request, self.template_name, context, status=status)

    def get(self, request, username: str, name: str):
        package = self.module(request, username, name)
        return self.page(
            request, package, RockDetailsForm(initial=RockDetailsForm.initial_for(package))
        )

    def post(self, request, username: str, name: str):
        package = self.module(request, username, name)
        form = RockDetailsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                update_rock_details(
                    package=package,
                    by=request.user,
                    summary=data["summary"],
                    description=data["description"],
                    labels=data["labels"],
                )
            except RockEditDenied as error:
                raise PermissionDenied(error.message) from error
            except InvalidRockDetails as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, "Module details saved.")
                return redirect(reverse("packages:module", args=[username, package.name]))
        return self.page(request, package, form, status=400)
