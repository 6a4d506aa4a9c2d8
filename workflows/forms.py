"""Forms built from a step's ``inputs``. They only collect; the services validate.

Every rule lives in workflows.kelengkapan (one place), so the forms keep fields optional
and put the services' ValidationError messages back onto the right fields.

Files are never chosen twice. A file chosen on a form that is shown again (a row was
added, or a field had an error) is kept server-side as a StagedUpload for its owner; a
redo of a step shows the files handed in on its previous run. Either way the file input
carries a hidden ``<name>-kept`` token ("s<id>" staged, "a<id>" an attachment of this
case) and the file is used unless the person chooses another.
"""
from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms.utils import ErrorDict, flatatt
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.roles import Pangkat
from workflows.definitions import InputSpec, StepSpec
from workflows.documents import clean_document
from workflows.kelengkapan import KeptDocument
from workflows.models import Attachment, StagedUpload

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
_RECORD = "%s-%d-%s"  # name of a record field: <input key>-<row>-<field key>
KEPT = "%s-kept"  # hidden token of the file kept for a file input
STAGED_FOR = datetime.timedelta(days=1)


class KeptFileInput(forms.FileInput):
    """A file input that also shows, and keeps, the file chosen before."""

    template_name = "workflows/widgets/kept_file.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.kept: dict[str, str] = {}  # token -> file name, filled in by the form

    def value_from_datadict(self, data, files, name):
        return files.get(name) or data.get(KEPT % name) or None

    def value_omitted_from_data(self, data, files, name):
        return name not in files and KEPT % name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        token = value if isinstance(value, str) else None
        context["widget"]["kept"] = {"token": token, "name": self.kept[token]} if token in self.kept else None
        return context


class DocumentField(forms.Field):
    """A new upload, or the token of a file kept from before."""

    widget = KeptFileInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ACCEPT


def field_for(spec: InputSpec, *, in_record: bool = False) -> forms.Field:
    common = {"label": spec.label, "required": False, "help_text": spec.help}
    if spec.type == "text" and in_record:
        return forms.CharField(**common)
    if spec.type == "document":
        return DocumentField(**common)
    if spec.type == "text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if spec.type == "datetime":
        return forms.CharField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
    if spec.type == "choice":
        return forms.ChoiceField(choices=spec.options, widget=forms.RadioSelect, **common)
    if spec.type == "checklist":
        return forms.MultipleChoiceField(choices=spec.options, widget=forms.CheckboxSelectMultiple, **common)
    if spec.type == "pangkat":
        return forms.ChoiceField(choices=[("", "—")] + list(Pangkat.choices), **common)
    if spec.type == "email":
        return forms.CharField(widget=forms.EmailInput, **common)
    if spec.type == "phone":
        return forms.CharField(widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}), **common)
    if spec.type == "nip":
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    raise ValueError(spec.type)


def _initial(spec: InputSpec, value: Any, tz) -> Any:
    """A stored kelengkapan value as the form field's initial value."""
    if spec.type == "document":
        return f"a{value['attachment']}" if isinstance(value, dict) and value.get("attachment") else None
    if spec.type == "datetime" and isinstance(value, str):
        moment = parse_datetime(value)
        return timezone.localtime(moment, tz).strftime("%Y-%m-%dT%H:%M") if moment else None
    return value


