from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workflows import engine
from workflows.access import case_for_user, is_personal_key, may_see_personal
from workflows.announcements import confirmation_people, confirmation_step
from workflows.documents import header_name
from workflows.forms import StepForm
from workflows.models import DocumentAccess
from workflows.invitations import may_invite, outside_lanes
from workflows.selectors import case_story, handover, last_refusal, last_return, previous_values
from workflows.services import (case_assign_step, case_cancel, case_complete_step, case_decide,
                                case_record_confirmation, case_release_step, case_send_back, case_take_step)
from workflows.templatetags.tanggal import tanggal
from workflows.views.invitations import InvitationForm
from workflows.views.responses import record_rows, refuse, refused_action

# URL word -> transition; the words are what a person sees in the address bar.
ACTIONS = {"selesai": "complete", "ya": "decide_ya", "tidak": "decide_tidak", "kembali": "send_back"}
SLUGS = {v: k for k, v in ACTIONS.items()}


def transition_names(case, user) -> set[str]:
    """What this person may do on the case now (django-fsm's own answer)."""
    return {t.name for t in case.get_available_user_state_transitions(user)}


def action_buttons(case, names: set[str]) -> list[dict]:
    """The step buttons for ``names``, in the order the SOP reads them."""
    step = case.current_step
    labels = {
        "complete": _("Selesaikan langkah %(no)d") % {"no": step.no} if step else "",
        "decide_ya": _("YA — %(q)s") % {"q": step.question or step.kegiatan} if step else "",
        "decide_tidak": _("TIDAK — %(q)s") % {"q": step.question or step.kegiatan} if step else "",
        "send_back": _("Kembalikan ke langkah sebelumnya") if step else "",
    }
    return [{"name": n, "slug": SLUGS[n], "label": labels[n]}
            for n in ("complete", "decide_ya", "decide_tidak", "send_back") if n in names]


@login_required
def case_detail(request, pk: int):
    case = case_for_user(request.user, pk)
    request.user.notifications.filter(case=case, read_at__isnull=True).update(read_at=timezone.now())  # seen
    # A page read: how the person stands on the case is read once and shared by the buttons,
    # the handling panel and the confirmation form.
    with engine.remembering(case):
        return _case_page(request, case)


def _case_page(request, case):
    names = transition_names(case, request.user)
    forward_step = confirmation_step(case)
    may_confirm = bool(forward_step and engine.lane_assignment(case, request.user, forward_step.lane))
    return render(request, "workflows/case_detail.html", {
        "case": case, "story": case_story(case, request.user), "buttons": action_buttons(case, names),
        "handling": step_handling_for(case, request.user),
        "invitations": invitations_for(case, request.user),
        "may_cancel": "cancel" in names,
        "refusal": last_refusal(case), "returned": last_return(case), "may_confirm": may_confirm,
        "confirm_form": ConfirmationForm(case=case) if may_confirm else None,
    })


