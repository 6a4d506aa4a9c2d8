"""The auditors' archive: search closed cases, download the list, build a ZIP of case records.

The list and its CSV/XLSX read from the replica when one is configured (lpse_sop/replica.py);
the ZIP's job pages read the primary, where the job was just created and the worker records
its progress."""
from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Agency
from lpse_sop.replica import on_primary, reads_from_replica
from workflows import archive_export, exports
from workflows.archive import ArchiveFilter, may_use_archive
from workflows.models import ExportJob, parse_specs
from workflows.selectors import count_upto
from workflows.views import exports as export_views
from workflows.views.responses import refuse

PER_PAGE = 25
# The list pages by position, not by number: the cursor names the last (or first) case shown.
CURSOR = "kursor"
# Beyond this many matches the heading says "more than": counting a whole national archive
# on every page would cost more than the page itself.
COUNT_CAP = 10_000
ARCHIVE_EXPORTS = (ExportJob.Kind.CASE_RECORDS, ExportJob.Kind.ARCHIVE_XLSX)


def auditor_required(view):
    """Anonymous visitors go to the login page; people who are not auditors get 403 with the reason."""
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not may_use_archive(request.user):
            return refuse(request, _("Arsip kasus hanya dapat dibuka oleh auditor (Inspektorat atau BPK). "
                                     "Kasus yang Anda kerjakan tetap dapat dibuka dari Tugas saya atau notifikasi."))
        return view(request, *args, **kwargs)
    return checked


def _archive_filter(request) -> ArchiveFilter:
    """The filter over this auditor's archive. Whose archive it is (the audited agencies) is
    read from the primary, live, also in a view that reads the cases from the replica."""
    with on_primary():
        return ArchiveFilter(request.GET, user=request.user, request=request)


def _query(request) -> str:
    """The filter as a query string, without the position in the list."""
    params = request.GET.copy()
    params.pop("page", None)  # the page numbers of before keyset paging: old bookmarks
    params.pop(CURSOR, None)
    return params.urlencode()


def _list_url(query: str) -> str:
    return f"{reverse('archive_list')}?{query}" if query else reverse("archive_list")


def _scope_label(agencies: set[int] | None) -> str:
    if agencies is None:
        return _("semua instansi")
    return ", ".join(Agency.objects.filter(pk__in=agencies).values_list("name", flat=True))


class BadCursor(ValueError):
    pass


@dataclass
class ArchivePage:
    """One page of the archive, found by seeking past the cursor's (closed_at, id): the same
    cost on the first page and the last, unlike an OFFSET that reads every row before it."""

    object_list: list = field(default_factory=list)
    count: int = 0
    count_capped: bool = False  # more than COUNT_CAP cases match: ``count`` is COUNT_CAP
    next_cursor: str = ""
    previous_cursor: str = ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def _fingerprint(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:16]


def _make_cursor(case, direction: str, count: int, capped: bool, query: str) -> str:
    return signing.dumps({"t": case.closed_at.isoformat(), "i": case.pk, "d": direction, "n": count,
                          "c": capped, "f": _fingerprint(query)}, salt="archive-cursor", compress=True)


def _read_cursor(value: str) -> dict:
    """The signed position a page link carries; anything else (edited, truncated, from another
    server) is refused as BadCursor, never a server error."""
    try:
        data = signing.loads(value, salt="archive-cursor")
        moment = datetime.datetime.fromisoformat(data["t"])
        if moment.tzinfo is None or data["d"] not in ("n", "p") or type(data["i"]) is not int:
            raise ValueError
        if type(data["n"]) is not int or type(data["c"]) is not bool or not isinstance(data["f"], str):
            raise ValueError
    except (signing.BadSignature, ValueError, TypeError, KeyError, OverflowError):
        raise BadCursor from None
    return {**data, "t": moment}


