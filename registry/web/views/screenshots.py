"""The screenshots page of a Luanti package: upload, reorder, delete and choose the cover, over the
same services as the ContentDB API (packages.screenshots)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from media_tools.errors import LimitReached, MediaToolsError
from packages.errors import PackagesError, ScreenshotPermissionDenied
from packages.models import Screenshot
from packages.permissions import Action
from packages.screenshots import (
    add_screenshot,
    delete_screenshot,
    order_screenshots,
    set_cover_image,
)
from registry.common.body_limits import body_limit
from registry.web.forms.packages import ScreenshotForm
from registry.web.views.common import (
    PackagePageMixin,
    limit_reached,
    package_for,
    put_error_on_field,
)


@body_limit("MAX_SCREENSHOT_SIZE")
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
        except (PackagesError, MediaToolsError) as error:  # the image, unless about the title
            put_error_on_field(form, error, default="file")
            return self.render_page(request, package, form, status=400)
        messages.success(request, _("Screenshot added."))
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
                messages.success(request, _("Order saved."))
            elif change == "cover":
                set_cover_image(
                    package=package, by=request.user, screenshot_id=request.POST.get("cover", "")
                )
                messages.success(request, _("Cover image set."))
            elif change == "delete":
                shot = get_object_or_404(
                    Screenshot, package=package, pk=request.POST.get("screenshot") or 0
                )
                delete_screenshot(screenshot=shot, by=request.user)
                messages.success(request, _("Deleted “{title}”.").format(title=shot.title))
            else:
                raise Http404("No such change")
        except ScreenshotPermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except (PackagesError, MediaToolsError, ValueError) as error:
            messages.error(request, getattr(error, "message", str(error)))
        return redirect(back)
