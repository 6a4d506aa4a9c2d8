"""Demo cases for ``make run``: three weeks of work in the demo agencies, done through the
services at the moments they happened (time-machine), so the inbox, the case pages, the
deviation register and Monev show something a head would recognise: steps on time, late
with a reason, returned, answered TIDAK, cancelled, and some still waiting or overdue.

Also the sample kelengkapan the tests use to fill any step's inputs (one place for both).
Development and tests only: ``load_demo_cases`` is refused in production, like ``load_demo``.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from workflows import engine
from workflows.definitions import InputSpec, StepSpec
from workflows.models import Case, Sop, SopVersion
from workflows.services import case_cancel, case_complete_step, case_decide, case_send_back, case_start

def _blank_pdf() -> bytes:
    """A one-page PDF that parses (workflows.documents refuses one that does not)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()
VALID_NIP = "198802142014041003"
PREFIX = "Demo: "


def sample_value(spec: InputSpec, order: int = 0):
    if spec.type == "document":
        return SimpleUploadedFile(f"{spec.key}.pdf", PDF, content_type="application/pdf")
    if spec.type == "text":
        return f"Contoh {spec.label}"
    if spec.type == "datetime":
        # Later inputs get later times, so "selesai" comes after "mulai".
        return timezone.now() + datetime.timedelta(days=4, hours=order)
    if spec.type == "choice":
        return spec.options[0][0]
    if spec.type == "checklist":
        return [value for value, _label in spec.options]
    if spec.type == "nip":
        return VALID_NIP
    if spec.type == "email":
        return "pokja@example.go.id"
    if spec.type == "phone":
        return "0812 3456 7890"
    if spec.type == "pangkat":
        return "III/a"
    if spec.type == "records":
        return [{field.key: sample_value(field) for field in spec.fields}]
    raise AssertionError(spec.type)


def sample_kelengkapan(step: StepSpec, answer: bool = True) -> dict:
    """Valid kelengkapan; for a TIDAK answer every checklist is left unticked."""
    values = {spec.key: sample_value(spec, order) for order, spec in enumerate(step.inputs)}
    if not answer:
        values.update({spec.key: [] for spec in step.inputs if spec.type == "checklist"})
    return values


@dataclass
class Move:
    """One action, ``hours`` clock hours after the case's start (Monday 09.00 local)."""

    hours: float
    action: str = "complete"  # complete | ya | tidak | kembali | cancel
    note: str = ""
    late_reason: str = "Beban kerja tinggi minggu ini"


@dataclass
class Story:
    sop: str
    agency: str
    title: str
    started_days_ago: float
    moves: list[Move] = field(default_factory=list)


STORIES = [
    Story("PNG-UPDATE-SPSE", "ponorogo", "Update SPSE 4.5u20260105", 20,
          [Move(1), Move(3), Move(5), Move(24), Move(26)]),
    Story("PNG-UPDATE-SPSE", "ponorogo", "Update SPSE 4.5u20260112", 15,
          [Move(1), Move(50, late_reason="Kepala LPSE dinas luar kota"), Move(52), Move(54), Move(56)]),
    Story("PNG-UPDATE-SPSE", "ponorogo", "Update SPSE 4.5u20260119", 13,
          [Move(1), Move(2), Move(4, "kembali", note="Laporan rilis belum dilampirkan"), Move(6), Move(7), Move(9),
           Move(24)]),
    Story("PNG-UPDATE-SPSE", "ponorogo", "Update SPSE 4.5u20260126", 8, [Move(1), Move(3), Move(5)]),
    Story("PNG-UPDATE-SPSE", "ponorogo", "Update SPSE 4.5u20260202", 0.05, []),
    Story("PNG-AKUN-POKJA", "ponorogo", "Akun Pokja Paket Jalan Desa 2026", 12,
          [Move(2), Move(4), Move(6), Move(8)]),
    Story("PNG-AKUN-POKJA", "ponorogo", "Akun Pokja Rehab Puskesmas", 6,
          [Move(2), Move(3, "cancel", note="Permintaan ditarik oleh UKPBJ")]),
    Story("KALTIM-REG-ADMIN-PPE", "kaltim", "Registrasi Admin PPE 2026", 14,
          [Move(0.1), Move(0.2, "tidak", note="KTP Admin PPE belum dilampirkan"), Move(0.25), Move(26),
           Move(26.1, "ya"), Move(28, late_reason="Server SPSE sedang dalam pemeliharaan"), Move(28.1), Move(28.15),
           Move(28.25)]),
    Story("KALTIM-REG-ADMIN-PPE", "kaltim", "Registrasi Admin PPE pengganti", 1, [Move(0.1)]),
]


