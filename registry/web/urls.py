from django.urls import path

from registry.web import views

app_name = "web"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("packages/", views.PackageListView.as_view(), name="package-list"),
    path("users/<str:username>/", views.UserView.as_view(), name="user"),
    path("tags/", views.TagListView.as_view(), name="tags"),
    path("licenses/", views.LicenseListView.as_view(), name="licenses"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
]
