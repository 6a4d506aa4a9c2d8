"""Site-wide views that belong to no app."""
from django.templatetags.static import static
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for on their own, leads to the icon in static/."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.ico")  # resolved per request: the hashed name in production
