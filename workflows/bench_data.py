"""National-scale bench data (issue 13): ``manage.py seed_bench --agencies 600 --cases 100000``.

Builds, deterministically from ``--seed`` and a fixed anchor moment, what a national
deployment holds: the demo agencies and people (``load_demo``) and the four seed SOPs, then
N more agencies, each with its units (LPSE, UKPBJ, Inspektorat; Biro PBJ for provinces),
staff holding every role the seed SOPs need, and its own copy of the four seed SOPs; more
PM LKPP (national) and BPK auditors; and cases in every state with their step runs,
kelengkapan, attachments (small real PDFs under MEDIA_ROOT), history, hash-chained ledger
and in-app notifications.

Rows are written in bulk (COPY on PostgreSQL, executemany elsewhere) with primary keys
assigned here, so cross references need no round trip. They are the rows the services
would have written (workflows.services): the same fields, the same ledger order per action
(attachments and kelengkapan, history row, the finished step run, the next step run), the
same canonical payload and chain (workflows.ledger.canonical/digest), due and reminder
times from the agency's working calendar (worktime.calendar), the engine's invariants
(a case's state is the target of its last history row; an open case has one open step run;
a closed case has closed_at and no open step run).

Not generated: outgoing email, deadline notices, announcements and dissemination rows that
the KKP SOP's effects would write, take/assign moves, delegations, printed records.
"""
from __future__ import annotations

import datetime
import hashlib
import io
import json
import random
import re
import time
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.text import slugify

from accounts.models import Agency, Role, RoleAssignment, TimeZone, Unit, UnitKind, User
from workflows import ledger, states
from workflows.definitions import END, SopSpec, parse_definition
from workflows.models import (Attachment, Case, CaseEvent, CaseInput, LedgerEntry, Notification, Sop,
                              SopVersion, StepRun)
from worktime.calendar import calendar_for

UTC = datetime.UTC
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
# "Now" of the generated world: every case starts, moves and closes before it. Fixed, so the
# same seed gives the same data whatever day it runs (pass --anchor to move it).
DEFAULT_ANCHOR = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=WIB)
SOP_DIR = Path(settings.BASE_DIR) / "fixtures" / "sops"
PASSWORD = "demo-lpse-2026"  # as the demo people's (fixtures/demo/people.yaml)
FILE_POOL = 64  # distinct small PDFs; attachments share them (each row valid: name, size, SHA-256)
CHUNK = 2000  # cases generated and written per batch
# The reference agency (the first generated, a province) holds the same cases at every size: its
# j-th case is drawn from its own random stream, so its people's inboxes, Monev and registers hold
# the same work whether the nation around it has 1,000 cases or 100,000; the bench compares those
# pages across sizes (what grows is the rest of the nation, not the page). It holds
# max(REFERENCE_CASES, twice an average agency's share), at most half the cases.
REFERENCE_CASES = 400


class BenchRefused(Exception):
    pass


# -- names ---------------------------------------------------------------------------------

_PLACE_HEADS = ("Suka", "Tanjung", "Karang", "Sri", "Bukit", "Muara", "Pasir", "Sungai", "Banyu", "Gunung",
                "Teluk", "Rejo", "Mekar", "Sido", "Tegal", "Labuhan", "Batu", "Kali", "Lubuk", "Padang")
_PLACE_TAILS = ("jaya", "maju", "makmur", "asri", "raya", "sari", "mulya", "agung", "baru", "indah",
                "harjo", "wangi", "lestari", "mukti")
_PROVINCES = ("Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Jambi", "Sumatera Selatan", "Bengkulu",
              "Lampung", "Kepulauan Bangka Belitung", "Kepulauan Riau", "DKI Jakarta", "Jawa Barat",
              "Jawa Tengah", "DI Yogyakarta", "Jawa Timur", "Banten", "Bali", "Nusa Tenggara Barat",
              "Nusa Tenggara Timur", "Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan",
              "Kalimantan Utara", "Sulawesi Utara", "Sulawesi Tengah", "Sulawesi Selatan", "Sulawesi Tenggara",
              "Gorontalo", "Sulawesi Barat", "Maluku", "Maluku Utara", "Papua", "Papua Barat")
_MINISTRIES = ("Kementerian Pekerjaan Umum", "Kementerian Kesehatan", "Kementerian Perhubungan",
               "Kementerian Pertanian", "Kementerian Keuangan", "Kementerian Agama", "Kementerian Sosial",
               "Kementerian Perindustrian", "Kementerian Perdagangan", "Kementerian Dalam Negeri",
               "Kementerian Luar Negeri", "Kementerian Pertahanan", "Kementerian Hukum",
               "Kementerian Lingkungan Hidup", "Kementerian Kehutanan", "Kementerian Koperasi",
               "Kementerian Pariwisata", "Kementerian Ketenagakerjaan", "Kementerian Perumahan",
               "Badan Pusat Statistik", "Badan Pertanahan Nasional", "Badan Meteorologi Klimatologi dan Geofisika",
               "Badan Nasional Penanggulangan Bencana", "Badan Riset dan Inovasi Nasional",
               "Badan Pengawas Obat dan Makanan", "Kepolisian Negara Republik Indonesia",
               "Kejaksaan Republik Indonesia", "Mahkamah Agung", "Badan Kepegawaian Negara",
               "Arsip Nasional Republik Indonesia")