def _seek(cases: QuerySet, cursor: dict | None) -> list:
    """PER_PAGE + 1 cases after (or before) the cursor, newest closed first: the extra one says
    whether there is a further page. On PostgreSQL an index on (closed_at, id), or on
    (agency, closed_at, id) for one agency, is walked from the cursor on."""
    cases = cases.filter(closed_at__isnull=False)
    newest_first = ("-closed_at", "-pk")
    if cursor is None:
        return list(cases.order_by(*newest_first)[:PER_PAGE + 1])
    moment, pk = cursor["t"], cursor["i"]
    if cursor["d"] == "n":
        older = cases.filter(closed_at__lte=moment).filter(Q(closed_at__lt=moment) | Q(pk__lt=pk))
        return list(older.order_by(*newest_first)[:PER_PAGE + 1])
    newer = cases.filter(closed_at__gte=moment).filter(Q(closed_at__gt=moment) | Q(pk__gt=pk))
    return list(newer.order_by("closed_at", "pk")[:PER_PAGE + 1])


def _matches_page(filterset: ArchiveFilter, cursor: dict | None) -> tuple[list[int] | None, int | None]:
    """For a free-text search: the ids _seek would return (the PER_PAGE + 1 past the cursor, in
    its order) and how many match in all (None when no row is left past the cursor). Past
    COUNT_CAP matches no ids, where the archive is walked newest first, and the total found
    (so the page need not count them again). Without free text, neither.

    A search word often names one period ("04/2026"): walking the archive newest first until 25
    matches turn up would read tens of thousands of cases for an old one. Here the matches are
    found from the trigram index once (the LIMIT keeps the database from merging the search
    into a walk), then sorted and counted by the database, in one query returning one page."""
    if not (filterset.form.cleaned_data.get("q") or "").strip():
        return None, None
    matches = filterset.qs.filter(closed_at__isnull=False).order_by().values("closed_at", "pk")[:COUNT_CAP + 1]
    inner, params = matches.query.get_compiler(using=matches.db).as_sql()
    connection = connections[matches.db]
    past, order = "", "DESC"
    if cursor is not None:
        past = "WHERE (closed_at, pk) %s (%%s, %%s)" % ("<" if cursor["d"] == "n" else ">")
        params = (*params, connection.ops.adapt_datetimefield_value(cursor["t"]), cursor["i"])
        order = "DESC" if cursor["d"] == "n" else "ASC"
    sql = (f"SELECT pk, total FROM (SELECT m.closed_at, m.pk, COUNT(*) OVER () AS total FROM ({inner}) m) w "
           f"{past} ORDER BY closed_at {order}, pk {order} LIMIT %s")
    with connection.cursor() as db:
        db.execute(sql, (*params, PER_PAGE + 1))
        rows = db.fetchall()
    total = rows[0][1] if rows else (0 if cursor is None else None)
    if total is not None and total > COUNT_CAP:
        return None, total
    return [pk for pk, _total in rows], total


def archive_page(filterset: ArchiveFilter, raw_cursor: str | None, query: str) -> ArchivePage:
    """The page the cursor points at. The total is counted once, on the first page; the page
    links carry it on."""
    cursor = _read_cursor(raw_cursor) if raw_cursor else None
    if not filterset.is_valid():
        return ArchivePage()
    cases = archive_export.for_export(filterset.qs)
    ids, matched = _matches_page(filterset, cursor)
    if ids is None:
        rows = _seek(cases, cursor)
    else:
        found = {case.pk: case for case in cases.filter(pk__in=ids)}
        rows = [found[pk] for pk in ids if pk in found]
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    parse_specs(case.sop_version for case in rows)
    if cursor is not None and cursor["d"] == "p":
        rows.reverse()
    page = ArchivePage(object_list=rows)
    if matched is not None and cursor is None:
        page.count, page.count_capped = min(matched, COUNT_CAP), matched > COUNT_CAP
    elif cursor is not None and cursor["f"] == _fingerprint(query):
        page.count, page.count_capped = cursor["n"], cursor["c"]
    else:  # counted even when one page holds every match: the same queries for any archive
        page.count, page.count_capped = count_upto(filterset.qs, COUNT_CAP)
    if not rows:
        return page
    going_back = cursor is not None and cursor["d"] == "p"
    # Going forward there is a page before whenever we came by a cursor; going back, whenever
    # more rows were found than fit.
    if (going_back and more) or (cursor is not None and not going_back):
        page.previous_cursor = _make_cursor(rows[0], "p", page.count, page.count_capped, query)
    if (not going_back and more) or going_back:
        page.next_cursor = _make_cursor(rows[-1], "n", page.count, page.count_capped, query)
    return page


