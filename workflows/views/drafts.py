"""Writing SOPs in the browser: the drafts list, a new draft, the editor with its live sheet
preview, the YAML export, and pengesahan (submit, ratify, return, discard)."""
from __future__ import annotations

import datetime

from csp.decorators import csp_replace, csp_update
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.models import Role, UnitKind
from workflows import authoring
from workflows.definitions import DECISION, END, PROCESS
from workflows.draft_editor import (GENERAL, apply_op, data_from_post, effect_fields, fields_text, pairs_text,
                                    problems_by_slot, slot_id, slots, step_effects)
from workflows.models import DraftOrigin, DraftState, SopDraft, SopVersion
from workflows.views.responses import refuse


def _draft(request, pk: int) -> SopDraft:
    try:
        return authoring.draft_for(request.user, pk)
    except SopDraft.DoesNotExist:
        raise Http404 from None


@login_required
def draft_list(request):
    drafts = list(authoring.drafts_for(request.user).order_by("-updated_at")[:200])
    return render(request, "workflows/drafts/list.html", {
        "to_ratify": [d for d in drafts if d.state == DraftState.SUBMITTED and d.signer_id == request.user.pk],
        "drafts": [d for d in drafts if d.state != DraftState.RATIFIED],
        "ratified": [d for d in drafts if d.state == DraftState.RATIFIED][:20],
        "may_create": authoring.authoring_agencies(request.user).exists(),
    })


class NewDraftForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Instansi"), queryset=None, empty_label=None)
    origin = forms.ChoiceField(label=gettext_lazy("Mulai dari"), choices=DraftOrigin.choices, widget=forms.RadioSelect,
                               initial=DraftOrigin.EMPTY)
    template_version = forms.ModelChoiceField(label=gettext_lazy("Templat nasional"), queryset=None, required=False,
                                              empty_label=gettext_lazy("(pilih templat)"))
    agency_version = forms.ModelChoiceField(label=gettext_lazy("SOP instansi yang direvisi"), queryset=None,
                                            required=False, empty_label=gettext_lazy("(pilih SOP)"))
    file = forms.FileField(label=gettext_lazy("Berkas definisi (YAML)"), required=False,
                           help_text=gettext_lazy("Berkas .yaml seperti di fixtures/sops; paling besar 512 KB."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = authoring.authoring_agencies(user)
        self.fields["agency"].queryset = agencies
        latest = SopVersion.objects.select_related("sop__agency").order_by("sop__name", "-number")
        self.fields["template_version"].queryset = latest.filter(sop__agency__isnull=True)
        self.fields["template_version"].label_from_instance = lambda v: f"{v.sop.name} (v{v.number})"
        self.fields["agency_version"].queryset = latest.filter(sop__agency__in=agencies)
        self.fields["agency_version"].label_from_instance = lambda v: f"{v.sop.name} — {v.sop.agency.name} (v{v.number})"

    def clean(self):
        data = super().clean()
        origin = data.get("origin")
        if origin == DraftOrigin.TEMPLATE and not data.get("template_version"):
            self.add_error("template_version", _("Pilih templat nasional yang menjadi dasar draf."))
        if origin == DraftOrigin.VERSION and not data.get("agency_version"):
            self.add_error("agency_version", _("Pilih SOP yang akan direvisi."))
        version = data.get("agency_version")
        if origin == DraftOrigin.VERSION and version and data.get("agency") and version.sop.agency_id != data[
                "agency"].pk:
            self.add_error("agency_version", _("SOP itu milik instansi lain."))
        if origin == DraftOrigin.UPLOAD and not data.get("file"):
            self.add_error("file", _("Pilih berkas YAML yang akan diunggah."))
        return data


@login_required
def draft_new(request):
    if not authoring.authoring_agencies(request.user).exists():
        return refuse(request, _("Draf SOP disusun oleh penyusun SOP instansi (peran Penyusun SOP) atau "
                                 "administrator instansi."))
    form = NewDraftForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        origin = data["origin"]
        text, name = "", ""
        if origin == DraftOrigin.UPLOAD:
            upload = data["file"]
            name = upload.name
            raw = upload.read(authoring.MAX_UPLOAD_BYTES + 1)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                form.add_error("file", _("Berkas harus teks UTF-8 (YAML)."))
        if not form.errors:
            base = data["template_version"] if origin == DraftOrigin.TEMPLATE else (
                data["agency_version"] if origin == DraftOrigin.VERSION else None)
            try:
                draft = authoring.draft_create(agency=data["agency"], by=request.user, origin=origin,
                                               base_version=base, text=text, source_name=name)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file" if origin == DraftOrigin.UPLOAD else None, message)
            else:
                messages.success(request, _("Draf dibuat. Perubahan tersimpan otomatis saat Anda mengetik."))
                return redirect(draft)
    return render(request, "workflows/drafts/new.html", {"form": form}, status=400 if form.errors else 200)


# -- the editor -----------------------------------------------------------------------------

def _effect_rows(step: dict, roles: list[tuple[str, str]]) -> list[dict]:
    """Each effect of a step with its parameters as form fields (from the effect's own model)."""
    from workflows.effects import EFFECTS

    inputs = [i for i in step.get("inputs") or [] if isinstance(i, dict) and i.get("key")]
    decision = step.get("kind") == DECISION
    rows = []
    for k, effect in enumerate(step_effects(step)):
        cls = EFFECTS.get(effect.get("type"))
        fields = []
        for f in effect_fields(cls) if cls else []:
            value = effect.get(f.name, cls.model_fields[f.name].default)
            if f.kind == "input":
                kind, choices = "select", [(i["key"], f"{i.get('label') or i['key']} ({i['key']})") for i in inputs
                                           if i.get("type") in f.input_types]
            elif f.kind == "role":
                kind, choices = "select", roles
            elif f.kind == "lines":
                kind, choices, value = "textarea", (), "\n".join(str(v) for v in value or ())
            elif f.kind == "number":
                kind, choices = "text", ()
            else:
                kind, choices = f.kind, f.choices
            fields.append({"name": f.name, "label": f.label, "help": f.help, "kind": kind, "choices": choices,
                           "value": "" if value is None or str(value) == "PydanticUndefined" else str(value)})
        rows.append({"index": k, "type": effect.get("type", ""), "label": cls.label if cls else effect.get("type"),
                     "on": effect.get("on") or ("" if decision else "complete"), "fields": fields, "known": cls is not None,
                     "on_choices": [("ya", _("jawaban YA")), ("tidak", _("jawaban TIDAK"))] if decision
                     else [("complete", _("langkah selesai"))]})
    return rows


def _editor_context(request, draft: SopDraft, focus: str = "") -> dict:
    data = draft.data if isinstance(draft.data, dict) else {}
    roles = [(r.code, f"{r.name} ({r.code})") for r in Role.objects.order_by("name")]
    spec, problems = authoring.draft_spec(draft)
    by_slot = problems_by_slot(problems, data)
    lanes = [lane for lane in data.get("lanes") or [] if isinstance(lane, dict)]
    steps = [step for step in data.get("steps") or [] if isinstance(step, dict)]
    supplied = [(i.get("key"), i.get("label") or i.get("key"), s.get("no"))
                for s in steps for i in s.get("inputs") or [] if isinstance(i, dict) and i.get("key")]
    rows = []
    for index, step in enumerate(steps):
        inputs = []
        for j, item in enumerate(step.get("inputs") or []):
            if not isinstance(item, dict):
                continue
            inputs.append({"index": j, "item": item, "options_text": pairs_text(item.get("options")),
                           "fields_text": fields_text(item.get("fields"))})
        waktu = step.get("waktu")
        rows.append({
            "index": index, "step": step, "is_decision": step.get("kind") == DECISION, "inputs": inputs,
            "waktu": waktu.get("text", "") if isinstance(waktu, dict) else (waktu or ""),
            "requires_choices": sorted(
                [(key, label, no) for key, label, no in supplied if no != step.get("no")],
                key=lambda c, order=list(step.get("requires") or []): order.index(c[0]) if c[0] in order else 999),
            "requires": set(step.get("requires") or []),
            "effects": _effect_rows(step, roles),
            "first": index == 0, "last": index == len(steps) - 1,
        })
    targets = [(str(s.get("no")), _("Langkah %(no)s: %(kegiatan)s") % {
        "no": s.get("no"), "kegiatan": (s.get("kegiatan") or "…")[:60]}) for s in steps]
    targets.append((END, _("Selesai (akhir prosedur)")))
    return {
        "draft": draft, "data": data, "sheet": data.get("sheet") if isinstance(data.get("sheet"), dict) else {},
        "lanes": lanes, "rows": rows, "targets": targets, "errors": by_slot, "general": by_slot.get(GENERAL, []),
        "problem_count": len(problems), "valid": spec is not None, "focus": focus,
        "input_types": INPUT_TYPE_LABELS, "record_types": RECORD_TYPE_LABELS,
        "editable": draft.is_editable and authoring.may_author(request.user, draft.agency_id),
        "may_ratify": draft.state == DraftState.SUBMITTED and draft.signer_id == request.user.pk,
        "signer": authoring.signer_of(draft),
        "slot_ids": [(slot_id(s), by_slot.get(s, [])) for s in slots(data) if s != GENERAL],
        "unit_kind_choices": [(k.code, f"{k.name} ({k.code})") for k in UnitKind.objects.order_by("name")],
        "role_choices": roles,
        "effect_choices": _effect_choices(),
        "lane_choices": [(lane.get("role", ""), lane.get("label") or lane.get("role", "")) for lane in lanes
                         if lane.get("role")],
        "kind_choices": [(PROCESS, _("Proses")), (DECISION, _("Keputusan (YA/TIDAK)"))],
        "target_choices": targets,
        "effective_on": draft.effective_on.isoformat() if draft.effective_on else "",
    }


def _effect_choices() -> list[tuple[str, str]]:
    from workflows.effects.base import effect_classes, effect_names

    return [(effect_names(cls)[-1], cls.label) for cls in effect_classes()]


INPUT_TYPE_LABELS = (
    ("document", gettext_lazy("Dokumen (unggah PDF/JPEG/PNG)")), ("text", gettext_lazy("Teks")),
    ("datetime", gettext_lazy("Tanggal dan jam")), ("choice", gettext_lazy("Pilihan")),
    ("checklist", gettext_lazy("Daftar periksa (centang)")), ("records", gettext_lazy("Tabel baris (mis. data anggota)")),
)
RECORD_TYPE_LABELS = "document, text, datetime, choice, nip, email, phone, pangkat"


def _effective_on(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def draft_edit(request, pk: int):
    """GET: the editor. POST (a structural button, or a change that reshapes the form): save,
    apply, and answer with the editor again (htmx) or a redirect back to it."""
    draft = _draft(request, pk)
    focus = ""
    if request.method == "POST":
        if not (draft.is_editable and authoring.may_author(request.user, draft.agency_id)):
            return refuse(request, _("Draf ini tidak dapat diubah sekarang."))
        data = data_from_post(request.POST, draft.data)
        op = request.POST.get("op", "")
        if op:
            parts = op.split(":")
            choice = request.POST.get(f"steps.{parts[1]}.new_effect", "") if len(parts) > 1 else ""
            edit = apply_op(data, op, choice)
            data, focus = edit.data, edit.focus
        try:
            draft = authoring.draft_save(draft=draft, data=data, by=request.user,
                                         effective_on=_effective_on(request.POST.get("effective_on", "")))
        except (PermissionDenied, ValidationError) as exc:
            return refuse(request, " ".join(getattr(exc, "messages", [str(exc)])))
        if not request.htmx:
            return redirect(f"{draft.get_absolute_url()}#{focus.replace('.', '-')}" if focus else draft)
        return render(request, "workflows/drafts/_editor.html",
                      {**_editor_context(request, draft, focus), "oob_preview": True})
    return render(request, "workflows/drafts/edit.html", _editor_context(request, draft))


@login_required
@require_POST
def draft_autosave(request, pk: int):
    """What the author typed, kept as they type; the answer puts each problem beside its field
    and refreshes the preview (htmx out-of-band swaps). Never replaces what they are typing."""
    draft = _draft(request, pk)
    if not (draft.is_editable and authoring.may_author(request.user, draft.agency_id)):
        return HttpResponse(status=204)
    data = data_from_post(request.POST, draft.data)
    try:
        draft = authoring.draft_save(draft=draft, data=data, by=request.user,
                                     effective_on=_effective_on(request.POST.get("effective_on", "")))
    except (PermissionDenied, ValidationError):
        return HttpResponse(status=204)
    return render(request, "workflows/drafts/_autosave.html", _editor_context(request, draft))


@login_required
@xframe_options_sameorigin
@csp_update({"style-src": ["'unsafe-inline'"]})  # the sheet's measured widths and page CSS; its text is escaped
@csp_replace({"frame-ancestors": ["'self'"]})
def draft_preview(request, pk: int):
    """The PermenPAN-RB sheet of the draft as HTML, from the renderer that prints the PDF
    (its measured layout and flowchart SVG); shown in the editor's frame."""
    from workflows.pdf.sheet import preview_html

    draft = _draft(request, pk)
    spec, problems = authoring.draft_spec(draft)
    if spec is None:
        return render(request, "workflows/drafts/preview_unavailable.html",
                      {"draft": draft, "problems": problems})
    html = preview_html(spec, draft.agency, static_url=settings.STATIC_URL)
    return HttpResponse(html)


@login_required
def draft_changes(request, pk: int):
    """What the draft changes in the SOP's version in force (for its authors and its signer)."""
    from workflows.version_diff import diff_specs

    draft = _draft(request, pk)
    spec, problems = authoring.draft_spec(draft)
    current = authoring.current_version(draft)
    context = {"draft": draft, "current": current, "problems": problems}
    if spec is not None and current is not None:
        context.update(diff=diff_specs(current.spec, spec), old=current, new={"number": _("draf")})
    return render(request, "workflows/drafts/changes.html", context)


@login_required
def draft_yaml(request, pk: int):
    draft = _draft(request, pk)
    response = HttpResponse(authoring.draft_yaml(draft), content_type="application/yaml; charset=utf-8")
    name = (draft.code or f"draf-{draft.pk}").lower()
    response["Content-Disposition"] = f'attachment; filename="{name}.yaml"'
    return response


# -- pengesahan -----------------------------------------------------------------------------

def _draft_action(request, pk: int, act, success, then):
    """Run one pengesahan service on the draft: a refusal is a 403 page with its reason, a
    problem is a message back on the draft, success a message and ``then(draft, result)``."""
    draft = _draft(request, pk)
    try:
        result = act(draft)
    except PermissionDenied as exc:
        return refuse(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(draft)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then(draft, result))


@login_required
@require_POST
def draft_submit(request, pk: int):
    return _draft_action(request, pk, lambda d: authoring.draft_submit(draft=d, by=request.user),
                         lambda d: _("Draf diajukan kepada %(name)s untuk disahkan.") % {"name": d.signer.full_name},
                         lambda d, result: result)


@login_required
@require_POST
def draft_ratify(request, pk: int):
    return _draft_action(request, pk, lambda d: authoring.draft_ratify(draft=d, by=request.user),
                         _("SOP disahkan dan disimpan sebagai versi baru."), lambda d, version: version.sop)


@login_required
@require_POST
def draft_send_back(request, pk: int):
    note = request.POST.get("note", "")[:4000]
    return _draft_action(request, pk, lambda d: authoring.draft_send_back(draft=d, by=request.user, note=note),
                         _("Draf dikembalikan kepada penyusunnya dengan catatan Anda."), lambda d, r: "draft_list")


@login_required
@require_POST
def draft_discard(request, pk: int):
    return _draft_action(request, pk, lambda d: authoring.draft_discard(draft=d, by=request.user),
                         _("Draf dibuang."), lambda d, r: "draft_list")