# Zones by province, roughly as they are (WIB west, WITA centre, WIT east).
_WITA = {"Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Selatan", "Kalimantan Utara",
         "Sulawesi Utara", "Sulawesi Tengah", "Sulawesi Selatan", "Sulawesi Tenggara", "Gorontalo", "Sulawesi Barat"}
_WIT = {"Maluku", "Maluku Utara", "Papua", "Papua Barat"}
_FIRST = ("Agus", "Budi", "Dewi", "Sri", "Eko", "Rina", "Hendra", "Yuni", "Bambang", "Siti", "Andi", "Nurul",
          "Fajar", "Rizky", "Putu", "Made", "Wayan", "Lestari", "Dimas", "Bayu", "Indah", "Teguh", "Ratna",
          "Yoga", "Fitri", "Hadi", "Wahyu", "Ayu", "Imam", "Novi", "Arif", "Mega", "Joko", "Desi", "Rahmat")
_LAST = ("Pramono", "Wahyuni", "Saputra", "Kartikasari", "Setiawan", "Handayani", "Wijaya", "Astuti",
         "Hermawan", "Aini", "Pratama", "Nugroho", "Rahmawati", "Gunawan", "Hidayat", "Anggraini", "Susanto",
         "Siregar", "Nasution", "Lubis", "Simanjuntak", "Sitompul", "Manurung", "Tanjung", "Harahap",
         "Lestari", "Kurniawan", "Permana", "Sulistyo", "Firmansyah")
_DEGREES = ("S.Kom.", "S.T.", "S.E.", "S.H.", "A.Md.", "S.Kom., M.M.", "S.T., M.T.", "S.E., M.Ak.", "M.Si.")
_LATE_REASONS = ("Beban kerja tinggi minggu ini", "Kepala LPSE dinas luar kota", "Server SPSE sedang dalam "
                 "pemeliharaan", "Menunggu tanda tangan basah pimpinan", "Jaringan internet kantor terputus",
                 "Pegawai yang bertugas sedang cuti sakit", "Rapat koordinasi sepanjang hari",
                 "Menunggu konfirmasi dari LKPP")
_RETURN_REASONS = ("Laporan rilis belum dilampirkan", "Nomor surat belum sesuai", "Lampiran tidak terbaca, "
                   "mohon dipindai ulang", "Data Pokja belum lengkap", "Mohon perbaiki perihal surat")
_CANCEL_REASONS = ("Permintaan ditarik oleh UKPBJ", "Diganti permohonan baru", "Salah memilih SOP",
                   "Pemeliharaan dibatalkan oleh LKPP", "Personil yang diajukan mutasi")
_PAKET = ("Jalan Desa", "Rehab Puskesmas", "Gedung Sekolah", "Jembatan Kabupaten", "Irigasi", "Alat Kesehatan",
          "Pasar Rakyat", "Drainase Kota", "Kendaraan Dinas", "Sistem Informasi")

# Staff of each generated agency: role, unit kind, how many.
STAFF = (("kepala_ukpbj", "ukpbj", 1), ("kepala_lpse", "lpse", 1), ("admin_ppe", "lpse", 2),
         ("admin_agency", "lpse", 1), ("admin_sistem", "lpse", 1), ("helpdesk", "lpse", 2), ("pokja", "ukpbj", 3),
         ("auditor", "inspektorat", 1), ("admin_instansi", "lpse", 1), ("penyusun_sop", "lpse", 1))
JABATAN = {"kepala_ukpbj": "Kepala Bagian Pengadaan Barang dan Jasa", "kepala_lpse": "Kepala LPSE",
           "admin_ppe": "Pranata Komputer Ahli Pertama", "admin_agency": "Pengelola Layanan Pengadaan",
           "admin_sistem": "Pranata Komputer Ahli Muda", "helpdesk": "Pengelola Layanan Pengadaan",
           "pokja": "Pengelola Pengadaan Barang/Jasa Ahli Pertama", "auditor": "Auditor Ahli Muda",
           "admin_instansi": "Pranata Komputer Ahli Pertama", "penyusun_sop": "Analis Kebijakan",
           "pm_lkpp": "Program Manager Direktorat e-Procurement"}
NATIONAL_PM = 5  # PM LKPP besides the demo one
NATIONAL_AUDITORS = 3  # BPK auditors besides the demo one


# -- writing rows in bulk ------------------------------------------------------------------

class Writer:
    """Buffers rows (dicts by attname) per model and writes them with explicit primary keys."""

    MODELS = (Case, StepRun, Attachment, CaseInput, CaseEvent, LedgerEntry, Notification)

    def __init__(self):
        self.rows: dict[type, list[dict]] = {m: [] for m in self.MODELS}
        self.counts: dict[str, int] = {}
        self.next_id = {m: (m.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1 for m in self.MODELS}
        self.postgres = connection.vendor == "postgresql"

    def new_id(self, model) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def add(self, model, row: dict) -> dict:
        self.rows[model].append(row)
        return row

    def flush(self) -> None:
        for model in self.MODELS:
            rows = self.rows[model]
            if rows:
                write_rows(model, rows, self.postgres)
                self.counts[model._meta.db_table] = self.counts.get(model._meta.db_table, 0) + len(rows)
                self.rows[model] = []


def write_rows(model, rows: list[dict], postgres: bool | None = None) -> None:
    fields = model._meta.concrete_fields
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if postgres is None:
        postgres = connection.vendor == "postgresql"
    if postgres:
        jsons = [isinstance(f, models.JSONField) for f in fields]
        names = [f.attname for f in fields]
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([json.dumps(row[n], ensure_ascii=False) if j else row[n]
                                    for n, j in zip(names, jsons)])
        return
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[f.get_db_prep_save(row[f.attname], connection) for f in fields] for row in rows])


