"""The site's URLs plus three that fail on purpose, for the error-page tests."""
from django.core.exceptions import PermissionDenied
from django.urls import path

from lpse_sop.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def refused(request):
    raise PermissionDenied("Hanya Kepala LPSE yang dapat membuka laporan ini.")


def refused_without_reason(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("uji/ditolak/", refused), path("uji/ditolak-saja/", refused_without_reason), path("uji/rusak/", broken),
    *urlpatterns,
]
