from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from lpse_sop.views import FaviconView, health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("sehat/", health, name="health"),
    path("", include("accounts.urls")),
    path("", include("worktime.urls")),
    path("", include("workflows.urls")),
    path("", RedirectView.as_view(pattern_name="my_tasks", permanent=False), name="home"),
]

# The site's own error pages, in Bahasa Indonesia (English when chosen); see lpse_sop/errors.py.
handler400 = "lpse_sop.errors.bad_request"
handler403 = "lpse_sop.errors.permission_denied"
handler404 = "lpse_sop.errors.page_not_found"
handler500 = "lpse_sop.errors.server_error"
