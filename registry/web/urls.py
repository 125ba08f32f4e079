from django.urls import path

from registry.web import views

app_name = "web"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("packages/", views.PackageListView.as_view(), name="package-list"),
]
