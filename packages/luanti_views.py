"""Forms of Luanti content authors: create and edit a package, releases, screenshots, review.

Each view checks `can()` before showing or accepting a form (403 otherwise) and then calls the one
service that the ContentDB API calls too; a domain error becomes an error next to the field it is
about, with everything the user typed kept.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from media_tools.errors import LimitReached, MediaToolsError, ScreenshotPermissionDenied
from media_tools.models import Screenshot
from media_tools.screenshots import (
    add_screenshot,
    delete_screenshot,
    order_screenshots,
    set_cover_image,
)
from packages.errors import PackageEditDenied, PackageExists, PackagesError, ProtectedTagRefused
from packages.forms import PackageForm, ReleaseForm, ScreenshotForm
from packages.models import Package
from packages.package_edits import create_package, update_package
from packages.permissions import Action, can, refusal_message
from packages.web_access import PackagePageMixin, web_package
from packages.workflow import submit_for_review
from releases.errors import (
    InvalidLuantiContent,
    InvalidReleaseZip,
    ReleaseExists,
    ReleasePermissionDenied,
    ReleasesError,
)
from releases.luanti_releases import create_git_release, create_zip_release, delete_release
from releases.models import Release


def package_for(request, author: str, name: str, action: Action) -> Package:
    """The Luanti package when the user may do `action` on it: 404 when it is unknown or hidden
    from them (a deleted package, below moderator), 403 when they may see it but not act."""
    return web_package(request, author, name, action)


def detail_url(package: Package) -> str:
    return reverse("packages:detail", args=[package.author.username, package.name])


def limit_reached(form, error: LimitReached, render_page) -> HttpResponse:
    """A limit of the services (media_tools.limits) as a form error: the page again, with what the
    user typed, status 429 and Retry-After, as the API faces answer."""
    form.add_error(None, error.message)
    response = render_page(status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def put_error_on_field(form, error: Exception, *, default: str | None = None) -> None:
    """Services start their messages with the field they are about ("title must be ...")."""
    message = getattr(error, "message", None) or str(error)
    words = message.split(" ", 1)
    field = words[0] if words[0] in form.fields else default
    form.add_error(field, message)


class PackageCreateView(LoginRequiredMixin, View):
    template_name = "packages/package_form.html"

    def check(self, request):
        if not can(request.user, Action.CREATE_PACKAGE):
            raise PermissionDenied(
                refusal_message(
                    request.user,
                    Action.CREATE_PACKAGE,
                    default="Your account may not create packages.",
                )
            )

    def get(self, request):
        self.check(request)
        form = PackageForm(
            initial={"type": "MOD", "license": "MIT", "media_license": "CC-BY-SA-4.0"}
        )
        return render(request, self.template_name, {"form": form, "creating": True})

    def post(self, request):
        self.check(request)
        form = PackageForm(request.POST)
        if form.is_valid():
            changes = form.changes()
            try:
                package = create_package(
                    author=request.user,
                    type=changes.pop("type"),
                    name=changes.pop("name"),
                    title=changes.pop("title"),
                    short_description=changes.pop("short_description"),
                    license=changes.pop("license"),
                    media_license=changes.pop("media_license"),
                    **changes,
                )
            except PackageEditDenied as error:
                raise PermissionDenied(str(error)) from error
            except LimitReached as error:
                return limit_reached(
                    form,
                    error,
                    lambda status: render(
                        request, self.template_name, {"form": form, "creating": True}, status=status
                    ),
                )
            except PackageExists as error:
                form.add_error("name", str(error))
            except ProtectedTagRefused as error:
                form.add_error("tags", str(error))
            except PackagesError as error:
                put_error_on_field(form, error)
            else:
                messages.success(
                    request, f"Created {package.title}. Add a release and screenshots next."
                )
                return redirect(detail_url(package))
        return render(request, self.template_name, {"form": form, "creating": True}, status=400)


class PackageEditView(LoginRequiredMixin, PackagePageMixin, View):
    template_name = "packages/package_form.html"

    def get(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.EDIT_PACKAGE)
        form = PackageForm(initial=PackageForm.initial_for(package))
        return render(request, self.template_name, {"form": form, "package": package})

    def post(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.EDIT_PACKAGE)
        form = PackageForm(request.POST)
        if form.is_valid():
            try:
                package, changed = update_package(
                    package=package, by=request.user, changes=form.changes()
                )
            except PackageEditDenied as error:
                put_error_on_field(form, error)
            except PackageExists as error:
                form.add_error("name", str(error))
            except ProtectedTagRefused as error:
                form.add_error("tags", str(error))
            except PackagesError as error:
                put_error_on_field(form, error)
            else:
                messages.success(request, "Saved." if changed else "Nothing changed.")
                return redirect(detail_url(package))
        context = {"form": form, "package": package}
        return render(request, self.template_name, context, status=400)


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
            field = "source" if "repository" in error.message.lower() else None
            put_error_on_field(form, error, default=field)
        else:
            if release.task_state == "DONE":
                messages.success(request, f"Release {release.title} is published.")
            else:
                messages.info(request, f"Importing {release.title} from git; refresh to see it.")
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
            messages.success(request, f"Deleted release {release.title}.")
        return redirect(detail_url(package))


class ScreenshotsView(LoginRequiredMixin, PackagePageMixin, View):
    """Upload, reorder, delete and choose the cover; each action posts its own small form."""

    template_name = "packages/screenshots.html"

    def render_page(self, request, package, form=None, status=200):
        context = {
            "package": package,
            "form": form or ScreenshotForm(),
            "screenshots": list(Screenshot.objects.filter(package=package)),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.ADD_SCREENSHOTS)
        return self.render_page(request, package)

    def post(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.ADD_SCREENSHOTS)
        form = ScreenshotForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, package, form, status=400)
        try:
            add_screenshot(
                package=package,
                by=request.user,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                is_cover_image=form.cleaned_data["is_cover_image"],
            )
        except ScreenshotPermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except LimitReached as error:
            return limit_reached(
                form, error, lambda status: self.render_page(request, package, form, status=status)
            )
        except MediaToolsError as error:
            field = "title" if error.message.startswith("Title") else "file"
            form.add_error(field, error.message)
            return self.render_page(request, package, form, status=400)
        messages.success(request, "Screenshot added.")
        return redirect(request.path)


class ScreenshotChangeView(LoginRequiredMixin, PackagePageMixin, View):
    """Order (position numbers), cover (a radio choice) or delete (one id): no JavaScript needed."""

    def post(self, request, author: str, name: str, change: str):
        package = package_for(request, author, name, Action.CHANGE_SCREENSHOTS)
        back = reverse("packages:screenshots", args=[package.author.username, package.name])
        try:
            if change == "order":
                positions = []
                for shot in Screenshot.objects.filter(package=package):
                    raw = request.POST.get(f"position-{shot.pk}", "")
                    position = int(raw) if raw.strip().isdigit() else shot.order
                    positions.append((position, shot.order, shot.pk))
                order_screenshots(
                    package=package, by=request.user, ids=[pk for *_, pk in sorted(positions)]
                )
                messages.success(request, "Order saved.")
            elif change == "cover":
                set_cover_image(
                    package=package, by=request.user, screenshot_id=request.POST.get("cover", "")
                )
                messages.success(request, "Cover image set.")
            elif change == "delete":
                shot = get_object_or_404(
                    Screenshot, package=package, pk=request.POST.get("screenshot") or 0
                )
                delete_screenshot(screenshot=shot, by=request.user)
                messages.success(request, f"Deleted “{shot.title}”.")
            else:
                raise Http404("No such change")
        except ScreenshotPermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except (MediaToolsError, ValueError) as error:
            messages.error(request, getattr(error, "message", str(error)))
        return redirect(back)


class SubmitForReviewView(LoginRequiredMixin, PackagePageMixin, View):
    def post(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.SUBMIT_FOR_REVIEW)
        try:
            package = submit_for_review(by=request.user, package=package)
        except PackagesError as error:
            messages.error(request, str(error))
        else:
            if package.is_approved:
                messages.success(request, f"{package.title} is approved and public.")
            else:
                messages.success(request, f"{package.title} is waiting for a moderator's review.")
        return redirect(detail_url(package))