class StepForm(forms.Form):
    """Kelengkapan of one step, a note, and (for records) a number of rows.

    ``previous`` (key -> stored value) prefills a redo with what the step's previous run
    handed in; ``case`` and ``user`` say whose kept files may be used.
    """

    def __init__(self, *args, step: StepSpec | None, note_label=None, note_required=False, rows=None, late=False,
                 previous: dict[str, Any] | None = None, case=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.case = case
        self.user = user
        previous = previous or {}
        tz = case.agency.tzinfo if case is not None else None
        self.record_rows: dict[str, int] = {}
        self.records: list[tuple[InputSpec, list[list[forms.BoundField]]]] = []
        for spec in step.inputs if step else ():
            if spec.type == "records":
                earlier = previous.get(spec.key) if isinstance(previous.get(spec.key), list) else []
                count = max(1, min(50, (rows or {}).get(spec.key, len(earlier) or 1)))
                self.record_rows[spec.key] = count
                for row in range(1, count + 1):
                    for sub in spec.fields:
                        name = _RECORD % (spec.key, row, sub.key)
                        self.fields[name] = field_for(sub, in_record=True)
                        if row <= len(earlier) and isinstance(earlier[row - 1], dict):
                            self.initial.setdefault(name, _initial(sub, earlier[row - 1].get(sub.key), tz))
            else:
                self.fields[spec.key] = field_for(spec)
                if spec.key in previous:
                    self.initial.setdefault(spec.key, _initial(spec, previous[spec.key], tz))
        self.fields["note"] = forms.CharField(
            label=note_label or _("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Wajib diisi.") if note_required else "")
        self.note_required = note_required
        if late:
            self.fields["late_reason"] = forms.CharField(
                label=_("Alasan keterlambatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Langkah ini sudah melewati batas waktu mutu baku. Penyimpangan dicatat dan "
                            "harus dipertanggungjawabkan oleh pelaksana."))
        for spec in step.inputs if step else ():
            if spec.type == "records":
                self.records.append((spec, [[self[_RECORD % (spec.key, row, sub.key)] for sub in spec.fields]
                                            for row in range(1, self.record_rows[spec.key] + 1)]))
        self._kept: dict[str, Any] = {}  # token -> Attachment or StagedUpload
        self._row_numbers: dict[str, list[int]] = {}  # records key -> form row of each row handed in
        self._resolve_kept()

    # -- kept files ---------------------------------------------------------------------

    @property
    def document_names(self) -> list[str]:
        return [name for name, field in self.fields.items() if isinstance(field, DocumentField)]

    def _token_of(self, name: str) -> str | None:
        if self.is_bound:
            return self.data.get(KEPT % name) or None
        return self.initial.get(name)

    def _resolve_kept(self) -> None:
        """Find what each token names, keeping only files this person may use here."""
        tokens = {name: token for name in self.document_names if _well_formed(token := self._token_of(name))}
        attachment_ids = [int(t[1:]) for t in tokens.values() if t[0] == "a"]
        staged_ids = [int(t[1:]) for t in tokens.values() if t[0] == "s"]
        found: dict[str, Any] = {}
        if attachment_ids and self.case is not None:
            found |= {f"a{a.pk}": a for a in Attachment.objects.filter(case=self.case, pk__in=attachment_ids)}
        if staged_ids and self.user is not None:
            found |= {f"s{s.pk}": s for s in StagedUpload.objects.filter(user=self.user, pk__in=staged_ids)}
        for name, token in tokens.items():
            item = found.get(token)
            if item is not None and (token[0] == "s" or _same_input(item.key, name)):
                self._kept[token] = item
                self.fields[name].widget.kept = {token: item.original_name}

    @property
    def has_kept_files(self) -> bool:
        return bool(self._kept)

    def _document(self, name: str, value: Any) -> Any:
        if isinstance(value, UploadedFile) or value is None:
            return value
        item = self._kept.get(value)
        if item is None:
            return None
        if isinstance(item, Attachment):  # handed in on an earlier run of this case
            return KeptDocument(item)
        return File(item.file.open("rb"), name=item.original_name)

    def clear_errors(self) -> None:
        """Keep what was typed, show no message: the form is shown again for another row."""
        self._errors = ErrorDict()

    def stage_uploads(self) -> None:
        """Keep the valid files of this post for the form shown again (call before rendering it)."""
        if not (self.is_bound and self.user is not None and self.files):
            return
        for old in StagedUpload.objects.filter(user=self.user, created_at__lt=timezone.now() - STAGED_FOR):
            old.file.delete(save=False)
            old.delete()
        data = self.data.copy()
        for name in self.document_names:
            upload = self.files.get(name)
            if upload is None:
                continue
            try:
                document = clean_document(upload, self.fields[name].label)
            except ValidationError:
                continue  # a refused file is not kept; its message says why
            staged = StagedUpload(user=self.user, original_name=document.name)
            staged.file.save(document.name, document.file, save=True)
            token = f"s{staged.pk}"
            data[KEPT % name] = token
            self._kept[token] = staged
            self.fields[name].widget.kept = {token: staged.original_name}
        self.data = data
        self.files = self.files.copy()
        for name in self.document_names:
            self.files.pop(name, None)  # shown again as kept, not as a fresh upload

    def discard_staged(self) -> None:
        """The form was accepted: its staged files are attachments now."""
        for item in self._kept.values():
            if isinstance(item, StagedUpload):
                item.file.delete(save=False)
                item.delete()

    # -- values -------------------------------------------------------------------------

    @property
    def plain_fields(self):
        return [self[name] for name in self.fields if name not in ("note", "late_reason") and "-" not in name]

    def kelengkapan(self) -> dict:
        """The raw values, shaped as the services expect them."""
        out = {}
        for spec in self.step.inputs if self.step else ():
            if spec.type == "records":
                rows = {row: {sub.key: self._value(_RECORD % (spec.key, row, sub.key)) for sub in spec.fields}
                        for row in range(1, self.record_rows[spec.key] + 1)}
                # A row added by mistake and left blank is no row; an all-blank form keeps one, to say what is missing.
                kept = [row for row, values in rows.items() if any(v not in (None, "") for v in values.values())] or [1]
                self._row_numbers[spec.key] = kept  # the services count kept rows: map their messages back
                out[spec.key] = [rows[row] for row in kept]
            else:
                out[spec.key] = self._value(spec.key)
        return out

    def _value(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        return self._document(name, value) if name in self.document_names else value

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put the services' messages on their fields ("data_pokja[2].nip" -> data_pokja-2-nip)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.error_dict.items():
            name = key
            if "[" in key:
                base, rest = key.split("[", 1)
                row, sub = rest.split("].", 1)
                numbers = self._row_numbers.get(base)
                row = numbers[int(row) - 1] if numbers and int(row) <= len(numbers) else int(row)
                name = _RECORD % (base, row, sub)
            self.add_error(name if name in self.fields else None, errors)


def _well_formed(token: str | None) -> bool:
    """"a123" or "s123" with an id that fits a database integer."""
    return bool(token) and token[:1] in ("a", "s") and token[1:].isascii() and token[1:].isdigit() and len(token) <= 19


def _same_input(attachment_key: str, field_name: str) -> bool:
    """Whether an attachment stored under ``attachment_key`` (``surat`` or
    ``data_pokja[2].sk``) was handed in for the field ``field_name`` (``surat``, ``data_pokja-1-sk``)."""
    if "[" not in attachment_key:
        return attachment_key == field_name
    base, rest = attachment_key.split("[", 1)
    sub = rest.split("].", 1)[-1]
    parts = field_name.split("-")
    return len(parts) == 3 and parts[0] == base and parts[2] == sub


class QuickSelect(forms.Select):
    """A drop-down written in Python rather than one template per option: a national auditor's
    lists (every agency's SOPs and people) have hundreds of options, which Django's option
    templates render in tens of milliseconds."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            options.append(format_html('<option value="{}"{}>{}</option>', option_value,
                                       mark_safe(" selected") if option_value in selected else "", label))
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe("".join(options)))
