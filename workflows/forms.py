"""Forms built from a step's ``inputs``. They only collect; the services validate.

Every rule lives in workflows.kelengkapan (one place), so the forms keep fields optional
and put the services' ValidationError messages back onto the right fields.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.roles import Pangkat
from workflows.definitions import InputSpec, StepSpec

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
_RECORD = "%s-%d-%s"  # name of a record field: <input key>-<row>-<field key>


def field_for(spec: InputSpec, *, in_record: bool = False) -> forms.Field:
    common = {"label": spec.label, "required": False, "help_text": spec.help}
    if spec.type == "text" and in_record:
        return forms.CharField(**common)
    if spec.type == "document":
        return forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}), **common)
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


class StepForm(forms.Form):
    """Kelengkapan of one step, a note, and (for records) a number of rows."""

    def __init__(self, *args, step: StepSpec | None, note_label=None, note_required=False, rows=None, late=False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.record_rows: dict[str, int] = {}
        self.records: list[tuple[InputSpec, list[list[forms.BoundField]]]] = []
        for spec in step.inputs if step else ():
            if spec.type == "records":
                count = max(1, min(50, (rows or {}).get(spec.key, 1)))
                self.record_rows[spec.key] = count
                for row in range(1, count + 1):
                    for sub in spec.fields:
                        self.fields[_RECORD % (spec.key, row, sub.key)] = field_for(sub, in_record=True)
            else:
                self.fields[spec.key] = field_for(spec)
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

    @property
    def plain_fields(self):
        return [self[name] for name in self.fields if name not in ("note", "late_reason") and "-" not in name]

    def kelengkapan(self) -> dict:
        """The raw values, shaped as the services expect them."""
        data = self.cleaned_data
        out = {}
        for spec in self.step.inputs if self.step else ():
            if spec.type == "records":
                out[spec.key] = [
                    {sub.key: data.get(_RECORD % (spec.key, row, sub.key)) for sub in spec.fields}
                    for row in range(1, self.record_rows[spec.key] + 1)
                ]
            else:
                out[spec.key] = data.get(spec.key)
        return out

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
                name = _RECORD % (base, int(row), sub)
            self.add_error(name if name in self.fields else None, errors)
