"""The auditors' archive: who sees which closed cases, and every filter narrowing the list."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import reverse

from tests.workflows.driving import act, run_to_end, start
from workflows.archive import archive_for
from workflows.models import Case
from workflows.services import case_cancel

pytestmark = pytest.mark.django_db
# Monday 23 November 2026, 09.00 WIB.
T0 = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
ARCHIVE_URLS = ("archive_list", "archive_csv", "archive_xlsx")


def finish(version, title: str, at: datetime.datetime, *, late: bool = False, note: str = "") -> Case:
    """A case of the 5-step Ponorogo SOP ("1 hari" each) run to its end starting at ``at``:
    every step an hour after the previous, or step 1 a day and a minute late."""
    with time_machine.travel(at, tick=False):
        case = start(version, title)
    moment = at
    while case.current_step is not None:
        first = case.current_step.no == 1
        moment += datetime.timedelta(days=1, minutes=1) if first and late else HOUR
        with time_machine.travel(moment, tick=False):
            extra = {"late_reason": "Menunggu jaringan pulih"} if first and late else {}
            case = act(case, "complete", note=note if first else "", **extra)
    return case


@dataclass
class Archive:
    on_time: Case     # Ponorogo, done 23 Nov, on time
    late: Case        # Ponorogo, done 24 Nov, step 1 late
    cancelled: Case   # Ponorogo, cancelled 2 Dec
    running: Case     # Ponorogo, still at step 2: not in the archive
    kaltim: Case      # Kalimantan Timur, done 24 Nov 00.30 WITA (23 Nov 23.30 WIB)

    def titles(self, *cases: Case) -> set[str]:
        return {c.title for c in cases}


@pytest.fixture
def archive(seed_sops, people) -> Archive:
    update = seed_sops["PNG-UPDATE-SPSE"].latest_version
    on_time = finish(update, "Update SPSE 4.5u20241204", T0, note="Paket dari LKPP diunduh lewat mirror")
    late = finish(update, "Update SPSE 4.5u20250115", T0 + HOUR, late=True)
    with time_machine.travel(T0 + datetime.timedelta(days=9), tick=False):
        cancelled = act(start(update, "Update SPSE 4.5u20250301"), "complete")
        cancelled = case_cancel(case_id=cancelled.pk, by=people["kepala.lpse.ponorogo"],
                                reason="Versi ditarik kembali oleh LKPP")
        running = act(start(update, "Update SPSE 4.6 (berjalan)"), "complete")
    with time_machine.travel(datetime.datetime(2026, 11, 23, 16, 30, tzinfo=datetime.UTC), tick=False):
        kaltim = run_to_end(start(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version, "Registrasi Admin PPE Disdik"))
    assert {c.state for c in (on_time, late, kaltim)} == {"done"} and cancelled.state == "cancelled"
    return Archive(on_time=on_time, late=late, cancelled=cancelled, running=running, kaltim=kaltim)


def listed(client, **params) -> list[str]:
    response = client.get(reverse("archive_list"), params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return [case.title for case in response.context["page"]]


# -- scope -----------------------------------------------------------------------------

def test_a_ponorogo_auditor_sees_only_ponorogo_closed_cases(archive, people, client):
    client.force_login(people["auditor.ponorogo"])
    assert set(listed(client)) == archive.titles(archive.on_time, archive.late, archive.cancelled)


def test_the_bpk_auditor_sees_every_agencys_closed_cases_latest_closed_first(archive, people, client):
    client.force_login(people["auditor.bpk"])
    assert listed(client) == [archive.cancelled.title, archive.late.title, archive.kaltim.title,
                              archive.on_time.title]


def test_archive_for_is_empty_for_non_auditors_and_whole_for_the_superuser(archive, people):
    assert not archive_for(people["kepala.lpse.ponorogo"]).exists()
    assert not archive_for(people["pm.lkpp"]).exists()  # national, but not an auditor
    every_closed = {archive.on_time.pk, archive.late.pk, archive.cancelled.pk, archive.kaltim.pk}
    assert set(archive_for(people["admin"]).values_list("pk", flat=True)) == every_closed
    assert set(archive_for(people["auditor.bpk"]).values_list("pk", flat=True)) == every_closed


def test_a_non_auditor_is_refused_with_the_reason(archive, people, client):
    client.force_login(people["kepala.lpse.ponorogo"])
    for name in ARCHIVE_URLS:
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "Arsip kasus hanya dapat dibuka oleh auditor" in response.content.decode()
    assert client.post(reverse("archive_zip")).status_code == 403
    assert client.get(reverse("archive_export_progress", args=[1])).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    for url in [reverse(n) for n in ARCHIVE_URLS] + [reverse("archive_zip"),
                                                     reverse("archive_export_progress", args=[1]),
                                                     reverse("archive_export_download", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_only_auditors_get_the_arsip_link(archive, people, client):
    client.force_login(people["auditor.ponorogo"])
    assert f'href="{reverse("archive_list")}"' in client.get(reverse("my_tasks")).content.decode()
    client.force_login(people["kepala.lpse.ponorogo"])
    assert f'href="{reverse("archive_list")}"' not in client.get(reverse("my_tasks")).content.decode()


def test_each_row_opens_the_case_and_its_pdf_record(archive, people, client):
    client.force_login(people["auditor.ponorogo"])
    page = client.get(reverse("archive_list")).content.decode()
    for case in (archive.on_time, archive.late, archive.cancelled):
        assert f'href="{reverse("case_detail", args=[case.pk])}"' in page
        assert f'href="{reverse("case_record_pdf", args=[case.pk])}"' in page
    assert page.count(">Unduh rekaman PDF</a>") == 3
    assert f'aria-label="Unduh rekaman PDF kasus {archive.late.pk}"' in page
    assert archive.running.title not in page and archive.kaltim.title not in page


def test_an_auditor_reads_an_archived_case_without_any_button(archive, people, client):
    client.force_login(people["auditor.ponorogo"])
    for case in (archive.late, archive.cancelled):
        response = client.get(reverse("case_detail", args=[case.pk]))
        page = response.content.decode()
        assert response.status_code == 200 and case.title in page
        assert "Tindakan Anda" not in page and "/langkah/" not in page and "/batal/" not in page
    assert "Versi ditarik kembali oleh LKPP" in client.get(reverse("case_detail", args=[archive.cancelled.pk])).content.decode()
    # Running cases and other agencies' cases stay out of reach.
    assert client.get(reverse("case_detail", args=[archive.running.pk])).status_code == 404
    assert client.get(reverse("case_detail", args=[archive.kaltim.pk])).status_code == 404


# -- filters ---------------------------------------------------------------------------

def test_the_sop_and_agency_filters(archive, seed_sops, people, client):
    client.force_login(people["auditor.bpk"])
    kaltim = archive.kaltim
    assert listed(client, sop=seed_sops["KALTIM-REG-ADMIN-PPE"].pk) == [kaltim.title]
    assert set(listed(client, sop=seed_sops["PNG-UPDATE-SPSE"].pk)) == archive.titles(
        archive.on_time, archive.late, archive.cancelled)
    assert listed(client, agency=kaltim.agency_id) == [kaltim.title]


def test_the_status_filter(archive, people, client):
    client.force_login(people["auditor.bpk"])
    assert listed(client, status="cancelled") == [archive.cancelled.title]
    assert set(listed(client, status="done")) == archive.titles(archive.on_time, archive.late, archive.kaltim)


def test_the_on_time_and_late_filter(archive, people, client):
    client.force_login(people["auditor.bpk"])
    assert listed(client, ketepatan="terlambat") == [archive.late.title]
    assert set(listed(client, ketepatan="tepat")) == archive.titles(archive.on_time, archive.cancelled,
                                                                    archive.kaltim)
    page = client.get(reverse("archive_list"), {"ketepatan": "terlambat"}).content.decode()
    assert "1 langkah terlambat" in page


def test_the_period_counts_days_in_each_agencys_own_zone(archive, people, client):
    client.force_login(people["auditor.bpk"])
    # The Kaltim case closed 23 Nov 23.30 WIB, which is 24 Nov 00.30 WITA: its own date is the 24th.
    assert set(listed(client, ditutup_dari="2026-11-24", ditutup_sampai="2026-11-24")) == archive.titles(
        archive.late, archive.kaltim)
    assert listed(client, ditutup_sampai="2026-11-23") == [archive.on_time.title]
    assert listed(client, ditutup_dari="2026-11-25") == [archive.cancelled.title]


def test_the_pelaksana_filter_by_choice_and_by_name_or_nip(archive, people, client):
    client.force_login(people["auditor.bpk"])
    assert listed(client, pelaksana=people["pm.lkpp"].pk) == [archive.kaltim.title]
    assert set(listed(client, pelaksana=people["kepala.lpse.ponorogo"].pk)) == archive.titles(
        archive.on_time, archive.late, archive.cancelled)  # who cancelled it acted on it too
    assert listed(client, pelaksana_cari="rizal fahmi") == [archive.kaltim.title]
    nip = people["pm.lkpp"].nip
    assert listed(client, pelaksana_cari=f"{nip[:8]} {nip[8:14]}") == [archive.kaltim.title]
    assert listed(client, pelaksana_cari="Tidak Ada Orang Ini") == []


def test_the_pelaksana_choices_are_the_people_who_acted_in_scope(archive, people, client):
    client.force_login(people["auditor.ponorogo"])
    choices = {str(u) for u in client.get(reverse("archive_list")).context["filter"].form.fields[
        "pelaksana"].queryset}
    assert people["admin.ppe.ponorogo"].full_name in choices
    assert people["pm.lkpp"].full_name not in choices and people["auditor.ponorogo"].full_name not in choices


def test_free_text_finds_title_step_notes_sop_name_and_cancel_reason(archive, people, client):
    client.force_login(people["auditor.bpk"])
    assert listed(client, q="4.5u20250115") == [archive.late.title]
    assert listed(client, q="mirror") == [archive.on_time.title]  # a step run's note
    assert listed(client, q="jaringan pulih") == [archive.late.title]  # a late step's reason
    assert listed(client, q="ditarik kembali") == [archive.cancelled.title]
    assert listed(client, q="registrasi admin ppe") == [archive.kaltim.title]  # the SOP's name
    assert archive.late.title in listed(client, q=str(archive.late.pk))  # its No. kasus
    assert listed(client, q="tidak ada di mana pun") == []


def test_filters_combine(archive, people, client):
    client.force_login(people["auditor.bpk"])
    assert listed(client, status="done", ketepatan="tepat", agency=archive.on_time.agency_id) == [
        archive.on_time.title]


# -- bad input --------------------------------------------------------------------------

@pytest.mark.parametrize("params, message", [
    ({"ditutup_dari": "kemarin"}, "Tanggal tidak dikenali"),
    ({"sop": "999999"}, "Pilihan ini tidak tersedia dalam arsip Anda"),
    ({"sop": "abc"}, "Pilihan ini tidak tersedia dalam arsip Anda"),
    ({"status": "running"}, "Pilihan ini tidak tersedia dalam arsip Anda"),
    ({"ditutup_dari": "2026-12-01", "ditutup_sampai": "2026-11-01"}, "Tanggal awal periode harus sebelum"),
    ({"ditutup_sampai": "9999-12-31"}, "Tanggal harus antara tahun 1900 dan 2999"),
])
def test_a_bad_filter_says_what_is_wrong_and_lists_nothing(archive, people, client, params, message):
    client.force_login(people["auditor.bpk"])
    response = client.get(reverse("archive_list"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(response.context["page"]) == []


def test_another_agencys_sop_is_not_a_choice_for_a_ponorogo_auditor(archive, seed_sops, people, client):
    client.force_login(people["auditor.ponorogo"])
    response = client.get(reverse("archive_list"), {"sop": seed_sops["KALTIM-REG-ADMIN-PPE"].pk})
    assert response.status_code == 400 and list(response.context["page"]) == []
    assert "REGISTRASI ADMIN PPE" not in response.content.decode()


def _link(content: str, rel: str) -> str | None:
    import html
    import re

    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', content)
    if not found:
        return None
    link = html.unescape(found.group(1))
    return reverse("archive_list") + link if link.startswith("?") else link


def test_pages_of_25_follow_next_and_previous_links_and_a_bad_cursor_gives_the_first_page(
        archive, people, client, monkeypatch):
    from workflows.views import archive as views

    assert views.PER_PAGE == 25
    monkeypatch.setattr(views, "PER_PAGE", 3)
    client.force_login(people["auditor.bpk"])
    first = client.get(reverse("archive_list"), {"status": "done", "q": ""})
    assert [c.title for c in first.context["page"]] == [archive.late.title, archive.kaltim.title,
                                                        archive.on_time.title]
    everything = client.get(reverse("archive_list"))
    content = everything.content.decode()
    assert "4 kasus ditemukan" in content and _link(content, "prev") is None
    newest = [archive.cancelled.title, archive.late.title, archive.kaltim.title]
    assert [c.title for c in everything.context["page"]] == newest
    second = client.get(_link(content, "next"))
    assert [c.title for c in second.context["page"]] == [archive.on_time.title]
    content = second.content.decode()
    assert "4 kasus ditemukan" in content and _link(content, "next") is None
    back = client.get(_link(content, "prev"))
    assert [c.title for c in back.context["page"]] == newest
    assert _link(back.content.decode(), "prev") is None and _link(back.content.decode(), "next")
    # Old page numbers are ignored; a cursor that was edited or cut says so and shows the first page.
    assert listed(client, page=2) == newest
    cursor = _link(content, "prev").split("kursor=")[1].split("&")[0]
    for bad in (cursor[:-3], cursor + "x", "abc", "", "%00", "1:2:3"):
        response = client.get(reverse("archive_list"), {"kursor": bad})
        assert response.status_code in (200, 400)
        assert [c.title for c in response.context["page"]] == newest
        if bad:
            assert response.status_code == 400 and "Tautan halaman ini tidak berlaku" in response.content.decode()
    # The filter stays in the page links, and the downloads leave the position out.
    page = client.get(reverse("archive_list"), {"status": "done"}).content.decode()
    assert "Berikutnya" not in page  # 3 done cases: one page
    monkeypatch.setattr(views, "PER_PAGE", 2)
    page = client.get(reverse("archive_list"), {"status": "done"}).content.decode()
    assert _link(page, "next").startswith(reverse("archive_list") + "?status=done&kursor=")
    page = client.get(_link(page, "next")).content.decode()
    assert "3 kasus ditemukan" in page and f'{reverse("archive_csv")}?status=done"' in page


@pytest.mark.parametrize("cap", [10_000, 2])
def test_a_search_pages_newest_first_both_ways_whether_its_matches_are_few_or_many(
        archive, people, client, monkeypatch, cap):
    """Few matches are found and sorted at once; beyond COUNT_CAP the archive is walked
    newest first instead. Both give the same pages, links and count."""
    from workflows.views import archive as views

    client.force_login(people["auditor.bpk"])
    expected = [archive.cancelled.title, archive.late.title, archive.on_time.title]  # "4.5u": newest first
    monkeypatch.setattr(views, "COUNT_CAP", cap)
    monkeypatch.setattr(views, "PER_PAGE", 1)
    seen, response = [], client.get(reverse("archive_list"), {"q": "4.5u"})
    while True:
        content = response.content.decode()
        assert ("3 kasus ditemukan" if cap > 3 else "Lebih dari 2 kasus") in content
        seen += [c.title for c in response.context["page"]]
        if not _link(content, "next"):
            break
        response = client.get(_link(content, "next"))
    assert seen == expected
    back = [c.title for c in response.context["page"]]
    while _link(response.content.decode(), "prev"):
        response = client.get(_link(response.content.decode(), "prev"))
        back += [c.title for c in response.context["page"]]
    assert back == expected[::-1]


def test_a_search_with_more_matches_than_counted_sends_no_more_statements(archive, people, client, monkeypatch):
    """Past COUNT_CAP the archive is walked instead of sorted, and the count the search already
    made ("more than 2") is not made again: the same statements as a search with few matches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows.views import archive as views

    client.force_login(people["auditor.bpk"])
    client.get(reverse("archive_list"), {"q": "4.5u"})  # the session and caches warm
    sent = {}
    for cap in (10_000, 2):
        monkeypatch.setattr(views, "COUNT_CAP", cap)
        with CaptureQueriesContext(connection) as queries:
            content = client.get(reverse("archive_list"), {"q": "4.5u"}).content.decode()
        assert ("3 kasus ditemukan" if cap > 3 else "Lebih dari 2 kasus") in content
        sent[cap] = len(queries.captured_queries)
    assert sent[2] == sent[10_000], sent


