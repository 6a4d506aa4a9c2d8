import pytest
from django.core.exceptions import ValidationError

from accounts.nip import format_nip, validate_nip


@pytest.mark.parametrize("nip", ["197205282005021001", "19720528 200502 1 001", "196611301987021001"])
def test_it_accepts_real_nips_with_or_without_spaces(nip):
    validate_nip(nip)


@pytest.mark.parametrize(("nip", "message"), [
    ("19720528200502100A", "NIP hanya boleh berisi angka."),
    ("1972052820050210", "NIP harus 18 angka; yang diisi 16 angka."),
    ("197202302005021001", "8 angka pertama NIP (19720230) bukan tanggal lahir yang ada"),
    ("183005282005021001", "Tanggal lahir pada NIP (18300528) tidak masuk akal."),
    ("197205282005131001", "bulan 13 tidak ada"),
    ("197205281985021001", "Pengangkatan pada NIP (198502) terjadi sebelum pegawai berusia 18 tahun."),
    ("197205282099021001", "Bulan pengangkatan pada NIP (209902) belum terjadi."),
    ("197205282005023001", "Angka ke-15 NIP adalah jenis kelamin: 1 (pria) atau 2 (wanita), bukan 3."),
    ("197205282005021000", "Tiga angka terakhir NIP (nomor urut) tidak boleh 000."),
])
def test_it_says_which_part_is_wrong(nip, message):
    with pytest.raises(ValidationError) as info:
        validate_nip(nip)
    assert message in info.value.messages[0]


def test_it_prints_the_nip_as_on_paper():
    assert format_nip("197205282005021001") == "19720528 200502 1 001"
