"""No request ends in a server error, whatever is typed.

Every URL pattern of the site (read from the resolver) and every form a person can reach
(found by following the links of the pages as the demo people see them, step action forms
included) is sent hostile input: NUL and control characters, bytes that are not UTF-8,
huge strings and numbers, impossible dates and offsets, ``../``, markup. Each request runs
in a savepoint that is rolled back, so the demo data stays as loaded and the run is the
same every time (Hypothesis derandomized, no example database).
"""
from __future__ import annotations

import datetime
import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import quote_from_bytes, urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.models import Agency, Delegation, Role, Unit, User
from tests.conftest import SOP_DIR
from tests.workflows.driving import PDF, act, actor, case_at, run_to_end, start
from tests.workflows.test_national_templates import TEMPLATE_FILE
from tests.workflows.test_outside_parties import VERIFIKASI
from workflows.invitations import invitation_send
from workflows.authoring import draft_create, draft_submit
from workflows.models import Case, CaseRecord, ExportJob, Invitation, SopVersion
from workflows.sop_import import sop_import
from workflows.services import case_cancel
from worktime.models import CalendarException, WorkCalendar

pytestmark = pytest.mark.django_db

# -- what is sent ---------------------------------------------------------------------------

NASTY = [
    "", " ", "\x00", "a\x00b", "\x00" * 3, "\x01\x02\x1b[31m\x7f", "\t\r\n", "\u202e\u200b\ufeff", "\uffff",
    "../../../etc/passwd", "..", ".", "%00", "%", "%zz", "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>', "{{ 7|add:7 }}{% now 'Y' %}", "' OR '1'='1' --", '=HYPERLINK("http://x")',
    "-1", "0", "1.5", "1e400", "NaN", "9" * 25, "9" * 5000, "²", "٣", "١٢", "Ⅻ", "x" * 100_000, "😀" * 2000,
    "2026-02-30T08:00", "2026-13-45T99:99", "2026-11-23T08:00+99:00", "2026-11-23T08:00-99:59",
    "2026-11-23T08:00+14:59", "0001-01-01T00:00", "0001-01-01T00:00+14:00", "9999-12-31T23:59",
    "9999-12-31T23:59-12:00", "0000-00-00T00:00", "2026-11-23", "23/11/2026 08.00", "2026-11-23T08:00Z",
    "2026-02-30", "0001-01-01", "9999-12-31", "99999-01-01", "1899-12-31",
]
DATETIMES = st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?)?([+-][0-9]{2}:[0-9]{2}|Z)?\Z")
HOSTILE = st.one_of(
    st.sampled_from(NASTY), st.sampled_from(NASTY),  # twice: the known troublemakers come up often
    st.text(max_size=30),  # any code point but surrogates, NUL and controls included
    DATETIMES,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
BAD_DATES = [v for v in NASTY if v[:1].isdigit() and "-" in v]
# What each kind of input gets most: impossible dates for date fields, odd numbers for counters.
TYPED = {
    "datetime-local": st.one_of(st.sampled_from(BAD_DATES), DATETIMES),
    "date": st.one_of(st.sampled_from(BAD_DATES), DATETIMES),
    "hidden": st.one_of(st.sampled_from(["²", "9" * 5000, "9" * 25, "-1", "0", "٣"]), HOSTILE),
    "number": st.one_of(st.sampled_from(["²", "9" * 5000, "9" * 25, "-1", "0", "٣"]), HOSTILE),
}
# Raw bytes, percent-encoded: how a browser or a script delivers what is not UTF-8 (lone surrogates too).
RAW = st.one_of(st.binary(max_size=24), st.sampled_from([b"\xed\xa0\x80", b"\xff\xfe", b"\xc0\xaf", b"\x00"]))
PATH_TEXT = HOSTILE.filter(lambda s: s and "/" not in s and len(s) < 3000)
SLUG = st.one_of(st.sampled_from(["selesai", "ya", "tidak", "kembali", "batal"]), st.from_regex(r"\A[-a-zA-Z0-9_]+\Z"))
FILE_NAMES = st.one_of(st.sampled_from(["a.pdf", "../../x.pdf", "a\x00.pdf", "<b>.pdf", "x" * 300 + ".pdf",
                                        ".pdf", "é.PDF", "a.png"]), st.text(min_size=1, max_size=20))
FILE_BODIES = st.one_of(st.just(PDF), st.just(b""), st.binary(max_size=64), st.just(b"\x89PNG\r\n\x1a\n" + b"0" * 8))

# URL names a person never reaches by a link but that a program or an old bookmark may call.
EXTRA_PARAMS = {
    "announcements": ["instansi"], "announcements_json": ["instansi"], "announcements_feed": ["instansi"],
    "sop_sheet_pdf": ["versi"], "template_sheet_pdf": ["versi"], "template_adopt": ["instansi"],
    "sop_version_diff": ["banding"], "template_version_diff": ["banding"], "archive_list": ["page", "kursor"], "login": ["next"], "home": ["next"],
}
# Pages that render a PDF or build a ZIP cost a quarter of a second each: fewer examples.
EXPENSIVE = {"sop_sheet_pdf", "template_sheet_pdf", "case_record_pdf", "archive_zip", "monev_pdf"}
EXAMPLES = {"case_action": 160, "start_case": 60, "archive_list": 60}
DEFAULT_EXAMPLES, EXPENSIVE_EXAMPLES = 30, 6
# FUZZ_SCALE=10 for a long hunt on a workstation; CI runs the default, the same examples every time.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


# -- what there is to send it to -----------------------------------------------------------

def url_patterns(resolver=None, prefix_names=()):
    """(name, converters) of every named URL of the site but Django's admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from url_patterns(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, dict(getattr(entry.pattern, "converters", {}))


PATTERNS = dict(url_patterns())


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str  # the input's type (text, datetime-local, file, hidden...), "textarea" or "choice"
    options: tuple[str, ...] = ()
    value: str = ""


@dataclass(frozen=True)
class Target:
    name: str
    who: str | None
    kwargs: tuple  # valid URL arguments, as items
    method: str = "GET"
    fields: tuple[FormField, ...] = ()
    multipart: bool = False

    @property
    def path(self) -> str:
        return reverse(self.name, kwargs=dict(self.kwargs))


class FormParser(HTMLParser):
    """Forms and links of a page: enough to fill in each form as a browser would."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").upper(),
                               "multipart": a.get("enctype") == "multipart/form-data", "fields": {}})
        elif not self.forms or not a.get("name") and tag != "option":
            return
        elif tag in ("input", "textarea"):
            kind = a.get("type", "text") if tag == "input" else tag
            fields = self.forms[-1]["fields"]
            if kind in ("radio", "checkbox"):
                old = fields.get(a["name"])
                fields[a["name"]] = FormField(a["name"], "choice", (old.options if old else ()) + (a.get("value", "on"),))
            elif kind not in ("submit", "button"):
                fields[a["name"]] = FormField(a["name"], kind, value=a.get("value", ""))
            if kind == "submit" and a.get("name"):
                fields[a["name"]] = FormField(a["name"], "choice", (a.get("value", ""),))
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1]["fields"][a["name"]] = FormField(a["name"], "choice")
        elif tag == "option" and self._select:
            fields = self.forms[-1]["fields"]
            old = fields[self._select]
            fields[self._select] = FormField(old.name, "choice", old.options + (a.get("value", ""),))
        elif tag == "button" and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = FormField(a["name"], "choice", (a.get("value", ""),))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass
