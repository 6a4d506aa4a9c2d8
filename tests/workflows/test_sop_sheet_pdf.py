"""The printable SOP sheet (PermenPAN-RB 35/2012) drawn from the stored definition."""
import os
import re
import shutil
import subprocess
from io import BytesIO

import pytest
import yaml
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.http import Http404
from django.test import RequestFactory
from PIL import Image
from pypdf import PdfReader

from accounts.models import Agency, Unit
from tests.conftest import SEED_CODES
from tests.workflows.printed import page_faults
from workflows.definitions import END
from workflows.pdf import sheet as sheet_module
from workflows.pdf.render import layout
from workflows.pdf.sheet import build_sheet, find_sop, find_sop_version, paginate, render_sop_sheet
from workflows.sop_import import sop_import
from workflows.views_print import sop_sheet_pdf

pytestmark = pytest.mark.django_db

PT_PER_MM = 72 / 25.4


def squash(text: str) -> str:
    """Text with every space and line break removed: wrapped lines compare equal to the definition."""
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def definition_texts(version) -> list[str]:
    """Every non-empty text of the definition that the sheet must print."""
    spec, sheet = version.spec, version.spec.sheet
    texts = list(sheet["kop"])
    texts += [sheet[key] for key in ("judul", "nomor", "nama", "tanggal_pembuatan", "tanggal_revisi",
                                      "tanggal_efektif", "tanggal_pengesahan", "penjelasan_singkat", "tujuan",
                                      "judul_tabel")]
    texts += list(sheet["disahkan_oleh"].values())
    for key in ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan",
                "pencatatan_pendataan", "definisi"):
        texts += sheet[key]
    for item in sheet["lampiran"]:
        texts += [item["judul"], *item["butir"], *item["catatan"]]
    texts += [lane.label for lane in spec.lanes]
    for step in spec.steps:
        texts += [step.kegiatan, step.kelengkapan, step.waktu.text, step.output, step.keterangan]
    texts.append(version.sop.agency.name)
    return [t for t in texts if t.strip()]


SHEET_LABELS = ("Nomor SOP", "Tanggal Pembuatan", "Tanggal Revisi", "Tanggal Efektif / Pengesahan", "Disahkan Oleh",
                "Nama SOP", "Dasar Hukum", "Kualifikasi Pelaksana", "Keterkaitan", "Peralatan/Perlengkapan",
                "Peringatan", "Pencatatan dan Pendataan", "Kegiatan", "Pelaksana", "Mutu Baku", "Kelengkapan",
                "Waktu", "Output", "Keterangan")


@pytest.mark.parametrize("code", SEED_CODES)
def test_the_sheet_prints_every_text_of_the_definition(seed_sops, code):
    version = seed_sops[code].latest_version
    text = squash("".join(pdf_pages(render_sop_sheet(version))))

    missing = [t for t in definition_texts(version) if squash(t) not in text]
    assert missing == []
    assert [label for label in SHEET_LABELS if squash(label) not in text] == []


def test_the_optional_blocks_and_lampiran_print_where_the_sop_has_them(seed_sops):
    kaltim = squash("".join(pdf_pages(render_sop_sheet(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version))))
    pokja = squash("".join(pdf_pages(render_sop_sheet(seed_sops["PNG-AKUN-POKJA"].latest_version))))

    for label in ("Penjelasan Singkat:", "Tujuan:", "Definisi:"):
        assert squash(label) in kaltim
        assert squash(label) not in pokja
    assert "Lampiran" in pokja and "Lampiran" not in kaltim
    # The lampiran comes after the procedure table.
    assert pokja.index(squash("Mengirimkan user ID dan password")) < pokja.index(squash("KELENGKAPAN DATA UNTUK"))


@pytest.mark.parametrize("code", SEED_CODES)
def test_pages_are_numbered_x_of_y(seed_sops, code):
    pages = pdf_pages(render_sop_sheet(seed_sops[code].latest_version))

    assert len(pages) >= 2  # identity block, then the procedure table on its own page(s)
    for number, text in enumerate(pages, 1):
        assert f"{number} / {len(pages)}" in text


