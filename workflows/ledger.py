"""A history that proves itself: every write to a case's history, step runs, kelengkapan
and attachment metadata is also appended to the case's ledger, hash-chained.

Each ledger entry holds the row's content as canonical JSON and a SHA-256 over the previous
entry's hash, the row's kind and id, and that content. ``verify`` walks a case's chain and
compares it with the rows as they are now, naming the first entry that no longer chains
(the ledger itself was edited) and every row that was altered, removed or added behind the
application's back. On PostgreSQL, triggers refuse UPDATE and DELETE of the history, the
kelengkapan, the attachment metadata and the ledger, and any change to a finished step run
(migration workflows.0015); corrections are new rows. A printed record carries the chain
head, and the public verification page says whether the chain still verifies.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

# What of each row the chain covers, by column (attname, so it works on migration models too).
FIELDS = {
    "event": ("case_id", "at", "actor_id", "role_id", "unit_id", "acting", "on_behalf_of_id", "action",
              "from_state", "to_state", "note"),
    "steprun": ("case_id", "step_no", "lane_role", "activated_at", "due_at", "remind_at", "assignee_id",
                "completed_at", "actor_id", "actor_unit_id", "actor_acting", "actor_on_behalf_of_id", "outcome",
                "note", "late_reason"),
    "input": ("case_id", "step_run_id", "key", "label", "type", "value", "provided_by_id", "provided_at"),
    "attachment": ("case_id", "step_run_id", "key", "label", "file", "original_name", "content_type", "size",
                   "sha256", "uploaded_by_id", "uploaded_at"),
}
KIND_LABELS = {"event": "riwayat", "steprun": "langkah kasus", "input": "kelengkapan", "attachment": "lampiran"}


def _plain(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, FieldFile):
        return value.name
    return value


def canonical(kind: str, row) -> str:
    """The row's chained content as canonical JSON (sorted keys, no spaces, UTC times)."""
    return json.dumps({name: _plain(getattr(row, name)) for name in FIELDS[kind]}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False, default=str)


def digest(previous: str, kind: str, object_id: int, payload: str) -> str:
    return hashlib.sha256(f"{previous}\n{kind}\n{object_id}\n{payload}".encode()).hexdigest()


@dataclass
class _Batch:
    """Links made inside ``batched()``: each case's tail as last appended, and the entries to insert."""

    tails: dict = field(default_factory=dict)
    entries: list = field(default_factory=list)
    model: type | None = None


