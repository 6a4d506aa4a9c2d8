"""Writing SOPs in the browser: drafts, their checks, pengesahan and publication.

Who writes: the agency's SOP authors (role ``penyusun_sop``) and its administrator. Who
ratifies: the person the draft names in "Disahkan Oleh" (matched by NIP among the agency's
people), whatever their roles. A draft never runs; ratifying it stores the YAML it amounts
to as the SOP's next version (``sop_import``), effective from its tanggal efektif, with the
pengesahan date filled in on the sheet. Rights are read live on every request.
"""
from __future__ import annotations

import copy
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.administration import administered_agencies, administers_any, agency_people
from accounts.models import Agency, User
from accounts.nip import normalize_nip
from accounts.roles import SOP_AUTHOR
from accounts.standing import agencies_in_role, is_active_person
from workflows.definitions import FORMAT, DefinitionError, Problem, SopSpec, dump_definition, load_yaml
from workflows.models import DraftOrigin, DraftState, Sop, SopDraft, SopVersion
from workflows.sop_import import reference_problems, sop_import

MONTHS = ("JANUARI", "FEBRUARI", "MARET", "APRIL", "MEI", "JUNI", "JULI", "AGUSTUS", "SEPTEMBER", "OKTOBER",
          "NOVEMBER", "DESEMBER")
MAX_UPLOAD_BYTES = 512 * 1024


# -- who ----------------------------------------------------------------------------------

def authoring_agencies(user) -> QuerySet[Agency]:
    """Agencies whose SOPs ``user`` may draft: where they hold (or stand in for) the SOP
    author role, and those they administer."""
    if not is_active_person(user):
        return Agency.objects.none()
    administered = administered_agencies(user).values("pk")
    return Agency.objects.filter(Q(pk__in=agencies_in_role(user, SOP_AUTHOR)) | Q(pk__in=administered)).order_by("name")


def authors_any(user) -> bool:
    """Whether ``user`` drafts SOPs for some agency today (the header asks on every page)."""
    return administers_any(user) or bool(agencies_in_role(user, SOP_AUTHOR))


def may_author(user, agency: Agency | int) -> bool:
    agency_id = agency if isinstance(agency, int) else agency.pk
    return authoring_agencies(user).filter(pk=agency_id).exists()


def drafts_for(user) -> QuerySet[SopDraft]:
    """Drafts ``user`` may open: every draft of an agency they write for, and the drafts
    waiting for (or once given to) them for pengesahan."""
    if not is_active_person(user):
        return SopDraft.objects.none()
    return (SopDraft.objects.filter(Q(agency__in=authoring_agencies(user)) | Q(signer=user))
            .exclude(state=DraftState.DISCARDED).select_related("agency", "created_by", "signer", "version__sop"))


def draft_for(user, pk: int) -> SopDraft:
    """One draft ``user`` may open, or SopDraft.DoesNotExist (the view answers 404)."""
    return drafts_for(user).get(pk=pk)


def _require_author(draft: SopDraft, by) -> None:
    if not may_author(by, draft.agency_id):
        raise PermissionDenied(_("Hanya penyusun SOP %(agency)s yang dapat mengubah draf ini.")
                               % {"agency": draft.agency.name})


def _require_editable(draft: SopDraft) -> None:
    if not draft.is_editable:
        raise ValidationError(_("Draf ini sudah %(state)s; tidak dapat diubah lagi.")
                              % {"state": draft.get_state_display().lower()})


# -- starting a draft -----------------------------------------------------------------------

def empty_definition(agency: Agency) -> dict:
    """What a blank draft starts from: the agency, the LPSE as the unit, one step to fill in."""
    return {
        "format": FORMAT, "code": "", "agency": agency.code, "unit": "lpse",
        "sheet": {"nama": "", "kop": [agency.name.upper()],
                  "peringatan": ["Pelaksana bertanggung jawab atas pelaksanaan aktivitas yang telah dibakukan dan "
                                 "ditetapkan",
                                 "Segala bentuk penyimpangan atas mutu baku terkait perlengkapan, waktu maupun output "
                                 "dikategorikan sebagai bentuk kegagalan yang harus dipertanggungjawabkan oleh "
                                 "pelaksana"]},
        "lanes": [],
        "steps": [],
    }


def _for_agency(data: dict, agency: Agency) -> dict:
    data = copy.deepcopy(data)
    data.pop("template", None)
    data["agency"] = agency.code
    data.setdefault("format", FORMAT)
    return data