def _pdftoppm() -> str:
    path = shutil.which("pdftoppm")
    if path is None:
        message = "pdftoppm missing: apt-get install poppler-utils"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.mark.parametrize("code", SEED_CODES)
def test_no_page_is_blank(seed_sops, code, tmp_path):
    pdf = render_sop_sheet(seed_sops[code].latest_version)
    (tmp_path / "sheet.pdf").write_bytes(pdf)

    subprocess.run([_pdftoppm(), "-r", "40", "-png", str(tmp_path / "sheet.pdf"), str(tmp_path / "page")],
                   check=True, capture_output=True)

    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(PdfReader(BytesIO(pdf)).pages)
    for png in pngs:
        image = Image.open(png).convert("L")
        # Above the footer: the page number alone would not make a page non-blank.
        body = image.crop((0, 0, image.width, int(image.height * 0.9)))
        dark = sum(body.histogram()[:160])
        assert dark > 500, f"{png.name} has (almost) nothing on it"


def _boxes(document):
    """(page number, box) of every layout box, page by page."""
    def walk(box):
        yield box
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    for number, page in enumerate(document.pages):
        for box in walk(page._page_box):
            yield number, box


def _attribute_boxes(document, attribute: str, box_type: str | None = None) -> list[tuple[int, str, object]]:
    found = []
    for number, box in _boxes(document):
        element = getattr(box, "element", None)
        value = element.get(attribute) if element is not None else None
        if value is not None and (box_type is None or type(box).__name__ == box_type):
            found.append((number, value, box))
    return found


def assert_rows_whole_and_flowchart_aligned(built) -> None:
    document = layout(built.html)
    rows = _attribute_boxes(document, "data-row", "TableRowBox")
    chunks = {int(value): (page, box) for page, value, box in _attribute_boxes(document, "data-chunk", "BlockBox")}
    lanes = _attribute_boxes(document, "data-lane", "TableCellBox")
    svgs = [(page, box) for page, box in _boxes(document)  # absolutely positioned: a placeholder box
            if type(box).__name__ == "AbsolutePlaceholder" and box.element.get("class") == "flow"]

    pages_of = {}
    for page, value, _box in rows:
        pages_of.setdefault(int(value), set()).add(page)
    assert sorted(pages_of) == list(range(len(built.version.spec.steps)))
    assert all(len(pages) == 1 for pages in pages_of.values()), "a row was split across pages"

    assert len(chunks) == len(built.chunks) == len(svgs)
    chunk_pages = [chunks[k][0] for k in range(len(built.chunks))]
    assert chunk_pages == list(range(chunk_pages[0], chunk_pages[0] + len(built.chunks))), "one page per chunk"
    geometry = built.geometry
    for page, value, box in rows:
        k = next(k for k, rows_of_chunk in enumerate(built.chunks) if int(value) in rows_of_chunk)
        chunk_page, chunk = chunks[k]
        assert page == chunk_page
        expected = geometry.header_height + built.plans[k].row_tops[int(value)]
        assert abs(box.position_y - chunk.position_y - expected) < 0.5
    for page, value, cell in lanes:
        chunk = next(box for k, (p, box) in chunks.items() if p == page)
        left, right = geometry.lanes[int(value)]
        assert abs(cell.position_x - chunk.position_x - left) < 0.5
        assert abs(cell.position_x + cell.border_width() - chunk.position_x - right) < 0.5
    for (page, svg), k in zip(sorted(svgs, key=lambda s: s[0]), range(len(built.chunks))):
        chunk_page, chunk = chunks[k]
        assert page == chunk_page
        assert abs(svg.position_x - chunk.position_x - geometry.lanes[0][0]) < 0.5
        assert abs(svg.position_y - chunk.position_y - geometry.header_height) < 0.5


