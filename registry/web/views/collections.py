"""Collections on the web: a user's list, one collection, creating and editing one, adding a
package from its page and removing it. Every write calls packages.collections, as the ContentDB
face reads the same rows; a refusal of the permission table is a 403, a domain error is shown next
to its field (status 400)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.selectors import user_by_username
from packages.collections import (
    FAVOURITES,
    add_to_collection,
    collection_by_key,
    collection_items,
    collections_of,
    create_collection,
    delete_collection,
    favourites,
    remove_from_collection,
    update_collection,
)
from packages.errors import CollectionExists, InvalidCollection, NoSuchCollection, NotAllowed
from packages.models import Collection, Package
from packages.permissions import Action, can
from registry.web.forms.collections import CollectionForm
from registry.web.views.common import PackagePageMixin, detail_url, put_error_on_field, signed_in
from registry.web.views.packages import luanti_package


def collection_url(collection: Collection) -> str:
    return reverse("web:collection", args=[collection.author.username, collection.name])


def _collection(request, username: str, name: str) -> Collection:
    try:
        return collection_by_key(author=username, name=name, viewer=request.user)
    except NoSuchCollection:
        raise Http404("No such collection") from None


class UserCollectionsView(View):
    def get(self, request, username: str):
        profile = user_by_username(username=username)
        if profile is None or not profile.is_active:
            raise Http404("No such user")
        context = {
            "profile": profile,
            "collections": list(collections_of(user=profile, viewer=request.user)),
            "is_self": request.user.is_authenticated and request.user.pk == profile.pk,
        }
        return render(request, "collections/list.html", context)


class CollectionCreateView(LoginRequiredMixin, View):
    def page(self, request, form, status=200):
        return render(request, "collections/form.html", {"form": form}, status=status)

    def get(self, request):
        return self.page(request, CollectionForm())

    def post(self, request):
        form = CollectionForm(request.POST)
        if form.is_valid():
            try:
                collection = create_collection(by=signed_in(request), **form.cleaned_data)
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except (InvalidCollection, CollectionExists) as error:
                put_error_on_field(form, error)
            else:
                messages.success(request, _("Collection created."))
                return redirect(collection_url(collection))
        return self.page(request, form, status=400)


class CollectionView(View):
    """One collection; its editors also get the edit form and a remove button per package."""

    def page(self, request, collection, form=None, status=200):
        can_edit = can(request.user, Action.EDIT_COLLECTION, collection)
        if can_edit and form is None:
            form = CollectionForm(
                initial={
                    "title": collection.title,
                    "short_description": collection.short_description,
                    "private": collection.private,
                }
            )
        context = {
            "collection": collection,
            "items": collection_items(collection=collection, viewer=request.user),
            "can_edit": can_edit,
            "form": form if can_edit else None,
        }
        return render(request, "collections/detail.html", context, status=status)

    def get(self, request, username: str, name: str):
        return self.page(request, _collection(request, username, name))

    def post(self, request, username: str, name: str):
        """Edit the title, description and privacy."""
        collection = _collection(request, username, name)
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Sign in to change a collection."))
        form = CollectionForm(request.POST)
        if form.is_valid():
            try:
                update_collection(by=request.user, collection=collection, **form.cleaned_data)
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except InvalidCollection as error:
                put_error_on_field(form, error)
            else:
                messages.success(request, _("Collection saved."))
                return redirect(collection_url(collection))
        return self.page(request, collection, form, status=400)


class CollectionDeleteView(LoginRequiredMixin, View):
    def post(self, request, username: str, name: str):
        collection = _collection(request, username, name)
        try:
            delete_collection(by=signed_in(request), collection=collection)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        messages.success(request, _("Collection deleted."))
        return redirect("web:user-collections", username=collection.author.username)


class CollectionRemoveView(LoginRequiredMixin, View):
    def post(self, request, username: str, name: str):
        collection = _collection(request, username, name)
        package = Package.objects.filter(pk=request.POST.get("package", "")[:20] or 0).first()
        if package is None:
            raise Http404("No such package")
        try:
            remove_from_collection(by=signed_in(request), collection=collection, package=package)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        messages.success(request, _("Removed {title}.").format(title=package.title))
        return redirect(collection_url(collection))


class CollectView(LoginRequiredMixin, PackagePageMixin, View):
    """From a package page: add it to (or remove it from) Favourites or another own collection."""

    def post(self, request, author: str, name: str):
        package = luanti_package(request, author, name)
        user = signed_in(request)
        wanted = request.POST.get("collection", FAVOURITES)[:100]
        collection: Collection | None
        if wanted == FAVOURITES:
            collection = favourites(by=user)
        else:
            collection = Collection.objects.filter(author=user, name__iexact=wanted).first()
        if collection is None:
            raise Http404("No such collection")
        try:
            if request.POST.get("do") == "remove":
                remove_from_collection(by=user, collection=collection, package=package)
                messages.success(request, _("Removed from {title}.").format(title=collection.title))
            else:
                add_to_collection(by=user, collection=collection, package=package)
                messages.success(request, _("Added to {title}.").format(title=collection.title))
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except InvalidCollection as error:
            messages.error(request, error.message)
        return redirect(detail_url(package) + "#collections")