@transaction.atomic
def draft_create(*, agency: Agency, by: User, origin: str = DraftOrigin.EMPTY,
                 base_version: SopVersion | None = None, text: str = "", source_name: str = "") -> SopDraft:
    """A new draft of ``agency``: blank, from a national template or one of the agency's
    SOP versions, or from an uploaded YAML file (which must at least be YAML of a definition;
    its other problems are the draft's to fix)."""
    if not may_author(by, agency):
        raise PermissionDenied(_("Hanya penyusun SOP %(agency)s yang dapat membuat draf SOP instansi itu.")
                               % {"agency": agency.name})
    if origin == DraftOrigin.EMPTY:
        data = empty_definition(agency)
    elif origin in (DraftOrigin.TEMPLATE, DraftOrigin.VERSION):
        if base_version is None:
            raise ValidationError({"base_version": _("Pilih templat atau versi SOP yang menjadi dasar draf.")})
        if origin == DraftOrigin.TEMPLATE and not base_version.sop.is_template:
            raise ValidationError({"base_version": _("Itu bukan templat nasional.")})
        if origin == DraftOrigin.VERSION and base_version.sop.agency_id != agency.pk:
            raise ValidationError({"base_version": _("Versi itu bukan SOP %(agency)s.") % {"agency": agency.name}})
        data = _for_agency(base_version.definition, agency)
    elif origin == DraftOrigin.UPLOAD:
        data = _uploaded(text, source_name or "unggahan.yaml", agency)
    else:
        raise ValidationError({"origin": _("Pilih asal draf.")})
    return SopDraft.objects.create(agency=agency, origin=origin, base_version=base_version, data=data,
                                   created_by=by)


def _uploaded(text: str, source_name: str, agency: Agency) -> dict:
    if len(text.encode()) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("Berkas terlalu besar (paling besar 512 KB).")})
    try:
        data = load_yaml(text, source_name)
    except DefinitionError as exc:
        raise ValidationError({"file": [str(p) for p in exc.problems]}) from None
    if not isinstance(data, dict) or not {"sheet", "steps"} & set(data):
        raise ValidationError({"file": _("Berkas ini bukan definisi SOP: tidak ada 'sheet' maupun 'steps'. Lihat "
                                         "contoh di fixtures/sops.")})
    try:  # a valid file is kept in its canonical form; one with mistakes is a draft to fix in the editor
        data = SopSpec.from_data(data, source_name).as_data()
    except DefinitionError:
        pass
    if data.get("template"):
        raise ValidationError({"file": _("Berkas ini templat nasional; adopsi templatnya dari halaman SOP.")})
    if data.get("agency") not in (None, "", agency.code):
        raise ValidationError({"file": _("Berkas ini untuk instansi '%(other)s', bukan %(agency)s.")
                               % {"other": data.get("agency"), "agency": agency.name}})
    return _for_agency(data, agency)


# -- editing --------------------------------------------------------------------------------

@transaction.atomic
def draft_save(*, draft: SopDraft, data: dict, by: User, effective_on: datetime.date | None = None) -> SopDraft:
    """Keep what the author typed so far, valid or not (problems are shown, not refused)."""
    draft = SopDraft.objects.select_for_update().get(pk=draft.pk)
    _require_author(draft, by)
    _require_editable(draft)
    draft.data = _for_agency(data, draft.agency)
    draft.effective_on = effective_on
    draft.save(update_fields=["data", "effective_on", "updated_at"])
    return draft


def draft_source(draft: SopDraft) -> str:
    return _("draf #%(pk)d") % {"pk": draft.pk}


def draft_spec(draft: SopDraft) -> tuple[SopSpec | None, list[Problem]]:
    """The draft read as a definition, with every problem: of the file (the schema) and of
    this deployment (a role or unit kind it does not have)."""
    source = draft_source(draft)
    try:
        spec = SopSpec.from_data(draft.data, source=source)
    except DefinitionError as exc:
        return None, exc.problems
    problems = reference_problems(spec, source)
    return (None if problems else spec), problems


def current_version(draft: SopDraft) -> SopVersion | None:
    """The agency's version in force of the SOP the draft writes (by its code), if there is one."""
    code = draft.code
    sop = Sop.objects.filter(agency=draft.agency, code=code).first() if code else None
    return sop.version_in_force() if sop else None


def draft_yaml(draft: SopDraft) -> str:
    """The draft as a definition file (YAML): the ratified text once it is a version."""
    if draft.version_id:
        return draft.version.source_text
    spec, _problems = draft_spec(draft)
    return dump_definition(spec.as_data() if spec else draft.data)


# -- pengesahan -----------------------------------------------------------------------------

def signer_of(draft: SopDraft, data: dict | None = None) -> User | None:
    """The agency's person whose NIP is the draft's "Disahkan Oleh" NIP."""
    data = draft.data if data is None else data
    signer = (data.get("sheet") or {}).get("disahkan_oleh") or {}
    nip = normalize_nip(str(signer.get("nip") or ""))
    if not nip:
        return None
    return agency_people(draft.agency).filter(nip=nip, is_active=True).first()