@pytest.mark.parametrize("code", SEED_CODES)
def test_rows_stay_whole_and_the_flowchart_sits_on_them(seed_sops, code):
    assert_rows_whole_and_flowchart_aligned(build_sheet(seed_sops[code].latest_version))


def _port_owner(plan, point):
    for node in plan.nodes.values():
        for side in ("top", "bottom", "left", "right"):
            port = node.port(side)
            if abs(port[0] - point[0]) < 0.01 and abs(port[1] - point[1]) < 0.01:
                return node
    raise AssertionError(f"arrow end {point} touches no symbol")


def drawn_arrows(built) -> set[tuple[int, int | str, str]]:
    """(source row, target row or END, label) of every arrow drawn, joined across page connectors."""
    arrows, outs, ins = set(), {}, {}
    for plan in built.plans:
        for path, label in plan.paths:
            start, end = _port_owner(plan, path[0]), _port_owner(plan, path[-1])
            if start.key[0] == "in":
                ins[start.key[1]] = end.key[1]
            elif end.key[0] == "out":
                outs[end.key[1]] = (start.key[1], label)
            elif end.key[0] == "end":
                arrows.add((start.key[1], END, label))
            else:
                arrows.add((start.key[1], end.key[1], label))
    assert set(outs) == set(ins), "every off-page connector has its partner"
    arrows |= {(source, ins[letter], label) for letter, (source, label) in outs.items()}
    return arrows


def definition_arrows(spec) -> set[tuple[int, int | str, str]]:
    index = {step.no: i for i, step in enumerate(spec.steps)}
    arrows = set()
    for i, step in enumerate(spec.steps):
        if step.is_decision:
            arrows |= {(i, END if t == END else index[t], label) for t, label in ((step.ya, "YA"), (step.tidak, "TIDAK"))}
        elif step.next != END:
            arrows.add((i, index[step.next], ""))
    return arrows


@pytest.mark.parametrize("code", SEED_CODES)
def test_every_arrow_of_the_definition_is_drawn_between_its_symbols(seed_sops, code):
    built = build_sheet(seed_sops[code].latest_version)
    assert drawn_arrows(built) == definition_arrows(built.version.spec)


def test_registrasi_admin_ppe_draws_its_decision_and_loop(seed_sops):
    built = build_sheet(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version)
    shapes = {node.key[1]: node.shape for plan in built.plans for node in plan.nodes.values() if node.key[0] == "step"}

    assert shapes == {0: "terminator", 1: "decision", 2: "process", 3: "process", 4: "process", 5: "process",
                      6: "process", 7: "terminator"}
    # Step 2 TIDAK -> 3, YA -> 5; step 4 goes back up to step 2.
    assert {(1, 2, "TIDAK"), (1, 4, "YA"), (3, 1, "")} <= drawn_arrows(built)
    text = "".join(pdf_pages(render_sop_sheet(built.version)))
    assert "YA" in text and "TIDAK" in text


LONG_SOP = {
    "format": 1, "code": "UJI-PANJANG", "agency": "kkp", "unit": "lpse",
    "sheet": {"nama": "SOP PANJANG UNTUK UJI HALAMAN", "judul_tabel": "URAIAN PROSEDUR UJI"},
    "lanes": [{"role": "pokja", "label": "Pokja Pemilihan"}, {"role": "helpdesk", "label": "Helpdesk LPSE"},
              {"role": "kepala_lpse", "label": "Kepala LPSE"}],
    "steps": [
        {"no": n, "kegiatan": f"Kegiatan {n}: " + "uraian yang panjang sekali " * 6,
         "lane": ("pokja", "helpdesk", "kepala_lpse")[n % 3], "waktu": "1 hari", "kelengkapan": "Berkas",
         "output": "Hasil",
         **({"kind": "decision", "question": "Lengkap?", "ya": n + 1, "tidak": 3} if n == 12 else
            {"kind": "decision", "question": "Lanjut?", "ya": n + 1, "tidak": "end"} if n == 9 else
            {"next": n + 1 if n < 14 else "end"})}
        for n in range(1, 15)
    ],
}