def _who(case: Case, action: str):
    if action == "cancel":
        return next(person for person in engine.unit_heads(case.unit))
    return engine.lane_holders(case, case.current_step.lane).select_related("user").first().user


def _act(case: Case, move: Move) -> Case:
    by = _who(case, move.action)
    step = case.current_step
    if move.action == "cancel":
        return case_cancel(case_id=case.pk, by=by, reason=move.note)
    if move.action == "kembali":
        return case_send_back(case_id=case.pk, step=step.no, by=by, reason=move.note)
    run = case.step_runs.get(completed_at__isnull=True)
    late = run.due_at is not None and timezone.now() > run.due_at
    kelengkapan = sample_kelengkapan(step, answer=move.action != "tidak")
    for order, spec in enumerate(step.inputs):  # what just happened (an email sent, a call), not days ahead
        if spec.type == "datetime":
            kelengkapan[spec.key] = timezone.now() - datetime.timedelta(minutes=10 - order)
    kwargs = {"case_id": case.pk, "step": step.no, "by": by, "note": move.note, "kelengkapan": kelengkapan,
              "late_reason": move.late_reason if late else ""}
    if move.action == "complete":
        return case_complete_step(**kwargs)
    return case_decide(answer=move.action == "ya", **kwargs)


def _start(now: datetime.datetime, days_ago: float, tz) -> datetime.datetime:
    """Stories longer ago than a day start on the Monday 09.00 (local) of that week, so their
    hours fall on working days the same way whatever today is."""
    moment = now - datetime.timedelta(days=days_ago)
    if days_ago < 1:
        return moment
    local = moment.astimezone(tz)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    return datetime.datetime.combine(monday, datetime.time(9, 0), tz)


def load_demo_cases(now: datetime.datetime | None = None) -> int:
    """Create the demo cases once; returns how many were created (0 when they exist)."""
    import time_machine  # a development dependency, like the demo itself

    if Case.objects.filter(title__startswith=PREFIX).exists():
        return 0
    now = now or timezone.now()
    created = 0
    for story in STORIES:
        sop = Sop.objects.filter(code=story.sop, agency__code=story.agency).first()
        version: SopVersion | None = sop.latest_version if sop else None
        if version is None:
            continue
        start = _start(now, story.started_days_ago, version.sop.agency.tzinfo)
        with transaction.atomic():
            with time_machine.travel(start, tick=False):
                probe = Case(sop_version=version, agency=version.sop.agency)
                starter = engine.lane_holders(probe, version.spec.first_step.lane).first().user
                case = case_start(sop_version=version, title=PREFIX + story.title, by=starter)
            for move in story.moves:
                moment = start + datetime.timedelta(hours=move.hours)
                if moment >= now or case.is_closed:
                    break
                with time_machine.travel(moment, tick=False):
                    case = _act(case, move)
        created += 1
    return created


def load_demo_draft() -> bool:
    """One revision of Kaltim's SOP waiting for its head's pengesahan (a shorter waktu for the
    account creation), so that Susun SOP has something to show. False when one exists."""
    from accounts.models import User
    from workflows.authoring import draft_create, draft_save, draft_submit
    from workflows.models import DraftOrigin, SopDraft

    sop = Sop.objects.filter(code="KALTIM-REG-ADMIN-PPE", agency__code="kaltim").first()
    author = User.objects.filter(username="penyusun.sop.kaltim").first()
    if sop is None or author is None or SopDraft.objects.filter(agency=sop.agency).exists():
        return False
    with transaction.atomic():
        draft = draft_create(agency=sop.agency, by=author, origin=DraftOrigin.VERSION, base_version=sop.latest_version)
        data = draft.data
        data["steps"][4]["waktu"] = "20 Menit"
        data["sheet"]["tanggal_revisi"] = "4 DESEMBER 2026"
        draft_submit(draft=draft_save(draft=draft, data=data, by=author), by=author)
    return True
