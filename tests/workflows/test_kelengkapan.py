"""Kelengkapan uploads and data are checked before anything is stored."""
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.workflows.driving import PDF, sample_value, start
from workflows.services import case_complete_step

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(out, format="PNG")
    return out.getvalue()


PNG = _png()


def complete_step_1(case, person, surat):
    return case_complete_step(case_id=case.pk, step=1, by=person,
                              kelengkapan={"surat_pemberitahuan": surat, "laporan": "Rilis baru"})


@pytest.mark.parametrize(("name", "content", "message"), [
    ("surat.exe", b"MZ\x90\x00", "Surat Pemberitahuan harus berkas PDF, JPEG atau PNG."),
    ("surat.pdf", b"<html>bukan pdf</html>", "Surat Pemberitahuan harus berkas PDF, JPEG atau PNG."),
    ("surat.png", PDF, "Surat Pemberitahuan harus berkas PDF, JPEG atau PNG."),
    ("surat.pdf", b"", "Surat Pemberitahuan kosong."),
])
def test_only_real_pdf_jpeg_png_are_accepted(seed_sops, people, name, content, message):
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    with pytest.raises(ValidationError) as info:
        complete_step_1(case, people["admin.ppe.ponorogo"], SimpleUploadedFile(name, content))
    assert info.value.message_dict["surat_pemberitahuan"] == [message]
    assert case.attachments.count() == 0 and case.events.count() == 1


def test_an_oversized_upload_is_refused_with_the_limit(seed_sops, people, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    with pytest.raises(ValidationError, match="terlalu besar .* paling besar"):
        complete_step_1(case, people["admin.ppe.ponorogo"], SimpleUploadedFile("s.pdf", PDF + b" " * 2048))


def test_a_png_is_stored_re_encoded_with_the_sha256_of_what_is_stored(seed_sops, people):
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    complete_step_1(case, people["admin.ppe.ponorogo"], SimpleUploadedFile("scan.png", PNG))
    attachment = case.attachments.get()
    stored = attachment.file.read()
    assert attachment.content_type == "image/png" and attachment.size == len(stored)
    assert stored.startswith(b"\x89PNG") and attachment.sha256 == hashlib.sha256(stored).hexdigest()


def test_pokja_member_fields_are_each_validated(seed_sops, people):
    version = seed_sops["PNG-AKUN-POKJA"].latest_version
    case = start(version)
    spec = next(i for i in version.spec.step(1).inputs if i.key == "data_pokja")
    member = sample_value(spec)[0]
    member.update(nip="1972", email="bukan-email", telepon="abc", pangkat_golongan="V/z", nama="")
    with pytest.raises(ValidationError) as info:
        case_complete_step(case_id=case.pk, step=1, by=people["kepala.ukpbj.ponorogo"], kelengkapan={
            "surat_perintah": SimpleUploadedFile("s.pdf", PDF), "data_pokja": [member]})
    errors = info.value.message_dict
    assert set(errors) == {"data_pokja[1].nip", "data_pokja[1].email", "data_pokja[1].telepon",
                           "data_pokja[1].pangkat_golongan", "data_pokja[1].nama"}
    assert errors["data_pokja[1].nip"] == ["NIP harus 18 angka; yang diisi 4 angka."]
    assert case.inputs.count() == 0 and case.attachments.count() == 0


def test_a_choice_outside_the_options_is_refused(seed_sops, people):
    from tests.workflows.driving import case_at
    case = case_at(seed_sops["PNG-AKUN-POKJA"].latest_version, 4)
    with pytest.raises(ValidationError, match="Pilihan untuk Disampaikan melalui tidak dikenal"):
        case_complete_step(case_id=case.pk, step=4, by=people["pokja.ponorogo"],
                           kelengkapan={"saluran": "merpati", "diterima_pada": "2026-11-23T10:00"})


def test_an_item_the_step_does_not_ask_for_is_refused(seed_sops, people):
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    with pytest.raises(ValidationError) as info:
        case_complete_step(case_id=case.pk, step=1, by=people["admin.ppe.ponorogo"], kelengkapan={
            "surat_pemberitahuan": SimpleUploadedFile("s.pdf", PDF), "laporan": "x", "password": "rahasia"})
    assert info.value.message_dict == {"password": ["Langkah 1 tidak meminta 'password'."]}
