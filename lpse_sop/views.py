"""Site-wide views that belong to no app."""
from django.http import HttpResponse
from django.templatetags.static import static
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for on their own, leads to the icon in static/."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.ico")  # resolved per request: the hashed name in production


def health(request):
    """For a load balancer and for the benchmarks' baseline: one indexed query, a tiny answer.
    503 when the database does not answer."""
    from django.db import DatabaseError

    from accounts.models import Agency

    try:
        Agency.objects.filter(pk=1).exists()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