@auditor_required
@reads_from_replica
def archive_list(request):
    """The same number of queries on every page and for any size of archive (see
    tests/workflows/test_query_counts.py)."""
    filterset = _archive_filter(request)
    query = _query(request)
    bad_cursor = False
    try:
        page = archive_page(filterset, request.GET.get(CURSOR), query)
    except BadCursor:
        bad_cursor = True
        page = archive_page(filterset, None, query)
    for case in page.object_list:
        case.pelaksana = archive_export.pelaksana_names(case)
    jobs = list(request.user.export_jobs.filter(kind__in=ARCHIVE_EXPORTS)[:5])
    return render(request, "workflows/archive_list.html", {
        "filter": filterset, "page": page, "query": query, "scope": _scope_label(filterset.agencies),
        "jobs": jobs, "bad_cursor": bad_cursor,
    }, status=400 if filterset.errors or bad_cursor else 200)


def _valid_filter_or_back(request) -> tuple[ArchiveFilter, HttpResponse | None]:
    filterset = _archive_filter(request)
    if filterset.is_valid():
        return filterset, None
    messages.error(request, _("Filter belum benar; perbaiki isian yang ditandai lalu unduh lagi."))
    return filterset, redirect(_list_url(_query(request)))


def _table(request, kind: str):
    """The filtered archive as a CSV (streamed) or XLSX (at once, or for a large selection a
    background job); see views.exports.table_response."""
    filterset, back = _valid_filter_or_back(request)
    if back:
        return back
    query = _query(request)
    csv_url = f"{reverse('archive_csv')}?{query}" if query else reverse("archive_csv")
    return export_views.table_response(request, kind, exports.ARCHIVE, filterset.qs, query=query,
                                       back_url=_list_url(query), csv_url=csv_url)


@auditor_required
@reads_from_replica
def archive_csv(request):
    return _table(request, "csv")


@auditor_required
@reads_from_replica  # a GET; the POST that starts a job writes to the primary
@require_http_methods(["GET", "HEAD", "POST"])
def archive_xlsx(request):
    """POST: make a large selection's XLSX in the background."""
    return _table(request, "xlsx")


@auditor_required
@require_POST
def archive_zip(request):
    """Queue a ZIP of the case records the filter selects (the filter comes in the query string)."""
    filterset, back = _valid_filter_or_back(request)
    if back:
        return back
    query = _query(request)
    if not filterset.qs.exists():
        messages.warning(request, _("Tidak ada kasus yang cocok dengan filter ini; tidak ada yang diekspor."))
        return redirect(_list_url(query))
    return export_views.start(request, kind=ExportJob.Kind.CASE_RECORDS, query=query, back_url=_list_url(query))


def _job_for(request, job_id: int) -> ExportJob:
    """Only the person who asked for an export sees it; for anybody else it does not exist."""
    return get_object_or_404(ExportJob, pk=job_id, requested_by=request.user, kind__in=ARCHIVE_EXPORTS)


@auditor_required
def export_progress(request, job_id: int):
    job = _job_for(request, job_id)
    return export_views.progress(request, job, back_url=_list_url(job.query),
                                 back_label=_("Kembali ke arsip (filter yang sama)"))


@auditor_required
def export_download(request, job_id: int):
    return export_views.download(request, _job_for(request, job_id))
