"""The pages that make and delete a Luanti package's releases: /packages/<a>/<n>/releases/new/
(a zip upload or a git import) and its delete button.

The view checks `can()` first (403), then calls the same services as the ContentDB API
(releases.zip_releases, releases.git_releases, releases.deletion); a domain error is shown next to
the field it is about, with what the user typed kept.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from media_tools.errors import LimitReached
from packages.permissions import Action
from registry.common.body_limits import body_limit
from registry.web.forms.packages import ReleaseForm
from registry.web.views.common import (
    PackagePageMixin,
    detail_url,
    limit_reached,
    package_for,
    put_error_on_field,
)
from releases.deletion import delete_release
from releases.errors import (
    InvalidLuantiContent,
    InvalidReleaseZip,
    ReleaseExists,
    ReleasePermissionDenied,
    ReleasesError,
)
from releases.git_releases import create_git_release
from releases.models import Release, TaskState
from releases.zip_releases import create_zip_release


@body_limit("MAX_RELEASE_ZIP_SIZE")
class ReleaseCreateView(LoginRequiredMixin, PackagePageMixin, View):
    template_name = "packages/release_form.html"

    def render_page(self, request, package, form, status=200):
        return render(
            request, self.template_name, {"form": form, "package": package}, status=status
        )

    def get(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.MAKE_RELEASE)
        return self.render_page(request, package, ReleaseForm())

    def post(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.MAKE_RELEASE)
        form = ReleaseForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, package, form, status=400)
        data = form.cleaned_data
        try:
            if data["source"] == "git":
                release = create_git_release(
                    package=package,
                    by=request.user,
                    ref=data["ref"],
                    title=data["title"],
                    release_notes=data["release_notes"] or None,
                )
            else:
                release = create_zip_release(
                    package=package,
                    by=request.user,
                    title=data["title"],
                    file=data["file"],
                    release_notes=data["release_notes"] or None,
                    min_luanti=data["min_luanti"],
                    max_luanti=data["max_luanti"],
                )
        except ReleasePermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except LimitReached as error:
            return limit_reached(
                form, error, lambda status: self.render_page(request, package, form, status=status)
            )
        except (InvalidReleaseZip, InvalidLuantiContent) as error:
            form.add_error("file", error.message)
        except ReleaseExists as error:
            form.add_error("title", error.message)
        except ReleasesError as error:
            # the package's repository link is what the git source needs
            put_error_on_field(form, error, aliases={"repo": "source"})
        else:
            if release.task_state == TaskState.DONE:
                messages.success(
                    request, _("Release {title} is published.").format(title=release.title)
                )
            else:
                messages.info(
                    request,
                    _("Importing {title} from git; refresh to see it.").format(title=release.title),
                )
            return redirect(detail_url(package))
        return self.render_page(request, package, form, status=400)


class ReleaseDeleteView(LoginRequiredMixin, PackagePageMixin, View):
    def post(self, request, author: str, name: str, release_id: int):
        package = package_for(request, author, name, Action.DELETE_RELEASE)
        release = get_object_or_404(Release, pk=release_id, package=package)
        try:
            delete_release(release=release, by=request.user)
        except ReleasePermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except ReleasesError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Deleted release {title}.").format(title=release.title))
        return redirect(detail_url(package))
