from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("workflows.urls")),
    path("", RedirectView.as_view(pattern_name="my_tasks", permanent=False), name="home"),
]