class World:
    clients: dict[str | None, tuple[Client, str]] = field(default_factory=dict)
    targets: dict[str, list[Target]] = field(default_factory=lambda: defaultdict(list))
    requests: int = 0
    forms: set = field(default_factory=set)

    def client(self, who: str | None) -> Client:
        if who not in self.clients:
            client = Client()
            if who:
                client.force_login(User.objects.get(username=who))
            self.clients[who] = (client, client.cookies.get(django_settings.SESSION_COOKIE_NAME))
        client, session = self.clients[who]
        # A fuzzed logout or language switch must not change who the next example is.
        client.cookies = SimpleCookie()
        if session is not None:
            client.cookies[django_settings.SESSION_COOKIE_NAME] = session.value
        return client

    def add(self, target: Target) -> None:
        if target not in self.targets[target.name]:
            self.targets[target.name].append(target)
            if target.fields:
                self.forms.add((target.name, target.method, target.who, target.kwargs))


FOLLOW = {"home", "my_tasks", "my_cases", "delegations", "start_list", "start_case", "sop_list", "sop_detail", "case_detail", "case_action",
          "case_cancel", "invitation_accept", "notifications", "announcements", "archive_list", "archive_export_progress", "deviation_export_progress", "login",
          "agency_home", "agency_detail", "agency_person", "agency_person_new", "agency_unit", "agency_unit_new",
          "agency_vocabulary", "password_set", "template_detail", "template_adopt", "calendar_edit", "overdue",
          "deviations", "monev", "monitoring_form", "sop_version_diff", "template_version_diff", "draft_list",
          "draft_new", "draft_edit"}


