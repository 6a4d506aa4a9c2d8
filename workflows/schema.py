"""The typed schema of a definition file (``lpse-sop`` format 1), with pydantic.

One source for the importer (``workflows.definitions``), the editor's forms (titles and
help of every field in ``definition_json_schema()``), the error messages
(``validate_definition`` returns Problems naming the step and the field), the JSON Schema
published at ``/sop/skema.json`` and the key tables of docs/sop-format.md
(``python manage.py sop_schema --markdown``).

Shape and per-field rules live on the models; rules that relate fields or steps live in
``workflows.schema_checks``. Nothing here imports models, engine or services.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal, Union, get_args

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo,
                      WithJsonSchema, field_validator, model_validator)
from pydantic_core import PydanticCustomError

from workflows.effects import Effect, effect_classes
from workflows.problems import Problem
from workflows.waktu import UNITS, Waktu, WaktuUnreadable

FORMAT = 1
END = "end"
PROCESS, DECISION = "process", "decision"

InputType = Literal["document", "text", "datetime", "choice", "checklist", "records"]
RecordFieldType = Literal["document", "text", "datetime", "choice", "nip", "email", "phone", "pangkat"]

# Role and unit-kind codes are data (accounts.Role, accounts.UnitKind): the schema checks
# their spelling, the importer that they exist.
_WORD = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,59}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def refuse(message: str) -> PydanticCustomError:
    """A validation error whose text is ours (already translated); braces in it stay as they are."""
    return PydanticCustomError("sop", "{message}", {"message": str(message)})


# -- field types ------------------------------------------------------------------------

def _text(value: Any) -> str:
    """Text as a person writes it in YAML: empty for nothing, numbers read as text."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise refuse(_("harus berupa teks."))
    return value


def _required_text(value: Any) -> str:
    value = _text(value)
    if not value.strip():
        raise refuse(_("wajib diisi."))
    return value


def _text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise refuse(_("harus berupa daftar teks."))
    return value


def _loose_text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise refuse(_("harus berupa daftar teks."))
    return [str(v) for v in value]


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise refuse(_("harus true atau false."))
    return value


def _pattern(regex: re.Pattern, message) -> Any:
    def check(value: Any) -> str:
        value = _required_text(value)
        if not regex.match(value):
            raise refuse(str(message) % {"value": value})
        return value
    return check


def _optional_unit(value: Any) -> str:
    value = _text(value)
    if value and not _WORD.match(value):
        raise refuse(_("kode jenis unit '%(unit)s' hanya boleh huruf kecil, angka dan '_' (mis. lpse).")
                     % {"unit": value})
    return value


def _target(value: Any) -> Any:
    if value is None or value == END or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise refuse(_("harus nomor langkah atau '%(end)s'.") % {"end": END})


def _waktu(value: Any) -> Waktu:
    if isinstance(value, Waktu):
        return value
    if value is None:
        value = ""
    if isinstance(value, dict):
        text, amount, unit = value.get("text", ""), value.get("amount"), value.get("unit", "none")
        if (set(value) - {"text", "amount", "unit"} or unit not in UNITS or not isinstance(text, str)
                or (unit != "none") != (isinstance(amount, int) and not isinstance(amount, bool))):
            raise refuse(_("bentuk {text, amount, unit} tidak valid; unit salah satu: %(units)s.")
                         % {"units": ", ".join(UNITS)})
        return Waktu(text=text, amount=amount if unit != "none" else None, unit=unit)
    if not isinstance(value, str):
        value = str(value)
    try:
        return Waktu.parse(value)
    except WaktuUnreadable:
        raise refuse(_("waktu '%(text)s' tidak terbaca; tulis mis. '1 hari', '10 Menit', '2 jam', "
                       "'3 hari kerja' atau 'N/A'.") % {"text": value}) from None


