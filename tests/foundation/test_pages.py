"""The home page and every admin page load, for a moderator, with real rows behind them."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from tests.logins import log_in_to_the_admin


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_home_page_renders_with_counts_and_links_to_the_package_list(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/packages/"' in body
    assert "Farming Plus" in body
    assert client.get("/packages/").status_code == 200


def test_admin_login_page_loads(client, db):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert b"Log in" in response.content


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_admin_changelist_and_change_pages_load_for_every_model(client, moderator, demo, model):
    log_in_to_the_admin(client, moderator)
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in {200, 403}
    row = model.objects.first()
    if row is not None:
        change = client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        )
        assert change.status_code == 200
