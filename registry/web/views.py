"""Public web pages. Thin: each asks a selector and renders a template."""

from django.views.generic import ListView, TemplateView

from packages.selectors import public_packages, site_counts


class HomeView(TemplateView):
    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = site_counts()
        context["newest"] = public_packages().order_by("-approved_at")[:8]
        return context


class PackageListView(ListView):
    template_name = "registry/package_list.html"
    context_object_name = "packages"
    paginate_by = 30

    def get_queryset(self):
        return public_packages().order_by("-score", "-downloads", "name")
