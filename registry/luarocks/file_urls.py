"""Manifests and rock/rockspec files that luarocks install/search/download read.

URL set (docs/protocols/luarocks.md 3.1, 3.3): `manifest`, `manifest-5.1` ... `manifest-5.5`, each also as
`.zip` and `.json`; the same under `dev/` and `manifests/<user>/`. Files are `<name>-<version>.rockspec`
and `<name>-<version>.<arch>.rock` beside each manifest (`dev/` serves the root files too: `--dev`
makes the client fetch them there). Anything else under these prefixes is a 404.
"""

from django.urls import re_path

from registry.luarocks import files, manifests

MANIFEST = r"manifest(?:-(?P<lua>5\.[1-5]))?(?:\.(?P<fmt>zip|json))?"
FILE = r"(?P<filename>[A-Za-z0-9._-]+\.(?:rockspec|rock))"
USER = r"manifests/(?P<username>[^/]+)"

urlpatterns = [
    re_path(rf"^{MANIFEST}\Z", manifests.root_manifest, name="luarocks-manifest"),
    re_path(r"^dev/?\Z", manifests.dev_redirect),
    re_path(rf"^dev/{MANIFEST}\Z", manifests.dev_manifest, name="luarocks-dev-manifest"),
    re_path(rf"^{USER}/?\Z", manifests.user_redirect),
    re_path(rf"^{USER}/{MANIFEST}\Z", manifests.user_manifest, name="luarocks-user-manifest"),
    re_path(rf"^{FILE}\Z", files.root_file, name="luarocks-file"),
    re_path(rf"^dev/{FILE}\Z", files.root_file, name="luarocks-dev-file"),
    re_path(rf"^{USER}/{FILE}\Z", files.user_file, name="luarocks-user-file"),
]