def test_a_long_table_continues_on_the_next_page_through_off_page_connectors(people):
    version, _ = sop_import(text=yaml.safe_dump(LONG_SOP, allow_unicode=True), source_name="panjang.yaml")
    built = build_sheet(version)

    assert len(built.chunks) >= 2
    connectors = [node for plan in built.plans for node in plan.nodes.values() if node.shape == "connector"]
    letters = {node.text for node in connectors}
    assert letters and all(sum(1 for node in connectors if node.text == letter) == 2 for letter in letters)
    # The loop 12 -> 3 goes back to an earlier page: its connectors point up.
    assert not any(3 - 1 in rows and 12 - 1 in rows for rows in built.chunks)
    assert sum(1 for node in connectors if node.points_up) == 2
    assert drawn_arrows(built) == definition_arrows(version.spec)
    assert_rows_whole_and_flowchart_aligned(built)
    pdf = render_sop_sheet(version)
    assert len(PdfReader(BytesIO(pdf)).pages) == 1 + len(built.chunks)


def test_paginate_uses_as_few_pages_as_fit_and_balances_the_rows_over_them():
    # Greedy filling would give 2, 3, 1, 1 rows: a 30 px row alone on the third page.
    chunks = paginate([30, 30, 30, 30, 30, 30, 90], header_height=20, first_room=100, room=120)

    assert chunks == [range(0, 2), range(2, 4), range(4, 6), range(6, 7)]
    assert paginate([500], header_height=20, first_room=100, room=120) == [range(0, 1)]
    # Seven rows over two pages: four and three, not six and one.
    assert paginate([30] * 7, header_height=20, first_room=200, room=200) == [range(0, 4), range(4, 7)]


def test_paginate_keeps_a_row_that_fits_exactly_with_the_page_before():
    assert paginate([30, 30, 40], header_height=20, first_room=120, room=120) == [range(0, 3)]


def test_kaltims_table_fits_on_one_page_instead_of_leaving_step_8_alone(seed_sops):
    pages = pdf_pages(render_sop_sheet(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version))

    assert len(pages) == 2
    table = squash(pages[1])
    steps = seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version.spec.steps
    assert [step.no for step in steps if squash(step.kegiatan) not in table] == []


@pytest.mark.parametrize("paper", ["A4", "F4"])
@pytest.mark.parametrize("code", SEED_CODES)
def test_nothing_crosses_the_side_margins_and_no_text_is_under_7_pt(seed_sops, code, paper):
    Agency.objects.filter(pk=seed_sops[code].agency_id).update(paper_size=paper)
    pdf = render_sop_sheet(find_sop_version(find_sop(code)))

    assert page_faults(pdf, left_mm=sheet_module.MARGIN_MM["left"], right_mm=sheet_module.MARGIN_MM["right"]) == []


@pytest.mark.parametrize("code", SEED_CODES)
def test_the_identity_cell_names_the_unit_of_the_letterhead(seed_sops, code):
    version = seed_sops[code].latest_version
    first_page = squash(pdf_pages(render_sop_sheet(version))[0])
    printed = [unit for unit in Unit.objects.filter(agency=version.sop.agency) if squash(unit.name) in first_page]

    assert len(printed) == 1, [unit.name for unit in printed]
    # The unit named in the identity cell is the one whose letterhead tops the sheet:
    # "Bagian Pengadaan ..." under "BAGIAN PENGADAAN BARANG DAN JASA", not the LPSE.
    leading_words = " ".join(printed[0].name.upper().split()[:2])
    assert any(line.upper().startswith(leading_words) for line in version.spec.sheet["kop"])


def _mediaboxes_mm(pdf: bytes) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width) / PT_PER_MM), round(float(p.mediabox.height) / PT_PER_MM))
            for p in PdfReader(BytesIO(pdf)).pages}


