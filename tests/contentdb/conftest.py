import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.services import create_api_token
from packages.models import LuantiVersion, Screenshot
from releases.models import FileKind
from releases.storage import save_release_file
from tests.factories import ReleaseFactory


@pytest.fixture
def token(user):
    """A Bearer secret of `user` (alice)."""
    return create_api_token(user=user, name="ci")[1]


@pytest.fixture
def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name='t')[1]}"}


def zip_bytes(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}/mod.conf", f"name = {name}\n")
        archive.writestr(f"{name}/init.lua", "-- test\n")
    return buffer.getvalue()


def version(name: str) -> LuantiVersion:
    return LuantiVersion.objects.get(name=name)


def make_release(package, name="1.0.0", *, min_version=None, max_version=None, **fields):
    """A release with a real zip file in storage."""
    release = ReleaseFactory(
        package=package,
        name=name,
        min_luanti_version=version(min_version) if min_version else None,
        max_luanti_version=version(max_version) if max_version else None,
        **fields,
    )
    save_release_file(
        release=release,
        kind=FileKind.ZIP,
        filename=f"{package.name}.zip",
        content=zip_bytes(package.name),
    )
    return release


def make_screenshot(package, title="Shot", *, order=0, approved=True, cover=False):
    name = default_storage.save(f"screenshots/{package.pk}/{title}.png", ContentFile(b"png"))
    return Screenshot.objects.create(
        package=package,
        title=title,
        file=name,
        width=1280,
        height=720,
        order=order,
        approved=approved,
        is_cover_image=cover,
    )