@login_required
def case_action(request, pk: int, step: int, slug: str):
    case = case_for_user(request.user, pk)
    transition = ACTIONS.get(slug)
    if transition is None or step not in {s.no for s in case.spec.steps}:
        raise Http404
    current = case.current_step
    if current is None or current.no != step:
        messages.warning(request, _("Langkah %(no)d tidak lagi menunggu.") % {"no": step})
        return redirect("case_detail", case.pk)
    names = transition_names(case, request.user)
    if transition not in names:
        return refuse(request, engine.refusal(case, transition, request.user)
                      or _("Tindakan ini tidak tersedia untuk Anda."))
    needs_reason = transition in ("decide_tidak", "send_back")
    run = case.step_runs.get(completed_at__isnull=True)
    redo = {} if transition == "send_back" else previous_values(case, current.no, request.user)
    previous, held = handover(case, request.user)
    form = StepForm(request.POST or None, request.FILES or None,
                    step=None if transition == "send_back" else current, rows=record_rows(request),
                    note_required=needs_reason, late=transition != "send_back" and run.is_overdue,
                    note_label=_("Alasan pengembalian") if transition == "send_back" else None,
                    previous=redo, case=case, user=request.user)
    if request.method == "POST" and "add_row" not in request.POST and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            with refused_action(request, case) as outcome:
                if transition == "send_back":
                    case_send_back(case_id=case.pk, step=step, by=request.user, reason=note)
                elif transition == "complete":
                    case_complete_step(case_id=case.pk, step=step, by=request.user, note=note,
                                       kelengkapan=form.kelengkapan(),
                                       late_reason=form.cleaned_data.get("late_reason", ""))
                else:
                    case_decide(case_id=case.pk, step=step, answer=transition == "decide_ya", by=request.user,
                                note=note, kelengkapan=form.kelengkapan(),
                                late_reason=form.cleaned_data.get("late_reason", ""))
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if outcome.response:
                return outcome.response
            form.discard_staged()
            return _after_action(request, case)
    if request.method == "POST":
        form.stage_uploads()
    if "add_row" in request.POST:  # "Tambah baris" is no refusal: a row more, no messages yet
        form.clear_errors()
    return render(request, "workflows/case_action.html", {
        "case": case, "step": current, "form": form, "transition": transition, "slug": slug,
        "returned": last_return(case), "handover": previous, "held": held,
        "label": next(b["label"] for b in action_buttons(case, names) if b["name"] == transition),
    }, status=400 if form.errors else 200)


def _after_action(request, case):
    case.refresh_from_db()
    step = case.current_step
    if step is None:
        messages.success(request, _("Tersimpan. Kasus \"%(title)s\" %(state)s.") % {
            "title": case.title, "state": _("selesai") if case.state == "done" else _("dibatalkan")})
    else:
        messages.success(request, _("Tersimpan. Kasus \"%(title)s\" kini di langkah %(no)d: %(kegiatan)s (%(lane)s).")
                         % {"title": case.title, "no": step.no, "kegiatan": step.kegiatan,
                            "lane": case.spec.lane_label(step.lane)})
    return redirect("case_detail", case.pk)  # whoever acted keeps seeing the case


def invitations_for(case, user) -> dict | None:
    """The outside parties of the case, and the form to invite one, for those who may."""
    lanes = outside_lanes(case)
    if not lanes:
        return None
    labels = {lane.role: lane.label for lane in lanes}
    sent = [(i, labels.get(i.lane_role, i.lane_role)) for i in case.invitations.select_related("user")]
    joined = {i.lane_role for i, _label in sent if i.accepted_at}
    open_lanes = [lane for lane in lanes if lane.role not in joined]
    form = InvitationForm(lanes=open_lanes) if open_lanes and may_invite(case, user) else None
    return {"sent": sent, "form": form} if sent or form else None


def step_handling_for(case, user) -> dict | None:
    """Who handles the waiting step, and what this person may do about it (take, release, assign)."""
    step = case.current_step
    if step is None:
        return None
    assignee = engine.assignee_of(case)
    people = engine.lane_people(case, step.lane)
    if assignee is None and len(people) < 2:
        return None  # one possible pelaksana: nothing to take or share
    holder = any(person.pk == user.pk for person in people)
    head = engine.head_assignment(case, user) is not None
    return {"assignee": assignee, "may_take": holder and assignee is None,
            "may_release": assignee is not None and (assignee.pk == user.pk or head),
            "assign_form": AssignForm(people=people) if head else None}


class AssignForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("Tugaskan kepada"))
    note = forms.CharField(label=gettext_lazy("Catatan"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(p.pk, p.full_name) for p in people]
        self.people = {str(p.pk): p for p in people}


@login_required
@require_POST
def step_handle(request, pk: int, step: int, what: str):
    """Take a waiting step, hand it back with a reason, or (the unit's head) assign it."""
    if what not in ("ambil", "lepas", "tugaskan"):
        raise Http404
    case = case_for_user(request.user, pk)
    current = case.current_step
    try:
        with refused_action(request, case) as outcome:
            if what == "ambil":
                case_take_step(case_id=case.pk, step=step, by=request.user)
                done = _("Langkah %(no)d kini Anda tangani.") % {"no": step}
            elif what == "lepas":
                case_release_step(case_id=case.pk, step=step, by=request.user, reason=request.POST.get("reason", ""))
                done = _("Langkah %(no)d dilepas; kini terbuka lagi bagi semua pemegang perannya.") % {"no": step}
            else:
                form = AssignForm(request.POST, people=engine.lane_people(case, current.lane) if current else [])
                if not form.is_valid():
                    raise ValidationError(_("Pilih orang yang ditugaskan."))
                person = form.people[form.cleaned_data["to"]]
                case_assign_step(case_id=case.pk, step=step, by=request.user, to=person,
                                 note=form.cleaned_data["note"])
                done = _("Langkah %(no)d ditugaskan kepada %(name)s.") % {"no": step, "name": person.full_name}
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("case_detail", case.pk)
    if outcome.response:
        return outcome.response
    messages.success(request, done)
    return redirect("case_detail", case.pk)


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Alasan pembatalan"), widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("Alasan pembatalan wajib diisi.")})


@login_required
def case_cancel_view(request, pk: int):
    case = case_for_user(request.user, pk)
    if "cancel" not in transition_names(case, request.user):
        return refuse(request, engine.refusal(case, "cancel", request.user) or _("Kasus ini tidak dapat dibatalkan."))
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with refused_action(request, case) as outcome:
                case_cancel(case_id=case.pk, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc.messages)
        else:
            return outcome.response or _after_action(request, case)
    return render(request, "workflows/case_cancel.html", {"case": case, "form": form},
                  status=400 if form.errors else 200)


class ConfirmationForm(forms.Form):
    recipient = forms.ChoiceField(label=gettext_lazy("Anggota Pokja yang dikonfirmasi"))
    note = forms.CharField(label=gettext_lazy("Catatan"), required=False,
                           widget=forms.TextInput(attrs={"placeholder": gettext_lazy("mis. sudah menyesuaikan jadwal")}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [(u.pk, f"{u.full_name} ({u.phone or '-'})") for u in confirmation_people(case)]


@login_required
@require_POST
def record_confirmation(request, pk: int):
    case = case_for_user(request.user, pk)
    form = ConfirmationForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, _("Pilih anggota Pokja yang dikonfirmasi."))
        return redirect("case_detail", case.pk)
    try:
        with refused_action(request, case) as outcome:
            row = case_record_confirmation(case_id=case.pk, by=request.user,
                                           recipient_id=int(form.cleaned_data["recipient"]),
                                           note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("case_detail", case.pk)
    if outcome.response:
        return outcome.response
    messages.success(request, _("Konfirmasi telepon dengan %(name)s dicatat.") % {"name": row.recipient_name})
    return redirect("case_detail", case.pk)


@login_required
def attachment_download(request, pk: int, attachment_id: int):
    case = case_for_user(request.user, pk)
    attachment = get_object_or_404(case.attachments, pk=attachment_id)
    personal = is_personal_key(case, attachment.key)
    if personal and not may_see_personal(request.user, case):
        return refuse(request, _("%(label)s adalah data pribadi: hanya untuk kepala unit, pelaksana yang "
                                 "memerlukannya, dan auditor.") % {"label": attachment.label})
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        removal = case.events.filter(action="retensi").order_by("-at").first() if personal else None
        if removal is None:
            raise Http404 from None
        return refuse(request, _("%(label)s dihapus pada %(when)s karena masa retensi data pribadi berakhir; "
                                 "catatannya tetap ada di riwayat kasus.") % {
            "label": attachment.label, "when": tanggal(removal.at, case.agency)}, status=410)
    if personal:  # every opening of a personal document is logged for the agency administrator
        DocumentAccess.objects.create(case=case, attachment=attachment, user=request.user)
    response = FileResponse(handle, as_attachment=True, filename=header_name(attachment.original_name),
                            content_type=attachment.content_type)
    # Never rendered by the browser, never cached: a scan of a KTP is personal data.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