def test_the_agencys_paper_size_sets_the_page_landscape(seed_sops):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    assert _mediaboxes_mm(render_sop_sheet(version)) == {(297, 210)}

    Agency.objects.filter(code="ponorogo").update(paper_size="F4")
    version = find_sop_version(find_sop("PNG-UPDATE-SPSE"))
    pdf = render_sop_sheet(version)

    assert _mediaboxes_mm(pdf) == {(330, 215)}
    assert_rows_whole_and_flowchart_aligned(build_sheet(version))


def test_the_agency_logo_is_printed_when_set(seed_sops):
    agency = Agency.objects.get(code="kaltim")
    image = BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(image, format="PNG")
    agency.logo.save("kaltim.png", ContentFile(image.getvalue()))
    version = find_sop_version(find_sop("KALTIM-REG-ADMIN-PPE"))

    first_page = PdfReader(BytesIO(render_sop_sheet(version))).pages[0]

    assert len(first_page.images) == 1
    assert sheet_module.logo_data_uri(agency).startswith("data:image/png;base64,")


def test_render_sop_writes_the_pdf(seed_sops, tmp_path):
    out = tmp_path / "sop.pdf"

    call_command("render_sop", "KALTIM-REG-ADMIN-PPE", "--version", "1", "--out", str(out),
                 stdout=open(os.devnull, "w"))

    assert out.read_bytes().startswith(b"%PDF")
    assert squash("REGISTRASI ADMIN PPE") in squash("".join(pdf_pages(out.read_bytes())))


def test_render_sop_says_which_code_or_version_is_unknown(seed_sops, tmp_path):
    out = tmp_path / "sop.pdf"
    with pytest.raises(CommandError, match="SOP dengan kode 'TIDAK-ADA' tidak ditemukan"):
        call_command("render_sop", "TIDAK-ADA", "--out", str(out))
    with pytest.raises(CommandError, match="tidak memiliki versi 9; versi yang tersedia: 1"):
        call_command("render_sop", "PNG-UPDATE-SPSE", "--version", "9", "--out", str(out))
    assert not out.exists()


def test_the_view_serves_the_sheet_to_signed_in_people_only(seed_sops, people):
    factory = RequestFactory()
    anonymous = factory.get("/sop/PNG-UPDATE-SPSE/lembar.pdf")
    anonymous.user = AnonymousUser()
    assert sop_sheet_pdf(anonymous, agency="ponorogo", code="PNG-UPDATE-SPSE").status_code == 302

    request = factory.get("/sop/PNG-UPDATE-SPSE/lembar.pdf", {"versi": "1"})
    request.user = people["auditor.ponorogo"]
    response = sop_sheet_pdf(request, agency="ponorogo", code="PNG-UPDATE-SPSE")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="SOP-PNG-UPDATE-SPSE-ponorogo-v1.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")

    for code, query in (("TIDAK-ADA", {}), ("PNG-UPDATE-SPSE", {"versi": "9"}), ("PNG-UPDATE-SPSE", {"versi": "x"})):
        request = factory.get(f"/sop/{code}/lembar.pdf", query)
        request.user = people["auditor.ponorogo"]
        with pytest.raises(Http404):
            sop_sheet_pdf(request, agency="ponorogo", code=code)


def test_a_sheet_is_rendered_once_per_language_and_letterhead(seed_sops, people, client, monkeypatch):
    from django.urls import reverse

    from workflows.pdf import sheet

    renders = []
    real = sheet.render_sop_sheet
    monkeypatch.setattr(sheet, "render_sop_sheet", lambda version: renders.append(version.pk) or real(version))
    client.force_login(people["kepala.lpse.ponorogo"])
    url = reverse("sop_sheet_pdf", args=["ponorogo", "PNG-UPDATE-SPSE"])
    first, again = client.get(url), client.get(url)
    assert first.content == again.content and first.content.startswith(b"%PDF") and len(renders) == 1
    agency = seed_sops["PNG-UPDATE-SPSE"].agency
    agency.paper_size = "F4"
    agency.save()
    assert client.get(url).content != first.content and len(renders) == 2  # the agency's paper changed