def reset_sequences(*model_list) -> None:
    """After explicit primary keys: the next row the application writes gets the next number."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(model_list)):
            cursor.execute(sql)


class Row(dict):
    """A row as a dict that ``ledger.canonical`` can read by attribute."""

    __getattr__ = dict.__getitem__


# -- the generated world ------------------------------------------------------------------

@dataclass
class Holder:
    user_id: int
    unit_id: int
    acting: str
    full_name: str


@dataclass
class Runnable:
    """An SOP version one agency runs, with what a case of it needs."""

    version_id: int
    spec: SopSpec
    agency: Agency
    unit_id: int
    head_role: str | None
    calendar: object


@dataclass
class Report:
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"{table:<32} {count:>10,}" for table, count in sorted(self.rows.items())]
        out += [f"kasus {state:<26} {count:>10,}" for state, count in sorted(self.states.items())]
        out += [f"fase {name:<27} {secs:>9.1f} s" for name, secs in self.phases.items()]
        out.append(f"{'total':<32} {self.seconds:>9.1f} s")
        return out


def _nip(rng: random.Random, used: set[str]) -> str:
    while True:
        birth = datetime.date(rng.randint(1965, 1998), rng.randint(1, 12), rng.randint(1, 28))
        year = min(birth.year + rng.randint(22, 30), 2024)
        nip = f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{rng.choice('12')}{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}, {rng.choice(_DEGREES)}"


def _agency_names(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(name, short name for the code, zone): provinces, ministries, then regencies and cities."""
    out = []
    for province in _PROVINCES:
        zone = TimeZone.WITA if province in _WITA else TimeZone.WIT if province in _WIT else TimeZone.WIB
        out.append((f"Pemerintah Provinsi {province}", f"prov {province}", zone))
    out += [(name, name.replace("Kementerian", "kem").replace("Badan", "bdn"), TimeZone.WIB) for name in _MINISTRIES]
    places = [h + t for h in _PLACE_HEADS for t in _PLACE_TAILS]
    rng.shuffle(places)
    zones = [TimeZone.WIB] * 6 + [TimeZone.WITA] * 3 + [TimeZone.WIT]
    for i, place in enumerate(places * 4):
        kind = "Kabupaten" if i % 3 else "Kota"
        suffix = f" {i // len(places) + 1}" if i >= len(places) else ""
        out.append((f"Pemerintah {kind} {place}{suffix}", f"{'kab' if kind == 'Kabupaten' else 'kota'} {place}{suffix}",
                    rng.choice(zones)))
    head, rest = out[:8], out[8:]  # a few provinces and ministries first, then a shuffled mix
    rng.shuffle(rest)
    return (head + rest)[:count]


