"""Public maintenance announcements: a page, an Atom feed and JSON for the SPSE running text."""
import html

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows.announcements import current_announcements
from workflows.templatetags.tanggal import tanggal


PER_PAGE = 25
# The JSON and the feed carry the soonest this many (docs/api.md): a portal's running text
# needs the next few maintenance windows, not every one announced nationwide.
FEED_LIMIT = 100


def _filtered(request):
    announcements = current_announcements()
    if agency := request.GET.get("instansi"):
        announcements = announcements.filter(agency__code=agency)
    return announcements


def announcement_list(request):
    page = Paginator(_filtered(request), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "workflows/announcements.html", {"announcements": page, "page": page})


def plain_text(text: str) -> str:
    """Announcement text as plain text: markup typed into it is dropped, whitespace is one space.
    What other sites put into their pages must never carry markup from here."""
    return " ".join(html.unescape(strip_tags(text)).split())


def running_text(announcement) -> str:
    return _("%(text)s (%(start)s s.d. %(end)s)") % {
        "text": plain_text(announcement.text), "start": tanggal(announcement.starts_at, announcement.agency),
        "end": tanggal(announcement.ends_at, announcement.agency)}


def announcement_json(request):
    data = [{
        "id": a.pk, "instansi": a.agency.code, "nama_instansi": a.agency.name, "teks": plain_text(a.text),
        "mulai": a.starts_at.isoformat(), "selesai": a.ends_at.isoformat(), "zona_waktu": a.agency.time_zone,
        "running_text": running_text(a), "diumumkan": a.published_at.isoformat(),
    } for a in _filtered(request)[:FEED_LIMIT]]
    # Every text value is plain text (docs/api.md): safe to put into a page as text, never as HTML.
    response = JsonResponse({"format": "text/plain", "pengumuman": data}, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # read by SPSE portals on other origins
    return response


class AnnouncementFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Pengumuman pemeliharaan SPSE")
    subtitle = gettext_lazy("Jadwal pemeliharaan sistem SPSE dari LPSE")

    def link(self):
        return reverse("announcements")

    def get_object(self, request):
        self.request = request
        return None

    def items(self):
        return _filtered(self.request)[:FEED_LIMIT]

    def item_title(self, item):
        return f"{item.agency.name}: {tanggal(item.starts_at, item.agency)}"

    def item_description(self, item):
        return running_text(item)

    def item_link(self, item):
        return f"{reverse('announcements')}#pengumuman-{item.pk}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
