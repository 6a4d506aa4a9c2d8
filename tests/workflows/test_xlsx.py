"""The XLSX writer (workflows.xlsx) makes a workbook openpyxl reads back cell for cell: text as
typed (escaped, control characters that Excel refuses removed), numbers as numbers, dates as
date cells showing their zone, the header bold and frozen. No database needed."""
from __future__ import annotations

import datetime
import zipfile

import pytest
from openpyxl import load_workbook

from workflows import xlsx
from workflows.xlsx import LocalTime


def written(header, rows, **kwargs):
    spool = xlsx.write(header, rows, title=kwargs.pop("title", "Arsip kasus"), widths=kwargs.pop("widths", [10, 40]),
                       **kwargs)
    return spool, load_workbook(spool)


def test_text_numbers_and_dates_come_back_as_they_were_written():
    rows = [[1, 'A & B <c> "d"', LocalTime.of(datetime.datetime(2026, 11, 23, 9, 0), "WIB"), 2.5, True],
            [2, "  spasi di tepi  ", LocalTime.of(datetime.datetime(2026, 11, 24, 0, 30, 15, 500000), "WITA"), 0, False]]
    _spool, book = written(["No.", "Judul", "Ditutup", "Nilai", "Ya"], rows)
    sheet = book.active
    values = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [[1, 'A & B <c> "d"', datetime.datetime(2026, 11, 23, 9, 0), 2.5, True],
                      [2, "  spasi di tepi  ", datetime.datetime(2026, 11, 24, 0, 30, 15, 500000), 0, False]]
    assert sheet["C2"].number_format == 'dd/mm/yyyy hh:mm "WIB"' and sheet["C3"].number_format.endswith('"WITA"')
    assert sheet["A2"].data_type == "n" and sheet["B2"].data_type == "s"


def test_control_characters_are_removed_and_nothing_becomes_a_formula():
    _spool, book = written(["A"], [["baris\x00satu\x1b\nbaris dua\t"], ["=1+1"], ["'=HYPERLINK(\"x\")"]])
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["barissatu\nbaris dua\t", "=1+1", "'=HYPERLINK(\"x\")"]
    assert all(c.data_type == "s" for c in cells)


def test_an_empty_value_is_no_cell():
    _spool, book = written(["A", "B", "C"], [[None, "", "x"]])
    assert [c.value for c in next(book.active.iter_rows(min_row=2))] == [None, None, "x"]


def test_the_header_is_bold_wrapped_and_frozen_and_the_columns_as_wide_as_asked():
    _spool, book = written(["No. kasus", "Judul"], [[1, "x"]], widths=[10, 40, 99])
    sheet = book.active
    assert sheet.title == "Arsip kasus" and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["B1"].alignment.wrap_text and not sheet["A2"].font.b
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (10, 40)


def test_a_sheet_name_excel_refuses_is_mended():
    _spool, book = written(["A"], [], title="Arsip: 2026/11 [semua] dan seterusnya sampai habis")
    assert book.active.title == "Arsip  2026 11  semua  dan seter"[:31].strip()
    assert len(book.active.title) <= 31


def test_the_file_is_a_plain_zip_without_data_descriptors():
    """Some readers (and older Excel) refuse entries whose sizes follow their data."""
    spool, _book = written(["A"], [[1]] * 3)
    spool.seek(0)
    with zipfile.ZipFile(spool) as book:
        assert book.testzip() is None
        assert all(not info.flag_bits & 0x08 for info in book.infolist())
        assert "xl/worksheets/sheet1.xml" in book.namelist() and "[Content_Types].xml" in book.namelist()


def test_more_rows_than_a_sheet_holds_are_refused_in_words(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    with pytest.raises(ValueError, match="Lebih dari 3 baris: satu lembar Excel tidak dapat memuatnya"):
        xlsx.write(["A"], [[n] for n in range(4)], title="x", widths=[])
    xlsx.write(["A"], [[n] for n in range(3)], title="x", widths=[]).close()


def test_a_value_a_cell_cannot_hold_is_an_error_not_a_broken_file():
    with pytest.raises(TypeError):
        xlsx.write(["A"], [[object()]], title="x", widths=[])