def _step_no(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise refuse(_("nomor wajib berupa bilangan bulat positif."))
    return value


def _one_of(choices: tuple[str, ...], message) -> Any:
    def check(value: Any) -> str:
        value = _required_text(value)
        if value not in choices:
            raise refuse(str(message) % {"value": value, "type": value, "choices": ", ".join(choices)})
        return value
    return check


Text = Annotated[str, BeforeValidator(_text)]
RequiredText = Annotated[str, BeforeValidator(_required_text)]
TextList = Annotated[list[str], BeforeValidator(_text_list)]
Flag = Annotated[bool, BeforeValidator(_flag)]
RoleCode = Annotated[str, BeforeValidator(_pattern(_WORD, gettext_lazy(
    "kode peran '%(value)s' hanya boleh huruf kecil, angka dan '_' (mis. kepala_lpse).")))]
UnitKindCode = Annotated[str, BeforeValidator(_pattern(_WORD, gettext_lazy(
    "kode jenis unit '%(value)s' hanya boleh huruf kecil, angka dan '_' (mis. lpse).")))]
Target = Annotated[int | Literal["end"] | None, BeforeValidator(_target)]
WaktuField = Annotated[Waktu, BeforeValidator(_waktu), WithJsonSchema({
    "anyOf": [{"type": "string"}, {
        "type": "object", "additionalProperties": False, "required": ["unit"],
        "properties": {
            "text": {"type": "string", "title": "Teks", "description": "Waktu seperti tertulis di lembar."},
            "amount": {"type": ["integer", "null"], "title": "Jumlah",
                       "description": "Banyaknya satuan; kosong bila unit `none`."},
            "unit": {"enum": list(UNITS), "title": "Satuan",
                     "description": "`minute`, `hour` (menit/jam kerja), `day`/`workday` (hari kerja), "
                                    "`calendar_day` (hari kalender) atau `none` (tanpa batas)."}}}],
    "title": "Waktu", "description": "Mutu baku waktu, apa adanya: `1 hari`, `10 Menit`, `2 jam`, `3 hari kerja`, "
                                     "`2 hari kalender`, `N/A` atau kosong; atau {text, amount, unit}."})]


class Schema(BaseModel):
    """Base of every part of a definition: unknown keys (typos) are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # What to say when the part is not a mapping at all.
    shape_message: ClassVar[Any] = gettext_lazy("harus berupa pemetaan (kunci: nilai).")

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, data: Any) -> Any:
        if isinstance(data, BaseModel):
            return data
        if not isinstance(data, dict):
            raise refuse(cls.shape_message)
        return data


# -- the sheet --------------------------------------------------------------------------

ADOPTED = {"adoption": True}  # json_schema_extra: what an agency fills in when it adopts a template


class Signer(Schema):
    shape_message = gettext_lazy("harus berisi jabatan, nama dan nip.")

    jabatan: Text = Field("", title=gettext_noop("Jabatan"), description="Jabatan penanda tangan, apa adanya.")
    nama: Text = Field("", title=gettext_noop("Nama"), description="Nama penanda tangan.")
    nip: Text = Field("", title=gettext_noop("NIP"), description="NIP penanda tangan, apa adanya (boleh dengan spasi).")


class Lampiran(Schema):
    shape_message = gettext_lazy("harus berupa daftar {judul, butir, catatan}.")

    judul: Text = Field("", title=gettext_noop("Judul lampiran"), description="Judul lampiran.")
    butir: Annotated[list[str], BeforeValidator(_loose_text_list)] = Field(
        default_factory=list, title=gettext_noop("Butir"), description="Butir-butir lampiran.")
    catatan: Annotated[list[str], BeforeValidator(_loose_text_list)] = Field(
        default_factory=list, title=gettext_noop("Catatan"), description="Catatan di bawah lampiran.")


class Sheet(Schema):
    """The header block of the paper sheet."""

    shape_message = gettext_lazy("wajib diisi dengan kepala SOP (nomor, nama, tanggal, disahkan oleh, ...).")

    kop: TextList = Field(default_factory=list, title=gettext_noop("Kop"), json_schema_extra=ADOPTED,
                          description="Daftar baris kop surat (instansi, unit, alamat).")
    judul: Text = Field("", title=gettext_noop("Judul dokumen"),
                        description="Judul dokumen apa adanya, mis. `STANDAR OPERATING PROCEDURES (SOP)`.")
    nomor: Text = Field("", title=gettext_noop("Nomor SOP"), description="Nomor SOP (boleh kosong).", json_schema_extra=ADOPTED)
    nama: RequiredText = Field(title=gettext_noop("Nama SOP"), description="Nama SOP.")
    tanggal_pembuatan: Text = Field("", title=gettext_noop("Tanggal pembuatan"), json_schema_extra=ADOPTED,
                                    description="Tanggal seperti tertulis di lembar (boleh kosong).")
    tanggal_revisi: Text = Field("", title=gettext_noop("Tanggal revisi"), json_schema_extra=ADOPTED,
                                 description="Tanggal seperti tertulis di lembar (boleh kosong).")
    tanggal_efektif: Text = Field("", title=gettext_noop("Tanggal efektif"), json_schema_extra=ADOPTED,
                                  description="Tanggal seperti tertulis di lembar (boleh kosong).")
    tanggal_pengesahan: Text = Field("", title=gettext_noop("Tanggal pengesahan"), json_schema_extra=ADOPTED,
                                     description="Tanggal seperti tertulis di lembar (boleh kosong).")
    penjelasan_singkat: Text = Field("", title=gettext_noop("Penjelasan singkat"), description="Opsional.")
    tujuan: Text = Field("", title=gettext_noop("Tujuan"), description="Opsional.")
    judul_tabel: Text = Field("", title=gettext_noop("Judul tabel"), description="Judul di atas tabel prosedur.")
    dasar_hukum: TextList = Field(default_factory=list, title=gettext_noop("Dasar hukum"), description="Daftar teks (boleh kosong).")
    kualifikasi_pelaksana: TextList = Field(default_factory=list, title=gettext_noop("Kualifikasi pelaksana"),
                                            description="Daftar teks (boleh kosong).")
    keterkaitan: TextList = Field(default_factory=list, title=gettext_noop("Keterkaitan"), description="Daftar teks (boleh kosong).")
    peralatan_perlengkapan: TextList = Field(default_factory=list, title=gettext_noop("Peralatan/perlengkapan"),
                                             description="Daftar teks (boleh kosong).")
    peringatan: TextList = Field(default_factory=list, title=gettext_noop("Peringatan"), description="Daftar teks (boleh kosong).")
    pencatatan_pendataan: TextList = Field(default_factory=list, title=gettext_noop("Pencatatan dan pendataan"),
                                           description="Daftar teks (boleh kosong).")
    definisi: TextList = Field(default_factory=list, title=gettext_noop("Definisi"), description="Opsional: daftar teks.")
    unit: Annotated[str, BeforeValidator(_optional_unit)] = Field(
        "", title=gettext_noop("Unit penerbit lembar"),
        description="Opsional: jenis unit instansi yang menerbitkan lembar (yang disebut kopnya: `ukpbj`, "
                    "`biro_pbj`, `lpse`, ...). Bawaan: `unit` di tingkat atas. Perlu bila lembar diterbitkan, "
                    "mis., Bagian/Biro PBJ sedangkan kasusnya dijalankan LPSE.")
    disahkan_oleh: Annotated[Signer, BeforeValidator(lambda v: {} if v is None else v)] = Field(
        default_factory=Signer, title=gettext_noop("Disahkan oleh"), json_schema_extra=ADOPTED,
        description="Pemetaan `jabatan`, `nama`, `nip` (masing-masing boleh kosong).")
    lampiran: Annotated[list[Lampiran], BeforeValidator(lambda v: [] if v is None else v)] = Field(
        default_factory=list, title=gettext_noop("Lampiran"),
        description="Opsional: daftar `{judul, butir: [..], catatan: [..]}` yang dicetak sesudah tabel.")


# -- lanes, inputs, steps ---------------------------------------------------------------

class LaneModel(Schema):
    shape_message = gettext_lazy("harus berisi role dan label.")

    role: RoleCode = Field(title=gettext_noop("Peran"), description="Kode peran aplikasi ini (huruf kecil, angka dan `_`), "
                                                      "mis. `kepala_lpse`.")
    label: RequiredText = Field(title=gettext_noop("Label kolom"), description="Judul kolom pelaksana seperti tertulis di lembar.")


class OptionModel(Schema):
    value: RequiredText = Field(title=gettext_noop("Nilai"), description="Nilai yang disimpan.")
    label: RequiredText = Field(title=gettext_noop("Label"), description="Teks yang ditampilkan.")


class InputModel(Schema):
    """What the pelaksana hands in with a step."""

    shape_message = gettext_lazy("harus berisi key, label dan type.")
    allowed_types: ClassVar[tuple[str, ...]] = get_args(InputType)

    key: Annotated[str, BeforeValidator(_pattern(_KEY, gettext_lazy(
        "key hanya boleh huruf kecil, angka dan '_', diawali huruf.")))] = Field(
        title=gettext_noop("Key"), description="Nama isian (huruf kecil, angka dan `_`, diawali huruf); unik di langkahnya.")
    label: RequiredText = Field(title=gettext_noop("Label"), description="Label isian di formulir.")
    type: Annotated[str, BeforeValidator(_one_of(get_args(InputType), gettext_lazy(
        "type '%(type)s' tidak dikenal; pilih salah satu: %(choices)s.")))] = Field(
        title=gettext_noop("Jenis"), json_schema_extra={"enum": list(get_args(InputType))},
        description="`document` (unggahan PDF/JPEG/PNG), `text`, `datetime` (diketik di zona instansi), `choice` "
                    "(dengan `options`), `checklist` (kotak centang dengan `options`; di langkah keputusan YA butuh "
                    "semua dicentang, TIDAK butuh paling sedikit satu tidak dicentang plus catatan) atau `records` "
                    "(satu baris atau lebih, dengan `fields`). Sengaja tidak ada jenis kata sandi.")
    required: Flag = Field(True, title=gettext_noop("Wajib"), description="Bawaan `true`.")
    help: Text = Field("", title=gettext_noop("Petunjuk isian"), description="Opsional: petunjuk yang ditampilkan bersama isian.")
    options: list[OptionModel] | None = Field(None, title=gettext_noop("Pilihan"),
                                              description="Untuk `choice` dan `checklist`: daftar `{value, label}`.")
    fields: list[RecordFieldModel] | None = Field(
        None, title=gettext_noop("Kolom baris"),
        description="Untuk `records`: daftar isian jenis skalar plus `nip`, `email`, `phone`, `pangkat`.")
    personal: Flag = Field(False, title=gettext_noop("Data pribadi"),
                           description="`true` menandai data pribadi (mis. pindaian KTP): hanya ditampilkan kepada "
                                       "kepala unit kasus, pelaksana langkah yang mencantumkannya di `requires`, "
                                       "penyerahnya dan auditor; setiap pembukaan dicatat. `records` dengan kolom "
                                       "`nip`, `email` atau `phone` otomatis pribadi.")


class RecordFieldModel(InputModel):
    """A column of a ``records`` input."""

    allowed_types: ClassVar[tuple[str, ...]] = get_args(RecordFieldType)

    type: Annotated[str, BeforeValidator(_one_of(get_args(RecordFieldType), gettext_lazy(
        "type '%(type)s' tidak dikenal; pilih salah satu: %(choices)s.")))] = Field(
        title=gettext_noop("Jenis"), json_schema_extra={"enum": list(get_args(RecordFieldType))},
        description="`document`, `text`, `datetime`, `choice`, `nip`, `email`, `phone` atau `pangkat`.")


InputModel.model_rebuild()


def _effect_union() -> Any:
    """Every registered effect, told apart by ``type``."""
    classes = tuple(effect_classes())
    return Annotated[Union[classes], Field(discriminator="type")]  # noqa: UP007 - a runtime tuple


EffectUnion = _effect_union()


def _no_effect(value: Any) -> Any:
    return None if value in (None, {}) else value


class StepModel(Schema):
    """One row of the procedure table."""

    shape_message = gettext_lazy("langkah harus berupa pemetaan.")

    no: Annotated[int, BeforeValidator(_step_no)] = Field(
        title=gettext_noop("Nomor"), description="Nomor langkah (bilangan bulat positif), unik dalam SOP. Langkah pertama tabel "
                                   "adalah awal setiap kasus.")
    kegiatan: RequiredText = Field(title=gettext_noop("Kegiatan"), description="Uraian kegiatan, apa adanya.")
    lane: RoleCode = Field(title=gettext_noop("Pelaksana"), description="Peran pelaksana langkah; salah satu `role` di `lanes`.")
    kind: Annotated[str, BeforeValidator(_one_of((PROCESS, DECISION), gettext_lazy(
        "jenis harus 'process' atau 'decision'.")))] = Field(
        PROCESS, title=gettext_noop("Jenis langkah"), json_schema_extra={"enum": [PROCESS, DECISION]},
        description="`process` (bawaan) atau `decision`.")
    kelengkapan: Text = Field("", title=gettext_noop("Kelengkapan"), description="Mutu baku kelengkapan, apa adanya.")
    waktu: WaktuField = Field(default_factory=lambda: Waktu(text=""), title=gettext_noop("Waktu"),
                              description="Mutu baku waktu, apa adanya; lihat di bawah.")
    output: Text = Field("", title=gettext_noop("Output"), description="Mutu baku output, apa adanya.")
    keterangan: Text = Field("", title=gettext_noop("Keterangan"), description="Kolom keterangan, apa adanya.")
    next: Target = Field(None, title=gettext_noop("Langkah berikutnya"),
                         description="Langkah proses: nomor langkah berikutnya atau `end`.")
    question: Text = Field("", title=gettext_noop("Pertanyaan"), description="Langkah keputusan: pertanyaannya.")
    ya: Target = Field(None, title=gettext_noop("Jika YA"), description="Langkah keputusan: tujuan bila jawabannya YA.")
    tidak: Target = Field(None, title=gettext_noop("Jika TIDAK"), description="Langkah keputusan: tujuan bila jawabannya TIDAK.")
    inputs: Annotated[list[InputModel], BeforeValidator(lambda v: [] if v is None else v)] = Field(
        default_factory=list, title=gettext_noop("Isian"), description="Yang diserahkan pelaksana saat mengerjakan langkah.")
    requires: Annotated[list[str], BeforeValidator(lambda v: [] if v is None else v)] = Field(
        default_factory=list, title=gettext_noop("Membutuhkan"),
        description="Key isian yang harus sudah diserahkan langkah sebelumnya sebelum langkah ini dapat dikerjakan.")
    tafsiran: Text = Field("", title=gettext_noop("Tafsiran"), description="Opsional: bacaan yang dipilih atas baris yang ambigu.")
    disposisi: Flag = Field(False, title=gettext_noop("Disposisi"),
                            description="`true`: langkah kepala yang dapat dikembalikan ke langkah sebelumnya "
                                        "dengan alasan.")
    petunjuk: Text = Field("", title=gettext_noop("Petunjuk"), description="Instruksi yang ditampilkan di formulir langkah.")
    effect: Annotated[EffectUnion | None, BeforeValidator(_no_effect)] = Field(
        None, title=gettext_noop("Efek"), description="Satu efek langkah `{type: ..., ...}`; lihat Efek.")
    effects: Annotated[list[EffectUnion], BeforeValidator(lambda v: [] if v is None else v)] = Field(
        default_factory=list, title=gettext_noop("Efek (daftar)"),
        description="Beberapa efek `[{type: ..., on: ..., ...}]`; lihat Efek.")

    @field_validator("requires", mode="before")
    @classmethod
    def _requires(cls, value: Any) -> Any:
        if value is not None and (not isinstance(value, list) or not all(isinstance(k, str) for k in value)):
            raise refuse(_("harus berupa daftar key."))
        return value

    @field_validator("lane")
    @classmethod
    def _lane_listed(cls, value: str, info: ValidationInfo) -> str:
        roles = (info.context or {}).get("lane_roles")
        if roles is not None and value not in roles:
            raise refuse(_("peran '%(role)s' tidak ada di daftar pelaksana (lanes).") % {"role": value})
        return value


class Definition(Schema):
    """One SOP definition file (``lpse-sop``, format 1)."""

    shape_message = gettext_lazy("isi berkas harus berupa pemetaan YAML (kunci: nilai).")
    model_config = ConfigDict(extra="forbid", frozen=True, title="Definisi SOP (lpse-sop, format 1)")

    format: Annotated[int, BeforeValidator(lambda v: _format(v))] = Field(
        title=gettext_noop("Format"), description="Selalu `1`.", json_schema_extra={"const": FORMAT})
    code: Annotated[str, BeforeValidator(_pattern(_CODE, gettext_lazy(
        "kode hanya boleh huruf kapital, angka dan tanda '-' (mis. PNG-UPDATE-SPSE).")))] = Field(
        title=gettext_noop("Kode SOP"), description="Pengenal tetap SOP lintas revisi: huruf kapital, angka dan `-` "
                                      "(mis. `PNG-UPDATE-SPSE`).")
    agency: Text = Field("", title=gettext_noop("Instansi"),
                         description="Wajib, kecuali `template`: kode instansi pemilik SOP, mis. `ponorogo`, `kaltim`, "
                                     "`kkp`. Kode SOP unik per instansi.")
    template: Flag = Field(False, title=gettext_noop("Templat nasional"),
                           description="`true` untuk templat nasional (SOP standar LKPP): tanpa `agency`, tidak "
                                       "pernah dijalankan, diadopsi tiap instansi di peramban (SOP → templat → "
                                       "*Adopsi*), yang mengisi kepala lembarnya sendiri.")
    unit: UnitKindCode = Field(title=gettext_noop("Unit pelaksana"),
                               description="Kode jenis unit instansi yang menjalankan kasusnya (`lpse`, `ukpbj`, "
                                           "`biro_pbj`, atau jenis unit lain yang ditambahkan administrator); peran "
                                           "kepalanya dapat membatalkan kasus.")
    sheet: Sheet = Field(title=gettext_noop("Kepala lembar"), description="Blok kepala lembar kertas; lihat `sheet`.")
    lanes: list[LaneModel] = Field(title=gettext_noop("Pelaksana"), description="Kolom pelaksana, dari kiri ke kanan.")
    steps: list[StepModel] = Field(title=gettext_noop("Langkah"), description="Baris tabel prosedur, berurutan.")
    tafsiran: Text = Field("", title=gettext_noop("Tafsiran"), description="Bacaan alur kerja yang dipilih bila lembar ambigu.")

    @field_validator("lanes", mode="before")
    @classmethod
    def _some_lanes(cls, value: Any) -> Any:
        if not isinstance(value, list) or not value:
            raise refuse(_("wajib berisi paling sedikit satu pelaksana."))
        return value

    @field_validator("steps", mode="before")
    @classmethod
    def _some_steps(cls, value: Any) -> Any:
        if not isinstance(value, list) or not value:
            raise refuse(_("wajib berisi paling sedikit satu langkah."))
        return value


def _format(value: Any) -> int:
    if value != FORMAT or isinstance(value, bool):
        raise refuse(_("format harus %(format)d.") % {"format": FORMAT})
    return value


# -- derived constants (no second list of keys) -----------------------------------------

def _keys(model: type[BaseModel], annotation: Any) -> tuple[str, ...]:
    return tuple(name for name, f in model.model_fields.items() if f.annotation == annotation)


SHEET_TEXT_KEYS = tuple(key for key in _keys(Sheet, str) if key != "unit")  # unit is a code, not sheet text
SHEET_LIST_KEYS = _keys(Sheet, list[str])
ADOPTION_SHEET_KEYS = tuple(name for name, f in Sheet.model_fields.items() if f.json_schema_extra == ADOPTED)
INPUT_TYPES: tuple[str, ...] = get_args(InputType)
RECORD_FIELD_TYPES: tuple[str, ...] = get_args(RecordFieldType)


def definition_json_schema() -> dict:
    """The JSON Schema of a definition file, with an Indonesian title and description on every field."""
    schema = Definition.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "/sop/skema.json"
    return schema
