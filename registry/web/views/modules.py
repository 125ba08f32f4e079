"""LuaRocks module pages (/modules/<user>/<name>), the owner's details form (luarocks.org's "edit
module") and the web forms that upload and delete versions.

Uploads, deletions and edits call the same services as the path-key API (releases.uploads,
releases.deletion, packages.rock_details); the services check permissions with `can()` and so does
every view.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from media_tools.errors import LimitReached
from packages.errors import InvalidRockDetails, RockEditDenied
from packages.history import package_audit_log
from packages.models import Package
from packages.permissions import Action, can, refusal_message
from packages.rock_details import update_rock_details
from registry.web.charts import downloads_chart
from registry.web.forms.packages import ConfirmForm, RockspecUploadForm, RockUploadForm
from registry.web.forms.reviews import RockDetailsForm
from registry.web.views.common import PackagePageMixin, limit_reached, web_package
from releases.deletion import delete_rock_version
from releases.errors import ReleasesError
from releases.models import FileKind, Release
from releases.selectors import rock_dependency_links, rock_used_by
from releases.uploads import upload_rock, upload_rockspec
from releases.versions import sort_versions

ROCKSPEC_PREVIEW_LIMIT = 64 * 1024
DETAILS_HISTORY_LIMIT = 20


def viewable_rock(request, username: str, name: str) -> Package:
    return web_package(request, username, name, rock=True)


def rock_release(package: Package, version: str) -> Release:
    release = package.releases.filter(name__iexact=version).prefetch_related("files").first()
    if release is None:
        raise Http404("No such version")
    return release


def file_url(package: Package, filename: str) -> str:
    """Files are served beside the author's manifest whether or not the name is in the root one."""
    return f"/manifests/{package.author.username}/{filename}"


def install_server(package: Package) -> str:
    if package.in_root_manifest:
        return settings.SITE_URL
    return f"{settings.SITE_URL}/manifests/{package.author.username}"


def sorted_releases(package: Package) -> list[Release]:
    """Versions newest first by luarocks ordering (what `luarocks install` would pick first)."""
    releases = {r.name: r for r in package.releases.prefetch_related("files")}
    return [releases[name] for name in sort_versions(list(releases), newest_first=True)]


class ModuleView(PackagePageMixin, View):
    def get(self, request, username: str, name: str):
        package = viewable_rock(request, username, name)
        releases = sorted_releases(package)
        release_rows = [
            (
                release,
                [
                    (f.arch or f.kind, f.filename, file_url(package, f.filename), f.downloads)
                    for f in sorted(
                        release.files.all(), key=lambda f: (f.kind != FileKind.ROCKSPEC, f.arch)
                    )
                ],
            )
            for release in releases
        ]
        stable = [r for r in releases if not r.is_development]
        current = stable[0] if stable else (releases[0] if releases else None)
        context = {
            "package": package,
            "releases": releases,
            "release_rows": release_rows,
            "current": current,
            "dependencies": rock_dependency_links(release=current) if current else [],
            "used_by": rock_used_by(package=package),
            "server": install_server(package),
            "chart": downloads_chart(package=package),
            "can_edit": can(request.user, Action.MAKE_RELEASE, package),
            "can_delete": can(request.user, Action.DELETE_RELEASE, package),
            "can_edit_details": can(request.user, Action.EDIT_PACKAGE, package),
        }
        return render(request, "packages/module.html", context)


class ModuleUserRedirectView(View):
    def get(self, request, username: str):
        return redirect("web:user", username=username, permanent=True)