def crawl(world: World, who: str | None, start_paths: list[str]) -> None:
    """Follow this person's links through the site; every URL and form seen becomes a target."""
    seen, queue = set(), list(start_paths)
    while queue:
        path = queue.pop(0)
        if path in seen or len(seen) > 150:
            continue
        seen.add(path)
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            continue
        if not match.url_name:
            continue
        kwargs = tuple(sorted(match.kwargs.items()))
        world.add(Target(match.url_name, who, kwargs))
        if match.url_name not in FOLLOW:
            continue
        response = world.client(who).get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urlsplit(form["action"] or path)
            try:
                action_match = resolve(action.path)
            except Resolver404:
                continue
            fields = tuple(form["fields"].values())
            world.add(Target(action_match.url_name, who, tuple(sorted(action_match.kwargs.items())), form["method"],
                             fields, form["multipart"]))
        for href in parser.links:
            parts = urlsplit(href)
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(parts.path)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo people, the four seed SOPs, a case at every step of each, closed cases for the
    auditors, an export and a record; loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            call_command("load_demo", quiet_logins=True, stdout=open("/dev/null", "w"))
            call_command("import_sop", *sorted(str(p) for p in SOP_DIR.glob("*.yaml")), stdout=open("/dev/null", "w"))
            world = World()
            actors: dict[str, set[int]] = defaultdict(set)
            # Notifications and announcements are made on commit, which never comes inside this atomic block.
            with TestCase.captureOnCommitCallbacks(execute=True):
                for version in SopVersion.objects.all():
                    closed = run_to_end(start(version, "Kasus selesai"))
                    CaseRecord.objects.create(case=closed, generated_by=User.objects.get(username="auditor.bpk"))
                    for step in version.spec.steps:
                        case = case_at(version, step.no)
                        actors[actor(case).username].add(case.pk)
            # An SOP with an outside-party lane, a case waiting for it, and an open invitation.
            Role.objects.create(code="penyedia", name="Penyedia", scope=Role.Scope.OUTSIDE)
            Role.objects.create(code="verifikator", name="Verifikator", scope=Role.Scope.AGENCY)
            verifikasi, _new = sop_import(text=VERIFIKASI, source_name="verifikasi.yaml")
            waiting = act(start(verifikasi, "Verifikasi penyedia"), "complete")
            invitation_send(case_id=waiting.pk, lane_role="penyedia", name="Budi", organization="CV Uji",
                            email="budi@example.co.id", by=User.objects.get(username="admin.agency.ponorogo"))
            actors["admin.agency.ponorogo"].add(waiting.pk)
            token = "token-uji-fuzz"
            Invitation.objects.filter(case=waiting).update(token_sha256=hashlib.sha256(token.encode()).hexdigest())
            cancelled = start(SopVersion.objects.get(sop__code="PNG-UPDATE-SPSE"), "Kasus dibatalkan")
            case_cancel(case_id=cancelled.pk, by=User.objects.get(username="kepala.lpse.ponorogo"), reason="Uji")
            Delegation.objects.create(  # so that a head's page offers "Cabut"
                role_id="kepala_lpse", unit=Unit.objects.get(agency__code="ponorogo", kind_id="lpse"), kind="plh",
                delegate=User.objects.get(username="admin.agency.ponorogo"), starts_on=datetime.date(2026, 1, 1),
                ends_on=datetime.date(2030, 12, 31), sk_number="800/1/2026",
                delegated_by=User.objects.get(username="kepala.lpse.ponorogo"))
            job = ExportJob.objects.create(requested_by=User.objects.get(username="auditor.bpk"),
                                           status=ExportJob.Status.DONE)
            job.file.save("uji.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
            register_job = ExportJob.objects.create(requested_by=User.objects.get(username="kepala.lpse.ponorogo"),
                                                    kind=ExportJob.Kind.DEVIATIONS_XLSX, status=ExportJob.Status.DONE)
            register_job.file.save("uji.xlsx", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
            crawl(world, "kepala.lpse.ponorogo", [reverse("deviations"),
                                                  reverse("deviation_export_progress", args=[register_job.pk]),
                                                  reverse("deviation_export_download", args=[register_job.pk])])
            for who, cases in actors.items():
                crawl(world, who, ["/", reverse("start_list"), reverse("sop_list"), reverse("notifications")]
                      + [reverse("case_detail", args=[pk]) for pk in sorted(cases)])
            closed = Case.objects.filter(state="done").order_by("pk")
            crawl(world, "auditor.bpk", [reverse("archive_list"), reverse("archive_export_progress", args=[job.pk]),
                                         reverse("archive_export_download", args=[job.pk])]
                  + [reverse("case_detail", args=[c.pk]) for c in closed]
                  + [reverse("attachment_download", args=[a.case_id, a.pk])
                     for c in closed for a in c.attachments.all()[:1]])
            call_command("import_sop", str(TEMPLATE_FILE), stdout=open("/dev/null", "w"))
            # A revision of an SOP and of the template, so that their pages link to what changed.
            sop_import(text=(SOP_DIR / "ponorogo-pembaharuan-update-spse.yaml").read_text(encoding="utf-8")
                       .replace('waktu: "1 hari"', 'waktu: "2 hari"', 1), source_name="revisi.yaml")
            sop_import(text=TEMPLATE_FILE.read_text(encoding="utf-8").replace("waktu: 10 Menit", "waktu: 15 Menit", 1),
                       source_name="templat-revisi.yaml")
            CalendarException.objects.create(  # so that the calendar page offers "Hapus"
                calendar=WorkCalendar.objects.create(agency=Agency.objects.get(code="ponorogo")),
                starts_on=datetime.date(2026, 8, 11), ends_on=datetime.date(2026, 8, 11), kind="closed",
                note="Hari Jadi Ponorogo")
            crawl(world, "admin.instansi.ponorogo", [
                reverse("agency_home"), reverse("agency_detail", args=["ponorogo"]), reverse("agency_vocabulary"),
                reverse("sop_list"), reverse("template_detail", args=["LKPP-REG-ADMIN-PPE"]), "/sop/PNG-UPDATE-SPSE/",
                "/sop/PNG-UPDATE-SPSE/lembar.pdf", reverse("calendar_edit", args=["ponorogo"])])
            # SOP drafts: one being written (the editor) and one waiting for its signer (pengesahan).
            author = User.objects.get(username="penyusun.sop.kaltim")
            kaltim_v1 = SopVersion.objects.get(sop__code="KALTIM-REG-ADMIN-PPE")
            writing = draft_create(agency=kaltim_v1.sop.agency, by=author, origin="versi", base_version=kaltim_v1)
            waiting_draft = draft_submit(draft=draft_create(agency=kaltim_v1.sop.agency, by=author, origin="versi",
                                                            base_version=kaltim_v1), by=author)
            crawl(world, "penyusun.sop.kaltim", [reverse("draft_list"), reverse("draft_new"),
                                                 reverse("draft_edit", args=[writing.pk])])
            crawl(world, "kepala.biro.kaltim", [reverse("draft_list"), reverse("draft_edit", args=[waiting_draft.pk])])
            for target in list(world.targets["draft_edit"]):  # the editor saves as one types (htmx)
                if target.method == "POST":
                    world.add(Target("draft_autosave", target.who, target.kwargs, "POST", target.fields))
            sop = SopVersion.objects.filter(sop__code="PNG-UPDATE-SPSE").first().sop_id
            crawl(world, "kepala.lpse.ponorogo", [reverse("monitoring_form") + f"?sop={sop}"])
            newcomer = User.objects.get(username="admin.ppe.ponorogo")
            password_link = reverse("password_set", args=[urlsafe_base64_encode(force_bytes(newcomer.pk)),
                                                          default_token_generator.make_token(newcomer)])
            crawl(world, None, [password_link, password_link.rsplit("/", 2)[0] + "/set-password/"])
            crawl(world, None, ["/", "/favicon.ico", reverse("health"), reverse("login"), reverse("invitation_accept", args=[token]), reverse("announcements"), reverse("announcements_feed"),
                                reverse("announcements_json"), reverse("sop_schema"),
                                reverse("verify_record", args=[CaseRecord.objects.first().code])])
            for record in CaseRecord.objects.all()[:2]:
                world.add(Target("case_record_pdf", "auditor.bpk", (("pk", record.case_id),)))
            for name, params in EXTRA_PARAMS.items():
                for target in list(world.targets.get(name, [])):
                    if target.method == "GET":
                        world.add(Target(name, target.who, target.kwargs, "GET",
                                         target.fields + tuple(FormField(p, "text") for p in params)))
            yield world
            transaction.set_rollback(True)


# -- the requests ---------------------------------------------------------------------------

@st.composite
def requests(draw, target: Target):
    """One request to ``target``: hostile URL arguments, or the page's form filled with hostile values."""
    kwargs = dict(target.kwargs)
    if kwargs and draw(st.integers(0, 3)) == 0:
        converters = PATTERNS[target.name]
        for name in kwargs:
            kind = type(converters[name]).__name__
            kwargs[name] = draw({"IntConverter": st.one_of(st.integers(0, 10**30), st.just(kwargs[name])),
                                 "SlugConverter": SLUG}.get(kind, PATH_TEXT))
    try:
        path = reverse(target.name, kwargs=kwargs)
    except NoReverseMatch:
        path = target.path
    data, files = {}, {}
    for f in target.fields:
        how = draw(st.integers(0, 3))
        if f.kind == "file":
            if how:
                files[f.name] = SimpleUploadedFile(draw(FILE_NAMES).replace("/", "_") or "x", draw(FILE_BODIES))
        elif how == 0:
            continue  # left out
        elif how == 1 and (f.options or f.value):
            data[f.name] = draw(st.sampled_from(f.options or (f.value,)))
        else:
            data[f.name] = draw(st.one_of(TYPED.get(f.kind, HOSTILE), HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3)))
    if draw(st.integers(0, 5)) == 0:
        data[draw(st.sampled_from(["rows-data_pokja", "add_row", "page", "next", "x\x00y", "data_pokja-2-nip"]))] = (
            draw(HOSTILE))
    raw = None
    if draw(st.integers(0, 4)) == 0:
        # Not UTF-8 at all, as a form field and as a name.
        name = draw(st.sampled_from([f.name for f in target.fields] or ["q"]))
        raw = f"{quote_from_bytes(name.encode())}={quote_from_bytes(draw(RAW))}&{quote_from_bytes(draw(RAW))}=1"
    return path, data, files, raw


def send(world: World, target: Target, request) -> int:
    path, data, files, raw = request
    client = world.client(target.who)
    world.requests += 1
    with transaction.atomic():
        if target.method == "GET":
            query = raw if raw is not None else urlencode(data, doseq=True)
            response = client.get(path, QUERY_STRING=query)
        elif raw is not None:
            response = client.post(path, raw, content_type="application/x-www-form-urlencoded")
        elif target.multipart or files:
            response = client.post(path, {**data, **files})
        else:
            response = client.post(path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    return response.status_code


def examples_for(name: str) -> int:
    return max(1, int(SCALE * (EXPENSIVE_EXAMPLES if name in EXPENSIVE else EXAMPLES.get(name, DEFAULT_EXAMPLES))))


def test_every_url_of_the_site_is_fuzzed(world):
    missing = sorted(set(PATTERNS) - set(world.targets))
    assert not missing, f"no target for {missing}: give the crawler a way to them"
    assert len(world.targets["case_action"]) >= 20  # a step action form for every step of the seed SOPs


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_input_ends_in_a_server_error(world, name):
    targets = world.targets[name]

    @hsettings(max_examples=examples_for(name), deadline=None, derandomize=True, database=None,
               suppress_health_check=list(HealthCheck))
    @given(st.data())
    def fuzz(data):
        target = data.draw(st.sampled_from(targets), label="target")
        request = data.draw(requests(target), label="request")
        status = send(world, target, request)
        assert status < 500, (target, request[0])

    fuzz()


def test_the_fuzzing_covered_every_form(world):
    """The figures the README quotes; run last in the module."""
    covered = {name for name, *_ in world.forms}
    assert {"case_action", "start_case", "case_cancel", "archive_list", "login", "set_language"} <= covered
    print(f"\nfuzz: {world.requests} requests, {len(PATTERNS)} URL patterns, {len(world.forms)} forms "
          f"({len(world.targets['case_action'])} step action forms)")