_batch: ContextVar[_Batch | None] = ContextVar("ledger_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Chain every row written inside the block with one read of each case's tail and one
    INSERT of all the new links at its end (a transition writes three or four chained rows).
    Use inside the write's transaction: what the block writes is chained exactly as one
    ``append`` after another would chain it; an exception leaves nothing to insert."""
    if _batch.get() is not None:
        yield
        return
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
        if batch.entries:
            batch.model.objects.bulk_create(batch.entries)
    finally:
        _batch.reset(token)


def _tail(entry_model, case_id: int) -> tuple[int, str]:
    last = entry_model.objects.filter(case_id=case_id).order_by("-seq").values_list("seq", "hash").first()
    return last if last else (0, "")


def append(kind: str, row, entry_model=None) -> None:
    """Chain the row as it is now onto its case's ledger. Called inside the write's own
    transaction (the services lock the case row, so entries of one case never race)."""
    if entry_model is None:
        from workflows.models import LedgerEntry as entry_model
    batch = _batch.get()
    if batch is not None and batch.model not in (None, entry_model):
        batch = None  # a migration's historical model: chain it directly
    tail = batch.tails.get(row.case_id) if batch is not None else None
    last_seq, previous = tail if tail is not None else _tail(entry_model, row.case_id)
    payload = canonical(kind, row)
    entry = entry_model(case_id=row.case_id, seq=last_seq + 1, kind=kind, object_id=row.pk, payload=payload,
                        prev_hash=previous, hash=digest(previous, kind, row.pk, payload))
    if batch is None:
        entry.save()
        return
    batch.model = entry_model
    batch.entries.append(entry)
    batch.tails[row.case_id] = (entry.seq, entry.hash)


def head(case) -> str:
    """The hash of the case's latest ledger entry ("" for a case with none)."""
    from workflows.models import LedgerEntry

    return LedgerEntry.objects.filter(case=case).order_by("-seq").values_list("hash", flat=True).first() or ""


@dataclass(frozen=True)
class Problem:
    seq: int
    message: str

    def __str__(self) -> str:
        return self.message


def _rows(case):
    from workflows.models import Attachment, CaseEvent, CaseInput, StepRun

    for kind, model in (("event", CaseEvent), ("steprun", StepRun), ("input", CaseInput),
                        ("attachment", Attachment)):
        for row in model.objects.filter(case_id=case.pk).order_by("pk"):
            yield kind, row


def _file_problems(case, latest) -> list[Problem]:
    """An attachment's file must still hash to its recorded SHA-256; a missing file is fine only
    after a retention removal that the history records."""
    from workflows.models import Attachment

    removed = case.events.filter(action="retensi").exists()
    problems = []
    for attachment in Attachment.objects.filter(case_id=case.pk).order_by("pk"):
        seq = latest.get(("attachment", attachment.pk), (10**9, ""))[0]
        label = {"id": attachment.pk, "seq": seq}
        try:
            with attachment.file.open("rb") as handle:
                digest_ = hashlib.sha256()
                for chunk in iter(lambda: handle.read(1 << 16), b""):
                    digest_.update(chunk)
        except (FileNotFoundError, ValueError):
            if not removed:
                problems.append(Problem(seq, _("berkas lampiran #%(id)d hilang dari penyimpanan.") % label))
            continue
        if digest_.hexdigest() != attachment.sha256:
            problems.append(Problem(seq, _("isi berkas lampiran #%(id)d diganti di luar aplikasi (SHA-256 tidak "
                                           "lagi sama).") % label))
    return problems


def verify(case) -> list[Problem]:
    """Every break in the case's chain and every row that differs from it, first first."""
    from workflows.models import LedgerEntry

    problems: list[Problem] = []
    latest: dict[tuple[str, int], tuple[int, str]] = {}
    previous, expected = "", 1
    for entry in LedgerEntry.objects.filter(case_id=case.pk).order_by("seq"):
        if entry.seq != expected:
            problems.append(Problem(expected, _("entri rantai %(seq)d hilang.") % {"seq": expected}))
        if entry.prev_hash != previous or entry.hash != digest(previous, entry.kind, entry.object_id, entry.payload):
            problems.append(Problem(entry.seq, _("rantai putus pada entri %(seq)d (%(kind)s #%(id)d): entri itu "
                                                 "diubah di luar aplikasi.") % {
                "seq": entry.seq, "kind": KIND_LABELS.get(entry.kind, entry.kind), "id": entry.object_id}))
        previous, expected = entry.hash, entry.seq + 1
        latest[(entry.kind, entry.object_id)] = (entry.seq, entry.payload)
    seen = set()
    for kind, row in _rows(case):
        seen.add((kind, row.pk))
        label = {"kind": KIND_LABELS[kind], "id": row.pk}
        recorded = latest.get((kind, row.pk))
        if recorded is None:
            problems.append(Problem(10**9, _("%(kind)s #%(id)d tidak tercatat dalam rantai: ditambahkan di luar "
                                             "aplikasi.") % label))
        elif canonical(kind, row) != recorded[1]:
            problems.append(Problem(recorded[0], _("%(kind)s #%(id)d diubah di luar aplikasi (tercatat pada entri "
                                                   "%(seq)d).") % (label | {"seq": recorded[0]})))
    problems += _file_problems(case, latest)
    for (kind, object_id), (seq, _payload) in latest.items():
        if (kind, object_id) not in seen:
            problems.append(Problem(seq, _("%(kind)s #%(id)d hilang: dihapus di luar aplikasi (tercatat pada entri "
                                           "%(seq)d).") % {"kind": KIND_LABELS[kind], "id": object_id, "seq": seq}))
    return sorted(problems, key=lambda p: p.seq)