class VersionView(PackagePageMixin, View):
    """One version: its rockspec, its rocks per arch, and the owner's rock upload form."""

    def page(self, request, package, release, form=None, status=200):
        rockspec = next((f for f in release.files.all() if f.kind == FileKind.ROCKSPEC), None)
        text = None
        if rockspec is not None:
            with default_storage.open(rockspec.file.name, "rb") as handle:
                text = handle.read(ROCKSPEC_PREVIEW_LIMIT).decode("utf-8", "replace")
        can_upload = can(request.user, Action.MAKE_RELEASE, package)
        context = {
            "package": package,
            "release": release,
            "files": [
                (f, file_url(package, f.filename))
                for f in sorted(
                    release.files.all(), key=lambda f: (f.kind != FileKind.ROCKSPEC, f.arch)
                )
            ],
            "rockspec_text": text,
            "server": install_server(package),
            "form": form or (RockUploadForm() if can_upload else None),
            "can_upload": can_upload,
            "can_delete": can(request.user, Action.DELETE_RELEASE, package),
        }
        return render(request, "packages/module_version.html", context, status=status)

    def get(self, request, username: str, name: str, version: str):
        package = viewable_rock(request, username, name)
        return self.page(request, package, rock_release(package, version))

    def post(self, request, username: str, name: str, version: str):
        """Upload a rock for this version (the same service as /api/1/<key>/upload_rock)."""
        package = viewable_rock(request, username, name)
        release = rock_release(package, version)
        if not request.user.is_authenticated or not can(request.user, Action.MAKE_RELEASE, package):
            raise PermissionDenied(
                refusal_message(
                    request.user,
                    Action.MAKE_RELEASE,
                    package,
                    default="You may not upload rocks to this module.",
                )
            )
        form = RockUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, package, release, form, status=400)
        upload = form.cleaned_data["rock_file"]
        try:
            result = upload_rock(
                by=request.user, release=release, filename=upload.name, content=upload.read()
            )
        except LimitReached as error:
            return limit_reached(
                form,
                error,
                lambda status: self.page(request, package, release, form, status=status),
            )
        except ReleasesError as error:
            form.add_error("rock_file", error.message)
            return self.page(request, package, release, form, status=400)
        messages.success(request, _("Uploaded {filename}.").format(filename=result.rock.filename))
        return redirect(request.path)


class RockspecUploadView(LoginRequiredMixin, View):
    """luarocks.org's /upload: a rockspec makes or updates a version of one of your modules."""

    template_name = "packages/rock_upload.html"

    def check(self, request):
        if not can(request.user, Action.CREATE_PACKAGE):
            raise PermissionDenied(
                refusal_message(
                    request.user,
                    Action.CREATE_PACKAGE,
                    default="Your account may not upload rocks.",
                )
            )

    def get(self, request):
        self.check(request)
        return render(request, self.template_name, {"form": RockspecUploadForm()})

    def post(self, request):
        self.check(request)
        form = RockspecUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        upload = form.cleaned_data["rockspec_file"]
        try:
            result = upload_rockspec(by=request.user, filename=upload.name, content=upload.read())
        except LimitReached as error:
            return limit_reached(
                form,
                error,
                lambda status: render(request, self.template_name, {"form": form}, status=status),
            )
        except ReleasesError as error:
            form.add_error("rockspec_file", error.message)
            return render(request, self.template_name, {"form": form}, status=400)
        messages.success(
            request,
            (
                _("Created {name} {version}.")
                if result.is_new_package
                else _("Updated {name} {version}.")
            ).format(name=result.package.name, version=result.release.name),
        )
        return redirect(
            "packages:module-version",
            username=result.package.author.username,
            name=result.package.name,
            version=result.release.name,
        )


class VersionDeleteView(LoginRequiredMixin, PackagePageMixin, View):
    template_name = "packages/confirm_delete.html"

    def setup_objects(self, request, username, name, version):
        package = viewable_rock(request, username, name)
        release = rock_release(package, version)
        if not can(request.user, Action.DELETE_RELEASE, package):
            raise PermissionDenied("You may not delete versions of this module.")
        return package, release

    def render_page(self, request, package, release, form, status=200):
        context = {
            "form": form,
            "heading": f"Delete {package.name} {release.name}",
            "text": "The rockspec and every rock of this version stop being served at once. "
            "This cannot be undone.",
            "cancel_url": reverse(
                "packages:module-version",
                args=[package.author.username, package.name, release.name],
            ),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, username, name, version):
        package, release = self.setup_objects(request, username, name, version)
        return self.render_page(request, package, release, ConfirmForm(expected=release.name))

    def post(self, request, username, name, version):
        package, release = self.setup_objects(request, username, name, version)
        form = ConfirmForm(request.POST, expected=release.name)
        if not form.is_valid():
            return self.render_page(request, package, release, form, status=400)
        try:
            delete_rock_version(by=request.user, release=release)
        except ReleasesError as error:
            raise PermissionDenied(error.message) from error
        messages.success(
            request, _("Deleted {name} {version}.").format(name=package.name, version=release.name)
        )
        return redirect("packages:module", username=package.author.username, name=package.name)


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
        history = package_audit_log(package=package, viewer=request.user)[:DETAILS_HISTORY_LIMIT]
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
                messages.success(request, _("Module details saved."))
                return redirect(reverse("packages:module", args=[username, package.name]))
        return self.page(request, package, form, status=400)