def _pdf(i: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"Berkas contoh {i}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _file_pool(seed: int) -> list[tuple[str, int, str]]:
    """Small real PDFs under MEDIA_ROOT (name, size, SHA-256), written once per seed."""
    pool = []
    for i in range(FILE_POOL):
        data = _pdf(i)
        name = f"cases/bench/{seed}/berkas-{i:03d}.pdf"
        path = Path(default_storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        pool.append((name, len(data), hashlib.sha256(data).hexdigest()))
    return pool


def _rewritten(text: str, agency_code: str) -> str:
    return re.sub(r'^agency:\s*"?[^"\n]*"?\s*$', f'agency: "{agency_code}"', text, count=1, flags=re.M)


def seed_texts() -> list[tuple[str, str, dict]]:
    """The seed SOP files: (file name, text, definition as the importer stores it)."""
    out = []
    for path in sorted(SOP_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        out.append((path.name, text, parse_definition(text, path.name).as_data()))
    return out


def definition_for(definition: dict, agency_code: str) -> dict:
    """A seed definition for another agency: what importing the seed text with ``agency:``
    rewritten stores (tests/workflows/test_seed_bench.py checks it)."""
    return {**definition, "agency": agency_code}


class Builder:
    def __init__(self, *, agencies: int, cases: int, seed: int, anchor: datetime.datetime, log,
                 reference_cases: int = REFERENCE_CASES):
        self.n_agencies, self.n_cases, self.seed, self.anchor = agencies, cases, seed, anchor.astimezone(UTC)
        self.reference_cases = reference_cases
        self.rng = random.Random(seed)
        self.log = log
        self.report = Report()
        self.holders: dict[tuple[int | None, str], list[Holder]] = {}
        self.runnables: list[Runnable] = []

    # -- master data ------------------------------------------------------------------

    def demo(self) -> None:
        from accounts.demo import load_demo
        from workflows.sop_import import sop_import

        load_demo()
        for path in sorted(SOP_DIR.glob("*.yaml")):
            sop_import(text=path.read_text(encoding="utf-8"), source_name=path.name)

    def agencies(self) -> None:
        rng = random.Random(f"{self.seed}-agencies")
        start = self.anchor - datetime.timedelta(days=800)
        password = make_password(PASSWORD, salt=f"benchseed{self.seed}")
        used_codes = set(Agency.objects.values_list("code", flat=True))
        used_names = set(User.objects.values_list("username", flat=True))
        used_nips = set(User.objects.exclude(nip=None).values_list("nip", flat=True))
        next_agency = (Agency.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        next_unit = (Unit.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        next_user = (User.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        next_ra = (RoleAssignment.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        agencies, units, users, assignments = [], [], [], []

        def person(username, agency_id, unit_id, role, acting=""):
            nonlocal next_user, next_ra
            while username in used_names:
                username += "x"
            used_names.add(username)
            users.append(User(id=next_user, username=username, password=password, full_name=_person_name(rng),
                              email=f"{username}@bench.lpse.localhost", nip=_nip(rng, used_nips),
                              pangkat_golongan=rng.choice(("III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b")),
                              jabatan=JABATAN.get(role, ""), phone=f"08{rng.randint(11, 99)} "
                              f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}", agency_id=agency_id,
                              date_joined=start, is_active=True))
            assignments.append(RoleAssignment(id=next_ra, user_id=next_user, role_id=role, unit_id=unit_id,
                                              acting=acting))
            next_user += 1
            next_ra += 1

        kinds = {"lpse": "LPSE", "ukpbj": "Bagian Pengadaan Barang dan Jasa", "inspektorat": "Inspektorat",
                 "biro_pbj": "Biro Pengadaan Barang dan Jasa"}
        for name, short, zone in _agency_names(self.n_agencies, rng):
            code = slugify(short)[:36] or "instansi"
            while code in used_codes:
                code += "-2"
            used_codes.add(code)
            agency_id = next_agency
            next_agency += 1
            agencies.append(Agency(id=agency_id, code=code, name=name, time_zone=zone))
            place = name.removeprefix("Pemerintah ")
            unit_ids = {}
            for kind in ("lpse", "ukpbj", "inspektorat") + (("biro_pbj",) if "Provinsi" in name else ()):
                units.append(Unit(id=next_unit, agency_id=agency_id, kind_id=kind, name=f"{kinds[kind]} {place}"))
                unit_ids[kind] = next_unit
                next_unit += 1
            for role, kind, count in STAFF:
                for i in range(1, count + 1):
                    acting = "plt" if role == "kepala_ukpbj" and rng.random() < 0.1 else ""
                    person(f"{role.replace('_', '.')}{i if count > 1 else ''}.{code}", agency_id, unit_ids[kind],
                           role, acting)
        lkpp_unit = Unit.objects.get(agency__code="lkpp", kind_id="direktorat")
        bpk_unit = Unit.objects.get(agency__code="bpk", kind_id="inspektorat")
        for i in range(2, NATIONAL_PM + 2):
            person(f"pm.lkpp.{i}", lkpp_unit.agency_id, lkpp_unit.pk, "pm_lkpp")
        for i in range(2, NATIONAL_AUDITORS + 2):
            person(f"auditor.bpk.{i}", bpk_unit.agency_id, bpk_unit.pk, "auditor")
        Agency.objects.bulk_create(agencies)
        Unit.objects.bulk_create(units)
        User.objects.bulk_create(users)
        RoleAssignment.objects.bulk_create(assignments)
        reset_sequences(Agency, Unit, User, RoleAssignment)
        self.report.rows.update({"accounts_agency (baru)": len(agencies), "accounts_unit (baru)": len(units),
                                 "accounts_user (baru)": len(users),
                                 "accounts_roleassignment (baru)": len(assignments)})
        self.new_agency_ids = [a.id for a in agencies]

    def sops(self) -> None:
        texts = seed_texts()
        imported_at = self.anchor - datetime.timedelta(days=400)
        next_sop = (Sop.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        next_version = (SopVersion.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        sops, versions = [], []
        names = {name: SopSpec.from_data(definition).name for name, _text, definition in texts}
        for agency in Agency.objects.filter(pk__in=self.new_agency_ids).order_by("pk"):
            for name, text, definition in texts:
                own = _rewritten(text, agency.code)
                sops.append(Sop(id=next_sop, code=definition["code"], agency_id=agency.pk, name=names[name]))
                versions.append(SopVersion(id=next_version, sop_id=next_sop, number=1, source_name=name,
                                           source_text=own, source_sha256=hashlib.sha256(own.encode()).hexdigest(),
                                           definition=definition_for(definition, agency.code),
                                           imported_at=imported_at))
                next_sop += 1
                next_version += 1
        Sop.objects.bulk_create(sops)
        SopVersion.objects.bulk_create(versions)
        reset_sequences(Sop, SopVersion)
        self.report.rows.update({"workflows_sop (baru)": len(sops), "workflows_sopversion (baru)": len(versions)})

    def who(self) -> None:
        """Who holds which role where, and every SOP version that runs (one per SOP and agency)."""
        for ra in (RoleAssignment.objects.filter(user__is_active=True).select_related("user", "role", "unit")
                   .order_by("pk")):
            key = (None if ra.role.scope == Role.Scope.NATIONAL else ra.unit.agency_id, ra.role_id)
            self.holders.setdefault(key, []).append(Holder(ra.user_id, ra.unit_id, ra.acting, ra.user.full_name))
        units = {(u.agency_id, u.kind_id): u.pk for u in Unit.objects.all()}
        heads = dict(UnitKind.objects.values_list("code", "head_role_id"))
        calendars, specs, latest = {}, {}, {}
        for version in SopVersion.objects.filter(sop__agency__isnull=False).order_by("sop_id", "number"):
            latest[version.sop_id] = version
        for sop in Sop.objects.filter(agency__isnull=False).select_related("agency").order_by("pk"):
            version = latest.get(sop.pk)
            if version is None:
                continue
            spec_key = json.dumps(definition_for(version.definition, ""), sort_keys=True)
            if spec_key not in specs:
                specs[spec_key] = SopSpec.from_data(version.definition)
            spec = specs[spec_key]
            unit_id = units.get((sop.agency_id, spec.unit))
            if unit_id is None or not all(self._lane(sop.agency_id, lane.role) for lane in spec.lanes):
                continue  # not runnable here: the unit or a lane's holder is missing
            if sop.agency_id not in calendars:
                calendars[sop.agency_id] = calendar_for(sop.agency)
            self.runnables.append(Runnable(version.pk, spec, sop.agency, unit_id, heads.get(spec.unit),
                                           calendars[sop.agency_id]))

    def _lane(self, agency_id: int, role: str) -> list[Holder]:
        return self.holders.get((agency_id, role)) or self.holders.get((None, role)) or []

    # -- cases ------------------------------------------------------------------------

    def cases(self) -> None:
        writer = Writer()
        self.writer = writer
        self.files = _file_pool(self.seed)
        reference_id = self.new_agency_ids[0] if self.new_agency_ids else None
        reference = [r for r in self.runnables if r.agency.pk == reference_id]
        others = [r for r in self.runnables if r.agency.pk != reference_id]
        if not others:  # the reference agency alone: no nation around it to grow
            reference, others = [], reference
        by_code: dict[str, list[Runnable]] = {}
        for runnable in others:
            by_code.setdefault(runnable.spec.code, []).append(runnable)
        codes = sorted(by_code)
        # The first cases cover every state of every SOP (done, cancelled, waiting at each step);
        # the rest follow the national mix, the reference agency's spread evenly among them.
        coverage = [(code, fate) for code in codes for fate in
                    ["done", "cancelled"] + [f"open:{s.no}" for s in by_code[code][0].spec.steps]]
        rest = max(0, self.n_cases - len(coverage))
        wanted = max(self.reference_cases, 2 * self.n_cases // max(1, self.n_agencies)) if reference else 0
        in_reference = min(rest // 2, wanted)
        for i in range(self.n_cases):
            rng = random.Random(f"{self.seed}-case-{i}")
            if i < len(coverage):
                code, fate = coverage[i]
                runnable = rng.choice(by_code[code])
                rng.coverage = True  # starts early enough to reach its step before the anchor
            else:
                k = i - len(coverage)  # the k-th of the rest; the j-th reference case where j changes
                j = k * in_reference // rest
                if (k + 1) * in_reference // rest != j:
                    rng = random.Random(f"{self.seed}-reference-{j}")
                    runnable, fate = _national_mix(rng, reference)
                else:
                    runnable, fate = _national_mix(rng, others)
            self.case(runnable, fate, rng)
            if (i + 1) % CHUNK == 0:
                writer.flush()
                self.log(f"  {i + 1:,} kasus")
        writer.flush()
        reset_sequences(*Writer.MODELS)
        self.report.rows.update(writer.counts)

    def _pick(self, rng, runnable: Runnable, role: str) -> Holder:
        return rng.choice(self._lane(runnable.agency.pk, role))

    def case(self, r: Runnable, fate: str, rng: random.Random) -> None:
        w, spec, cal = self.writer, r.spec, r.calendar
        target = int(fate.split(":")[1]) if fate.startswith("open:") else None
        # When it starts: open cases are recent, finished ones spread over the year.
        forced = fate.startswith("open:") and getattr(rng, "coverage", False)
        span = 60 if forced else 30 if target is not None else 365
        floor = 40 if forced else 0
        while True:
            moment = self.anchor - datetime.timedelta(days=rng.uniform(floor, span))
            moment = cal.add_working_minutes(moment, rng.randint(0, 300)).replace(microsecond=0)
            if moment < self.anchor:
                break
        case_id = w.new_id(Case)
        starter = self._pick(rng, r, spec.first_step.lane)
        case = w.add(Case, {"id": case_id, "sop_version_id": r.version_id, "agency_id": r.agency.pk,
                            "unit_id": r.unit_id, "title": _title(spec.code, moment, rng), "state": states.NEW,
                            "current_role": "", "started_by_id": starter.user_id, "started_at": moment,
                            "closed_at": None, "cancel_reason": "", "archive_text": ""})
        self._chain = {"case_id": case_id, "seq": 0, "hash": ""}
        case_runs: list[dict] = []

        def close(**fields) -> None:
            """Close the case, with the text the archive searches (workflows.archive.archive_text)."""
            case.update(**fields)
            parts = [case["title"], case["cancel_reason"]]
            parts += [part for run in case_runs for part in (run["note"], run["late_reason"])]
            case["archive_text"] = "\n".join(part for part in parts if part)
        link = self._link

        def event(holder: Holder, role: str, at, action: str, from_state: str, to_state: str, note: str = ""):
            row = w.add(CaseEvent, {"id": w.new_id(CaseEvent), "case_id": case_id, "at": at,
                                    "actor_id": holder.user_id, "role_id": role, "unit_id": holder.unit_id,
                                    "acting": holder.acting, "on_behalf_of_id": None, "action": action,
                                    "from_state": from_state, "to_state": to_state, "note": note})
            link("event", row, at)

        def activate(step, at, returned: tuple[str, str] | None = None, notify: bool = True) -> dict:
            due = cal.due(step.waktu, at)
            remind = cal.reminder(step.waktu, at, due)
            run = w.add(StepRun, {"id": w.new_id(StepRun), "case_id": case_id, "step_no": step.no,
                                  "lane_role": step.lane, "activated_at": at,
                                  "due_at": due.replace(microsecond=0) if due else None,
                                  "remind_at": remind.replace(microsecond=0) if remind else None,
                                  "assignee_id": None, "completed_at": None, "actor_id": None, "actor_unit_id": None,
                                  "actor_acting": "", "actor_on_behalf_of_id": None, "outcome": "", "note": "",
                                  "late_reason": ""})
            case_runs.append(run)
            link("steprun", run, at)
            if notify:
                values = {"sop": spec.name, "title": case["title"], "no": step.no, "kegiatan": step.kegiatan}
                if returned:
                    message = ("%(sop)s — \"%(title)s\": langkah %(no)d (%(kegiatan)s) dikembalikan kepada Anda oleh "
                               "%(by)s: %(reason)s") % (values | {"by": returned[0], "reason": returned[1]})
                else:
                    message = "%(sop)s — \"%(title)s\": langkah %(no)d (%(kegiatan)s) menunggu Anda." % values
                people = {h.user_id for h in self._lane(r.agency.pk, step.lane)}
                run["_notices"] = [w.add(Notification, {"id": w.new_id(Notification), "user_id": user_id,
                                                        "case_id": case_id, "step_run_id": run["id"],
                                                        "message": message[:500], "created_at": at,
                                                        "read_at": None})
                                   for user_id in sorted(people)]
            return run

        def finish(run: dict, holder: Holder, at, outcome: str, note: str) -> None:
            run.update(completed_at=at, actor_id=holder.user_id, actor_unit_id=holder.unit_id,
                       actor_acting=holder.acting, outcome=outcome, note=note)
            for notice in run.pop("_notices", ()):
                notice["read_at"] = at
            link("steprun", run, at)

        # case_start (or case_open: the start form does the first step at once)
        at_once = rng.random() < 0.95 and target != spec.first_step.no
        state = states.of_step(spec.first_step.no)
        event(starter, spec.first_step.lane, moment, "start", states.NEW, state)
        run = activate(spec.first_step, moment, notify=not at_once)
        step = spec.first_step
        holder = starter
        loops = returns = moves = 0
        cancel_after = (rng.randint(1, len(spec.steps) - 1) if fate == "cancelled" and r.head_role else None)
        while True:
            if target is not None and step.no == target:
                break
            # When this step is done (or returned, or the case cancelled), in working time.
            if moves == 0 and at_once:
                done, late = moment, False
            else:
                done, late = _finish_time(cal, run, rng)
            if done >= self.anchor:
                break  # still waiting now (perhaps already overdue)
            if cancel_after is not None and moves >= cancel_after:
                head = rng.choice([h for h in self._lane(r.agency.pk, r.head_role) if h.unit_id == r.unit_id]
                                  or self._lane(r.agency.pk, r.head_role))
                reason = rng.choice(_CANCEL_REASONS)
                event(head, r.head_role, done, "cancel", state, states.CANCELLED, reason)
                run["late_reason"] = ""
                finish(run, head, done, "cancelled", reason)
                close(state=states.CANCELLED, current_role="", closed_at=done, cancel_reason=reason)
                return
            holder = self._pick(rng, r, step.lane) if moves or not at_once else starter
            # A head returns a disposisi now and then (never the first step: nothing before it).
            previous = run.get("_previous")
            if step.disposisi and previous is not None and returns < 2 and rng.random() < 0.08:
                reason = rng.choice(_RETURN_REASONS)
                back = spec.step(previous)
                new_state = states.of_step(back.no)
                event(holder, step.lane, done, "send_back", state, new_state, reason)
                finish(run, holder, done, "kembali", reason)
                state, step = new_state, back
                run = activate(back, done, returned=(holder.full_name, reason))
                returns += 1
                moves += 1
                continue
            if step.is_decision:
                want_tidak = (target in (3, 4) and not loops) or (loops < 3 and rng.random() < (0.3 if not loops
                                                                                                  else 0.15))
                action, outcome = ("decide_tidak", "tidak") if want_tidak else ("decide_ya", "ya")
                nxt = step.tidak if want_tidak else step.ya
                loops += want_tidak
            else:
                action, outcome, nxt = "complete", "complete", step.next
            _values, note = self.kelengkapan(r, case, run, step, holder, done, rng, tidak=outcome == "tidak")
            if late:
                run["late_reason"] = rng.choice(_LATE_REASONS)
            new_state = states.DONE if nxt == END else states.of_step(nxt)
            event(holder, step.lane, done, action, state, new_state, note)
            finish(run, holder, done, outcome, note)
            moves += 1
            if nxt == END:
                close(state=states.DONE, current_role="", closed_at=done)
                return
            previous_no = step.no
            state, step = new_state, spec.step(nxt)
            run = activate(step, done)
            run["_previous"] = previous_no
        case.update(state=state, current_role=step.lane)

    def kelengkapan(self, r: Runnable, case, run, step, holder: Holder, at, rng, *, tidak: bool
                    ) -> tuple[dict, str]:
        """The step's inputs as the services store them: attachments first, then the input row."""
        w = self.writer
        tz = r.agency.tzinfo
        note = ""
        stored = {}

        def attach(key: str, label: str, original: str) -> dict:
            name, size, sha = self.files[rng.randrange(len(self.files))]
            row = w.add(Attachment, {"id": w.new_id(Attachment), "case_id": case["id"], "step_run_id": run["id"],
                                     "key": key[:120], "label": label[:300], "file": name, "original_name": original,
                                     "content_type": "application/pdf", "size": size, "sha256": sha,
                                     "uploaded_by_id": holder.user_id, "uploaded_at": at})
            self._link("attachment", row, at)
            return {"attachment": row["id"], "name": original, "sha256": sha}

        def value(spec, key: str, label: str, order: int):
            if spec.type == "document":
                return attach(key, label, f"{spec.label[:60].replace('/', '-')}.pdf")
            if spec.type == "text":
                return _text(spec.key, case["title"], rng)
            if spec.type == "datetime":
                if spec.key.startswith(("mulai", "selesai")):
                    start = (at + datetime.timedelta(days=rng.randint(4, 10))).astimezone(tz).replace(
                        hour=22, minute=0, second=0)
                    return (start + datetime.timedelta(hours=4 if spec.key.startswith("selesai") else 0)).isoformat()
                return (at - datetime.timedelta(minutes=10 - order)).astimezone(tz).isoformat()
            if spec.type == "choice":
                return rng.choice(spec.options)[0]
            if spec.type == "checklist":
                items = [v for v, _label in spec.options]
                if tidak:
                    missing = rng.sample(items, rng.randint(1, min(2, len(items))))
                    nonlocal note
                    note = "Berkas belum lengkap: " + ", ".join(lbl for v, lbl in spec.options if v in missing)
                    return [v for v in items if v not in missing]
                return items
            if spec.type == "nip":
                return _nip(rng, set())
            if spec.type == "email":
                return f"{slugify(_person_name(rng).split(',')[0]).replace('-', '.')}@{r.agency.code}.go.id"
            if spec.type == "phone":
                return f"08{rng.randint(11, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
            if spec.type == "pangkat":
                return rng.choice(("III/a", "III/b", "III/c", "III/d", "IV/a"))
            if spec.type == "records":
                return [{f.key: value(f, f"{key}[{i}].{f.key}", label, n) for n, f in enumerate(spec.fields)}
                        for i in range(1, rng.randint(1, 3) + 1)]
            raise AssertionError(spec.type)

        for order, spec in enumerate(step.inputs):
            stored[spec.key] = value(spec, spec.key, spec.label, order)
            if spec.type == "records":
                for row in stored[spec.key]:
                    if "nama" in row:
                        row["nama"] = _person_name(rng)
            item = w.add(CaseInput, {"id": w.new_id(CaseInput), "case_id": case["id"], "step_run_id": run["id"],
                                     "key": spec.key, "label": spec.label, "type": spec.type,
                                     "value": stored[spec.key], "provided_by_id": holder.user_id,
                                     "provided_at": at})
            self._link("input", item, at)
        return stored, note

    def _link(self, kind: str, row: dict, at) -> None:
        """Chain ``row`` as it is now onto the current case's ledger, as ``ledger.append`` does."""
        chain, w = self._chain, self.writer
        payload = ledger.canonical(kind, Row(row))
        chain["seq"] += 1
        digest = ledger.digest(chain["hash"], kind, row["id"], payload)
        w.add(LedgerEntry, {"id": w.new_id(LedgerEntry), "case_id": chain["case_id"], "seq": chain["seq"],
                            "kind": kind, "object_id": row["id"], "payload": payload, "prev_hash": chain["hash"],
                            "hash": digest, "at": at})
        chain["hash"] = digest


def _finish_time(cal, run: dict, rng) -> tuple[datetime.datetime, bool]:
    """When the pelaksana finishes a waiting step: within the mutu baku mostly, late sometimes."""
    start, due = run["activated_at"], run["due_at"]
    if due is None:
        done = cal.add_working_minutes(start, rng.randint(5, 900))
        return done.replace(microsecond=0), False
    allowed = cal.working_minutes_between(cal.next_working_moment(start), due)
    if rng.random() < 0.15:
        late_by = rng.randint(5, max(30, int(allowed * 2)))
        return (cal.add_working_minutes(due, late_by).replace(microsecond=0) + datetime.timedelta(seconds=1)), True
    done = cal.add_working_minutes(start, max(0.5, allowed * rng.uniform(0.05, 0.95))).replace(microsecond=0)
    done = max(done, start + datetime.timedelta(seconds=30))
    return (done, False) if done <= due else (due, False)


def _national_mix(rng: random.Random, runnables: list[Runnable]) -> tuple[Runnable, str]:
    """An SOP of one of ``runnables`` and how its case ends: most finished, some cancelled, a
    quarter waiting somewhere (recent, some overdue)."""
    runnable = runnables[rng.randrange(len(runnables))]
    roll = rng.random()
    return runnable, ("done" if roll < 0.68 else "cancelled" if roll < 0.75
                      else f"open:{rng.choice(runnable.spec.steps).no}")


def reference_agency() -> Agency | None:
    """The agency that holds the same cases at every size (REFERENCE_CASES): the first one
    seed_bench generates (_agency_names starts with the provinces)."""
    return Agency.objects.filter(name=f"Pemerintah Provinsi {_PROVINCES[0]}").order_by("pk").first()


def _title(code: str, moment: datetime.datetime, rng) -> str:
    if code.endswith("UPDATE-SPSE"):
        return f"Update SPSE 4.6u{moment:%Y%m%d}"
    if code.endswith("AKUN-POKJA"):
        return f"Akun Pokja Paket {rng.choice(_PAKET)} {moment:%Y}"
    if code.endswith("REG-ADMIN-PPE"):
        return rng.choice(("Registrasi Admin PPE", "Registrasi Admin PPE pengganti", "Registrasi Admin PPE baru")) + \
            f" {moment:%m/%Y}"
    if code.endswith("PEMELIHARAAN"):
        return f"Pemeliharaan SPSE {moment + datetime.timedelta(days=5):%d-%m-%Y}"
    return f"Kasus {moment:%Y%m%d}"


def _text(key: str, title: str, rng) -> str:
    return {
        "laporan": f"Rilis {title.split()[-1]} memperbaiki modul e-tendering dan keamanan login",
        "perintah": "Segera lakukan update SPSE sesuai laporan rilis",
        "disposisi": rng.choice(("Proses sesuai ketentuan", "Segera dibuatkan akun", "Mohon ditindaklanjuti")),
        "akun_spse": "Akun SPSE Pokja telah dibuat dan diaktifkan",
        "sumber_informasi": "Surat LKPP tentang jadwal pemeliharaan SPSE nasional",
        "teks_pengumuman": "SPSE tidak dapat diakses selama pemeliharaan sistem. Mohon maaf atas ketidaknyamanannya.",
        "alamat_instansi": f"Jl. Merdeka No. {rng.randint(1, 200)}",
        "jabatan": rng.choice(("Pengelola Pengadaan Barang/Jasa Ahli Pertama", "Pengelola PBJ Ahli Muda")),
        "nomor_sertifikat_pbj": f"{rng.randint(100000, 999999)}/LKPP/{rng.randint(2018, 2025)}",
        "nomor_sk_pokja": f"188/{rng.randint(10, 999)}/SK/{rng.randint(2023, 2026)}",
        "nama": _person_name(rng),
    }.get(key, f"Keterangan {key.replace('_', ' ')}")


def seed_bench(*, agencies: int, cases: int, seed: int = 1, anchor: datetime.datetime | None = None,
               force: bool = False, log=lambda line: None, reference_cases: int = REFERENCE_CASES) -> Report:
    """Build the bench data; refuses in production and on a database that holds cases (unless
    ``force``). Returns what it made and how long each phase took."""
    if settings.PRODUCTION:
        raise BenchRefused("seed_bench ditolak pada mode produksi (APP_ENV=production).")
    if Case.objects.exists() and not force:
        raise BenchRefused(f"Basis data sudah berisi {Case.objects.count():,} kasus; pakai --force untuk tetap "
                           "menambah data bench.")
    builder = Builder(agencies=agencies, cases=cases, seed=seed, anchor=anchor or DEFAULT_ANCHOR, log=log,
                      reference_cases=reference_cases)
    began = time.monotonic()
    with transaction.atomic():
        for name, phase in (("demo", builder.demo), ("instansi dan orang", builder.agencies), ("SOP", builder.sops),
                            ("pelaksana", builder.who), ("kasus", builder.cases)):
            t = time.monotonic()
            log(f"{name} ...")
            phase()
            builder.report.phases[name] = time.monotonic() - t
    # Planner statistics for the bulk-loaded tables, as after any bulk load (pg_restore, COPY):
    # without them PostgreSQL guesses row counts and, e.g., walks the whole primary key of the
    # step runs backwards to find one case's last two runs (39 ms instead of 0.1 ms).
    # VACUUM too on PostgreSQL: it marks the pages all-visible, as autovacuum has in a database
    # that has run a while, so index-only scans (the inbox counters) read no table pages.
    t = time.monotonic()
    log("ANALYZE ...")
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # (not in a test)
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    builder.report.phases["ANALYZE"] = time.monotonic() - t
    builder.report.seconds = time.monotonic() - began
    builder.report.states = _state_counts()
    return builder.report


def _state_counts() -> dict[str, int]:
    out: dict[str, int] = {}
    for state, count in Case.objects.values_list("state").annotate(n=models.Count("pk")).order_by():
        key = state if state in states.CLOSED else "berjalan"
        out[key] = out.get(key, 0) + count
    return out


DIGEST_MODELS = (Agency, Unit, User, RoleAssignment, Sop, SopVersion, Case, StepRun, Attachment, CaseInput, CaseEvent,
                 LedgerEntry, Notification)


def data_digest() -> str:
    """SHA-256 over every row of the tables the generator writes, in primary-key order
    (timestamps the database fills itself are left out: SopVersion.imported_at of the demo
    imports, User.last_login). Same seed on the same starting database: same digest."""
    skip = {"imported_at", "last_login", "date_joined", "password"}
    h = hashlib.sha256()
    for model in DIGEST_MODELS:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        for row in model.objects.order_by("pk").values_list(*names):
            h.update(repr(tuple(str(v) for v in row)).encode())
    return h.hexdigest()