@transaction.atomic
def draft_submit(*, draft: SopDraft, by: User) -> SopDraft:
    """Send a valid draft to the person named in "Disahkan Oleh" for pengesahan."""
    draft = SopDraft.objects.select_for_update().select_related("agency").get(pk=draft.pk)
    _require_author(draft, by)
    _require_editable(draft)
    spec, problems = draft_spec(draft)
    if problems:
        raise ValidationError(_("Draf belum dapat diajukan: masih ada %(n)d masalah.") % {"n": len(problems)})
    signer = signer_of(draft)
    if signer is None:
        raise ValidationError(_(
            "Tidak ada orang di %(agency)s dengan NIP yang tertulis pada \"Disahkan Oleh\"; periksa NIP-nya, "
            "atau minta administrator instansi mencatat NIP pejabat itu.") % {"agency": draft.agency.name})
    draft.submit()
    draft.signer, draft.submitted_by, draft.submitted_at, draft.return_note = signer, by, timezone.now(), ""
    draft.save()
    _notify(draft, signer, _("Draf SOP menunggu pengesahan Anda: %(name)s") % {"name": spec.name})
    return draft


def _require_signer(draft: SopDraft, by: User) -> None:
    current = signer_of(draft)
    if current is None or current.pk != by.pk or draft.signer_id != by.pk:
        raise PermissionDenied(_("Hanya pejabat yang tertulis pada \"Disahkan Oleh\" yang dapat mengesahkan "
                                 "atau mengembalikan draf ini."))


def pengesahan_text(day: datetime.date) -> str:
    """A date as the seed sheets write it: 28 FEBRUARI 2023."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@transaction.atomic
def draft_ratify(*, draft: SopDraft, by: User) -> SopVersion:
    """Pengesahan: the signer approves; the draft becomes the SOP's next version, effective
    from its tanggal efektif (or at once), with the pengesahan date on the sheet."""
    draft = SopDraft.objects.select_for_update().select_related("agency").get(pk=draft.pk)
    if draft.state != DraftState.SUBMITTED:
        raise ValidationError(_("Draf ini tidak sedang menunggu pengesahan."))
    _require_signer(draft, by)
    today = timezone.localtime(timezone.now(), draft.agency.tzinfo).date()
    data = copy.deepcopy(draft.data)
    sheet = data.setdefault("sheet", {})
    if not str(sheet.get("tanggal_pengesahan") or "").strip():
        sheet["tanggal_pengesahan"] = pengesahan_text(today)
    if draft.effective_on and not str(sheet.get("tanggal_efektif") or "").strip():
        sheet["tanggal_efektif"] = pengesahan_text(draft.effective_on)
    spec = SopSpec.from_data(data, source=draft_source(draft))
    template_version = draft.base_version if draft.base_version and draft.base_version.sop.is_template else None
    existing = Sop.objects.filter(agency=draft.agency, code=spec.code).first()
    if template_version and existing is not None and existing.template_id != template_version.sop_id:
        template_version = None  # a revision of the agency's own SOP that happened to start from a template
    version, _created = sop_import(
        text=dump_definition(spec.as_data(), comment=_("Disahkan %(date)s oleh %(name)s (draf #%(pk)d).") % {
            "date": pengesahan_text(today), "name": by.full_name, "pk": draft.pk}),
        source_name=draft_source(draft), by=by, template_version=template_version,
        effective_from=draft.effective_on)
    draft.ratify()
    draft.data, draft.version, draft.decided_at = data, version, timezone.now()
    draft.save()
    _notify(draft, draft.submitted_by, _("Draf SOP disahkan: %(name)s, versi %(n)d") % {
        "name": spec.name, "n": version.number})
    return version


@transaction.atomic
def draft_send_back(*, draft: SopDraft, by: User, note: str) -> SopDraft:
    """The signer returns the draft to its authors with notes on what to change."""
    draft = SopDraft.objects.select_for_update().select_related("agency").get(pk=draft.pk)
    if draft.state != DraftState.SUBMITTED:
        raise ValidationError(_("Draf ini tidak sedang menunggu pengesahan."))
    _require_signer(draft, by)
    if not note.strip():
        raise ValidationError({"note": _("Tuliskan apa yang perlu diperbaiki.")})
    draft.send_back()
    draft.return_note, draft.decided_at = note.strip(), timezone.now()
    draft.save()
    _notify(draft, draft.submitted_by, _("Draf SOP dikembalikan untuk diperbaiki: %(name)s") % {"name": draft.name})
    return draft


@transaction.atomic
def draft_discard(*, draft: SopDraft, by: User) -> None:
    draft = SopDraft.objects.select_for_update().select_related("agency").get(pk=draft.pk)
    _require_author(draft, by)
    _require_editable(draft)
    draft.discard()
    draft.save()


def _notify(draft: SopDraft, person: User | None, subject: str) -> None:
    """An email through the outbox (sent after commit, retried): a mail server that is down
    never undoes a pengesahan. The drafts page lists what waits for the person in the app."""
    if person is None or not person.email:
        return
    from django.conf import settings
    from django.urls import reverse

    from workflows.outbox import queue_email

    url = settings.SITE_URL.rstrip("/") + reverse("draft_edit", args=[draft.pk])
    queue_email(to=person.email, recipient=person, subject="[LPSE SOP] " + subject,
                body=f"{subject}\n\n{draft.agency.name}\n{url}\n")