@pytest.mark.parametrize("params", [
    {"ditutup_sampai": "9999-12-31"}, {"ditutup_dari": "0001-01-01"}, {"ditutup_dari": "9999-12-31"},
    {"pelaksana": "abc"}, {"agency": "1.5"}, {"ketepatan": "x"}, {"q": "\x00"}, {"pelaksana_cari": "\x00"},
    {"page": "-1"}, {"page": "1e9"}, {"q": "%_'\"<script>"}, {"kursor": "x"}, {"kursor": "\x00"},
])
def test_odd_input_never_breaks_the_page_or_the_downloads(archive, people, client, params):
    client.force_login(people["auditor.bpk"])
    assert client.get(reverse("archive_list"), params).status_code in (200, 400)
    # NUL is refused before the view with a 400 page (lpse_sop.middleware); the rest goes back to the list.
    assert client.get(reverse("archive_csv"), params).status_code in (200, 302, 400)
    assert client.get(reverse("archive_xlsx"), params).status_code in (200, 302, 400)


def test_a_national_archive_offers_searches_instead_of_endless_lists(seed_sops, people, client, monkeypatch):
    from workflows import archive

    monkeypatch.setattr(archive, "LONG_LIST", 2)
    client.force_login(people["auditor.bpk"])
    page = client.get(reverse("archive_list")).content.decode()
    assert "Pilih instansi dahulu untuk memilih SOP-nya." in page and "cari dengan nama atau NIP" in page
    people_list = page[page.index('name="pelaksana"'):].split("</select>")[0]
    assert people_list.count("<option") == 1  # only "Semua pelaksana"
    kaltim = seed_sops["KALTIM-REG-ADMIN-PPE"]
    narrowed = client.get(reverse("archive_list"), {"agency": kaltim.agency_id}).content.decode()
    sop_list = narrowed[narrowed.index('name="sop"'):].split("</select>")[0]
    assert kaltim.name in sop_list and "PEMBAHARUAN UPDATE SPSE" not in sop_list
    chosen = client.get(reverse("archive_list"), {"pelaksana": people["kepala.lpse.kaltim"].pk})
    assert chosen.status_code == 200 and people["kepala.lpse.kaltim"].full_name in chosen.content.decode()
