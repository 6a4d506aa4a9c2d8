"""The printable PermenPAN-RB 35/2012 SOP sheet, drawn from the definition that runs the workflow.

Rendering takes two WeasyPrint passes over the same template and stylesheet:

1. *measure*: the procedure table alone, every row, on one very tall page. Only the layout
   engine knows how the verbatim texts wrap, so it tells us the x of every pelaksana
   column and the height of the header and of each row.
2. *sheet*: the rows are cut into page-sized chunks (a row never splits across pages);
   each chunk is its own table with the header repeated, and its flowchart is one SVG laid
   over the pelaksana columns at the measured positions. A flow that crosses a page break
   ends in an off-page connector (pentagon) and starts again from one with the same letter.

Only the PermenPAN-RB symbols are drawn: capsule (first step and steps that end the
procedure), rectangle (process), diamond (decision, with YA/TIDAK on its branches),
pentagon (off-page connector), and arrows. All lengths are CSS px (1/96 in), the unit of
WeasyPrint's layout boxes.
"""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Agency, PaperSize, Unit
from workflows.definitions import END, SopSpec
from workflows.models import Sop, SopVersion
from workflows.pdf.render import layout, render_pdf

TEMPLATE = "pdf/sop_sheet.html"
MM = 96 / 25.4  # CSS px per millimetre

# Landscape (width, height) in mm.
PAPER_MM = {PaperSize.A4: (297.0, 210.0), PaperSize.F4: (330.0, 215.0)}
MARGIN_MM = {"top": 10.0, "right": 10.0, "bottom": 13.0, "left": 10.0}
ROW_MIN_MM = 19.0  # room for a diamond plus an off-page connector above or below it
PAGE_SLACK_PX = 0.5  # kept free on every table page against rounding; the heights are measured
MEASURE_PAGE_MM_PER_ROW = 400.0  # the measuring page is tall enough for any row to fit on it
MAX_LOGO_BYTES = 2 * 1024 * 1024
# The cell rules of sop_sheet.css (td, th border). With collapsed borders the table's outer
# rule is drawn beyond the sum of the column widths, so the columns leave room for it.
RULE_MM = 0.25

Point = tuple[float, float]


class SheetNotFound(LookupError):
    """No SOP with that code, or no such version of it; the message says which, in words."""


# -- the page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    name: str
    width_mm: float
    height_mm: float

    @property
    def content_width_mm(self) -> float:
        return self.width_mm - MARGIN_MM["left"] - MARGIN_MM["right"]

    @property
    def content_height_mm(self) -> float:
        return self.height_mm - MARGIN_MM["top"] - MARGIN_MM["bottom"]


def paper_for(agency: Agency) -> Paper:
    """The agency's paper size, landscape."""
    size = PaperSize(agency.paper_size) if agency and agency.paper_size in PaperSize.values else PaperSize.A4
    width, height = PAPER_MM[size]
    return Paper(size.value, width, height)


@dataclass(frozen=True)
class Columns:
    """Widths (mm) of the procedure table's columns, left to right."""

    no: float
    kegiatan: float
    lanes: tuple[float, ...]
    kelengkapan: float
    waktu: float
    output: float
    keterangan: float

    def css_widths(self) -> list[str]:
        widths = [self.no, self.kegiatan, *self.lanes, self.kelengkapan, self.waktu, self.output, self.keterangan]
        return [f"{w:.2f}mm" for w in widths]

    @property
    def total(self) -> float:
        return self.no + self.kegiatan + sum(self.lanes) + self.kelengkapan + self.waktu + self.output + self.keterangan


def column_widths(lane_count: int, width_mm: float) -> Columns:
    """Lanes get about 42% of the width (24-40 mm each); text columns share the rest."""
    no = 8.0
    lane = min(40.0, max(18.0, width_mm * 0.42 / lane_count))
    rest = width_mm - no - lane * lane_count
    kegiatan, kelengkapan, waktu, output, keterangan = (rest * share for share in (0.34, 0.22, 0.09, 0.18, 0.17))
    return Columns(no, kegiatan, (lane,) * lane_count, kelengkapan, waktu, output, keterangan)


# -- what the template shows --------------------------------------------------------------


def find_sop(code: str, agency: str | None = None, template: bool = False) -> Sop:
    """The SOP ``code`` of ``agency``, or the national template ``code``; with neither, the
    one SOP or template with that code (codes are unique per agency, so several agencies may
    share one). SheetNotFound otherwise."""
    owner = {"agency__isnull": True} if template else {"agency__code": agency} if agency else {}
    found = list(Sop.objects.select_related("agency").filter(code=code, **owner))
    if len(found) == 1:
        return found[0]
    if not found:
        raise SheetNotFound(_("SOP dengan kode '%(code)s' tidak ditemukan.") % {"code": code})
    raise SheetNotFound(_("Kode '%(code)s' dipakai beberapa instansi (%(agencies)s); sebutkan instansinya, atau "
                          "--templat untuk templat nasional.") % {
        "code": code, "agencies": ", ".join(sop.agency.code if sop.agency else _("templat") for sop in found)})


def find_sop_version(sop: Sop, number: int | None = None) -> SopVersion:
    """The version ``number`` (default: the latest) of ``sop``, or SheetNotFound."""
    versions = sop.versions.select_related("sop__agency").order_by("number")
    version = versions.last() if number is None else versions.filter(number=number).first()
    if version is None:
        numbers = ", ".join(str(n) for n in versions.values_list("number", flat=True)) or "-"
        raise SheetNotFound(_("SOP %(code)s tidak memiliki versi %(number)s; versi yang tersedia: %(numbers)s.")
                            % {"code": sop.code, "number": number, "numbers": numbers})
    return version


def logo_data_uri(agency: Agency) -> str:
    """The agency logo as a data: URI (PNG/JPEG/GIF/WebP only), or "" when there is none.

    Logos live in MEDIA_ROOT, which the PDF fetcher cannot read; the bytes are embedded.
    """
    if not agency.logo:
        return ""
    try:
        with agency.logo.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except (OSError, ValueError):
        return ""
    mime = _image_type(data)
    if not mime or len(data) > MAX_LOGO_BYTES:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


def _paired_blocks(sheet: dict) -> list[tuple[tuple[str, list[str]], tuple[str, list[str]]]]:
    return [
        ((_("Dasar Hukum"), sheet.get("dasar_hukum", [])),
         (_("Kualifikasi Pelaksana"), sheet.get("kualifikasi_pelaksana", []))),
        ((_("Keterkaitan"), sheet.get("keterkaitan", [])),
         (_("Peralatan/Perlengkapan"), sheet.get("peralatan_perlengkapan", []))),
        ((_("Peringatan"), sheet.get("peringatan", [])),
         (_("Pencatatan dan Pendataan"), sheet.get("pencatatan_pendataan", []))),
    ]


def _rows(spec: SopSpec) -> list[dict[str, Any]]:
    return [
        {"index": i, "no": step.no, "kegiatan": step.kegiatan, "kelengkapan": step.kelengkapan,
         "waktu": step.waktu.text, "output": step.output, "keterangan": step.keterangan}
        for i, step in enumerate(spec.steps)
    ]


def sheet_context(version: SopVersion) -> dict[str, Any]:
    """Everything the template needs except the paging and the flowchart."""
    spec = version.spec
    agency = version.sop.agency
    sheet = spec.sheet
    unit = Unit.objects.filter(agency=agency, kind=spec.sheet_unit).first() if agency else None
    paper = paper_for(agency)
    columns = column_widths(len(spec.lanes), paper.content_width_mm - RULE_MM)
    efektif = [t for t in (sheet.get("tanggal_efektif", ""), sheet.get("tanggal_pengesahan", "")) if t.strip()]
    return {
        "spec": spec, "sheet": sheet, "version": version, "agency": agency,
        "unit_name": unit.name if unit else "", "logo": logo_data_uri(agency) if agency else "",
        "tanggal_efektif": " / ".join(efektif), "signer": sheet.get("disahkan_oleh", {}),
        "paired_blocks": _paired_blocks(sheet), "lanes": spec.lanes, "rows": _rows(spec),
        "col_widths": columns.css_widths(), "table_width": f"{columns.total:.2f}mm",
        "lane_count": len(spec.lanes),
        "docref": f"{spec.code} · {_('versi')} {version.number}" if version.number else f"{spec.code} · {_('draf')}",
        "page_css": _page_css(paper.width_mm, paper.height_mm),
        "paper": paper,
    }


def _page_css(width_mm: float, height_mm: float) -> SafeString:
    # Numbers only, formatted here: the template's localisation would write "297,00".
    margins = " ".join(f"{MARGIN_MM[side]:.2f}mm" for side in ("top", "right", "bottom", "left"))
    return mark_safe(
        f"@page {{ size: {width_mm:.2f}mm {height_mm:.2f}mm; margin: {margins}; }}\n"
        f"table.procedure tbody tr {{ height: {ROW_MIN_MM:.2f}mm; }}"
    )


# -- pass 1: measuring the table ----------------------------------------------------------


@dataclass(frozen=True)
class TableGeometry:
    """Measured layout of the procedure table (px, relative to its chunk's top left)."""

    lanes: tuple[tuple[float, float], ...]  # (left, right) of each pelaksana column
    header_height: float  # top of the chunk to the top of the first row
    row_heights: tuple[float, ...]
    title_height: float  # the table title above the first chunk, margins included
    closing_height: float  # below the last row: the half of the table's bottom rule outside it


def _walk(box) -> Iterator:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def _boxes_by_attribute(document, attribute: str) -> dict[str, Any]:
    """First layout box of each element carrying ``attribute``, by its value."""
    found: dict[str, Any] = {}
    for page in document.pages:
        for box in _walk(page._page_box):  # WeasyPrint exposes no public box API
            element = getattr(box, "element", None)
            value = element.get(attribute) if element is not None else None
            if value is not None and value not in found and not type(box).__name__.endswith("LineBox"):
                found[value] = box
    return found


def measure_table(context: dict[str, Any]) -> TableGeometry:
    """Lay the whole table out once on a very tall page and read where everything fell."""
    paper: Paper = context["paper"]
    tall = MEASURE_PAGE_MM_PER_ROW * (len(context["rows"]) + 1)
    html = render_to_string(TEMPLATE, {**context, "measure": True, "page_css": _page_css(paper.width_mm, tall)})
    boxes = _boxes_by_attribute(layout(html), "data-measure")
    chunk, title = boxes["chunk"], boxes["title"]
    rows = [boxes[f"row-{i}"] for i in range(len(context["rows"]))]
    lanes = [boxes[f"lane-{i}"] for i in range(context["lane_count"])]
    return TableGeometry(
        lanes=tuple((b.position_x - chunk.position_x, b.position_x - chunk.position_x + b.border_width())
                    for b in lanes),
        header_height=rows[0].position_y - chunk.position_y,
        row_heights=tuple(b.border_height() for b in rows),
        title_height=chunk.position_y - title.position_y,
        closing_height=chunk.position_y + chunk.border_height() - rows[-1].position_y - rows[-1].border_height(),
    )


def paginate(row_heights: Sequence[float], header_height: float, first_room: float, room: float) -> list[range]:
    """Cut the rows into page-sized chunks (header repeated on each; a row never splits).

    As few pages as the rows fit on, so a row that fits stays with the page before; over
    those pages the rows are balanced: the emptiest page is as full as it can be, rather
    than the last page holding one lonely row. On a tie the earlier pages keep more rows.
    A row taller than a whole page gets a chunk of its own (and will overflow it).
    """
    n = len(row_heights)
    top = [0.0]
    for height in row_heights:
        top.append(top[-1] + height)

    def blank(start: int, end: int, page: int) -> float | None:
        """Room left on ``page`` holding rows start..end-1, or None when they do not fit."""
        left = (first_room if page == 0 else room) - header_height - (top[end] - top[start])
        return left if left >= 0 or end - start == 1 else None

    pages, start = 0, 0  # filling each page in turn needs the fewest pages
    while start < n:
        end = start + 1
        while end < n and blank(start, end + 1, pages) is not None:
            end += 1
        pages, start = pages + 1, end
    # best[i]: (largest blank on the pages so far, cut positions) for rows[:i] on `page + 1` pages
    best: dict[int, tuple[float, list[int]]] = {0: (0.0, [0])}
    for page in range(pages):
        following: dict[int, tuple[float, list[int]]] = {}
        for end in range(1, n + 1):
            for start in sorted((s for s in best if s < end), reverse=True):
                left = blank(start, end, page)
                if left is None:
                    continue
                cost = max(best[start][0], left)
                if end not in following or cost < following[end][0] - 1e-6:
                    following[end] = (cost, [*best[start][1], end])
        best = following
    cuts = best[n][1]
    return [range(a, b) for a, b in zip(cuts, cuts[1:])]


# -- the flowchart ------------------------------------------------------------------------

TERMINATOR, PROCESS_BOX, DECISION_BOX, CONNECTOR, END_CAPSULE = "terminator", "process", "decision", "connector", "end"
CONNECTOR_W, CONNECTOR_H = 5.0 * MM, 5.0 * MM
BAND_GAP = 1.5 * MM  # between an off-page connector and the row edge / the shape
ARROW_LEN, ARROW_HALF = 2.2 * MM, 0.9 * MM
PT = 96 / 72  # CSS px per point
# Nothing on a printed sheet is under 7 pt; the sheet's own text is 8 pt.
LABEL_FONT_PX = 7.0 * PT
CONNECTOR_FONT_PX = 7.5 * PT
# A YA/TIDAK label beside a decision needs this much straight line: "TIDAK" at 7 pt is
# about 6.7 mm wide in DejaVu Sans Condensed (7.5 mm in DejaVu Sans), 0.8 mm off the corner.
LABEL_ROOM = 9.0 * MM


@dataclass
class Node:
    """A symbol in one chunk's SVG: its centre, half sizes and kind."""

    key: object
    x: float
    y: float
    hw: float
    hh: float
    shape: str
    text: str = ""
    points_up: bool = False  # off-page connector pointing up (a flow going back)

    def port(self, side: str) -> Point:
        return {"top": (self.x, self.y - self.hh), "bottom": (self.x, self.y + self.hh),
                "left": (self.x - self.hw, self.y), "right": (self.x + self.hw, self.y)}[side]

    def box(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        return (self.x - self.hw - margin, self.y - self.hh - margin, self.x + self.hw + margin,
                self.y + self.hh + margin)


@dataclass(frozen=True)
class Edge:
    """An arrow of the definition between table rows (indexes); ``target`` may be END."""

    source: int
    target: int | str
    label: str = ""


def sheet_edges(spec: SopSpec) -> list[Edge]:
    """Every arrow of the sheet in table order; a process step ending the SOP has none."""
    index = {step.no: i for i, step in enumerate(spec.steps)}
    edges: list[Edge] = []
    for i, step in enumerate(spec.steps):
        branches = [(step.ya, _("YA")), (step.tidak, _("TIDAK"))] if step.is_decision else [(step.next, "")]
        for target, label in branches:
            if target == END and not step.is_decision:
                continue
            edges.append(Edge(i, END if target == END else index[target], label))
    return edges


def shape_of(spec: SopSpec, index: int) -> str:
    step = spec.steps[index]
    if step.is_decision:
        return DECISION_BOX
    if index == 0 or step.next == END:
        return TERMINATOR
    return PROCESS_BOX


def _shape_size(shape: str, lane_width: float) -> tuple[float, float]:
    """Half width and half height of a symbol in a lane of ``lane_width`` px."""
    if shape == DECISION_BOX:
        return min(0.46 * lane_width, 18 * MM) / 2, 5.0 * MM
    return min(0.58 * lane_width, 26 * MM) / 2, 4.0 * MM


@dataclass
class ChunkPlan:
    """Geometry of one table page's flowchart, in the SVG's own coordinates."""

    rows: range
    width: float
    height: float
    lane_centres: tuple[float, ...]
    lane_edges: tuple[tuple[float, float], ...]
    row_tops: dict[int, float]
    row_heights: dict[int, float]
    nodes: dict[object, Node] = field(default_factory=dict)
    paths: list[tuple[list[Point], str]] = field(default_factory=list)
    used_ports: dict[tuple[object, str], int] = field(default_factory=dict)


def _chunk_plan(geometry: TableGeometry, rows: range) -> ChunkPlan:
    left0 = geometry.lanes[0][0]
    edges = tuple((left - left0, right - left0) for left, right in geometry.lanes)
    tops, y = {}, 0.0
    for i in rows:
        tops[i] = y
        y += geometry.row_heights[i]
    return ChunkPlan(rows=rows, width=edges[-1][1], height=y,
                     lane_centres=tuple((a + b) / 2 for a, b in edges), lane_edges=edges,
                     row_tops=tops, row_heights={i: geometry.row_heights[i] for i in rows})


def _channels(plan: ChunkPlan) -> list[float]:
    """x of the vertical tracks beside the symbols, two on each side of every lane."""
    xs = []
    for left, right in plan.lane_edges:
        inset = max(0.07 * (right - left), 1.6 * MM)
        for k in (0, 1):
            xs += [left + inset + k * 1.6 * MM, right - inset - k * 1.6 * MM]
    return xs


def _place_shapes(spec: SopSpec, plan: ChunkPlan, lane_index: dict[str, int], top_band: set[int],
                  bottom_band: set[int]) -> None:
    for i in plan.rows:
        lane = lane_index[spec.steps[i].lane]
        lane_width = plan.lane_edges[lane][1] - plan.lane_edges[lane][0]
        shape = shape_of(spec, i)
        hw, hh = _shape_size(shape, lane_width)
        band_top = plan.row_tops[i] + (CONNECTOR_H + 2 * BAND_GAP if i in top_band else 0)
        band_bottom = plan.row_tops[i] + plan.row_heights[i] - (CONNECTOR_H + 2 * BAND_GAP if i in bottom_band else 0)
        plan.nodes[("step", i)] = Node(("step", i), plan.lane_centres[lane], (band_top + band_bottom) / 2, hw, hh, shape)


def _connector(plan: ChunkPlan, key: object, letter: str, at_top: bool, points_up: bool) -> Node:
    y = CONNECTOR_H / 2 + BAND_GAP if at_top else plan.height - CONNECTOR_H / 2 - BAND_GAP
    node = Node(key, 0.0, y, CONNECTOR_W / 2, CONNECTOR_H / 2, CONNECTOR, letter, points_up)
    plan.nodes[key] = node
    return node


# Routing: every candidate path is scored; crossings, shared ports, bends and length cost.

def _segments(path: list[Point]) -> list[tuple[Point, Point]]:
    return list(zip(path, path[1:]))


def _hits_box(segment: tuple[Point, Point], box: tuple[float, float, float, float]) -> bool:
    (x1, y1), (x2, y2) = segment
    x0, y0, x3, y3 = box
    return min(x1, x2) < x3 and max(x1, x2) > x0 and min(y1, y2) < y3 and max(y1, y2) > y0


def _crossings(segment: tuple[Point, Point], other: tuple[Point, Point]) -> tuple[int, int]:
    """(crossing, overlap) counts of two axis-parallel segments."""
    (ax1, ay1), (ax2, ay2) = segment
    (bx1, by1), (bx2, by2) = other
    a_vertical, b_vertical = abs(ax1 - ax2) < 0.5, abs(bx1 - bx2) < 0.5
    if a_vertical == b_vertical:
        if a_vertical and abs(ax1 - bx1) < 1.0:
            overlap = min(max(ay1, ay2), max(by1, by2)) - max(min(ay1, ay2), min(by1, by2))
            return 0, int(overlap > 1.0)
        if not a_vertical and abs(ay1 - by1) < 1.0:
            overlap = min(max(ax1, ax2), max(bx1, bx2)) - max(min(ax1, ax2), min(bx1, bx2))
            return 0, int(overlap > 1.0)
        return 0, 0
    (vx, vy1, vy2), (hy, hx1, hx2) = ((ax1, ay1, ay2), (by1, bx1, bx2)) if a_vertical else ((bx1, by1, by2), (ay1, ax1, ax2))
    inside = min(hx1, hx2) + 0.5 < vx < max(hx1, hx2) - 0.5 and min(vy1, vy2) + 0.5 < hy < max(vy1, vy2) - 0.5
    return int(inside), 0


def _side_toward(node: Node, x: float) -> str:
    return "right" if x > node.x else "left"


def _candidate_paths(a: Node, b: Node, channels: list[float]) -> Iterator[tuple[list[Point], str, str]]:
    """Orthogonal paths from ``a`` to ``b`` as (points, port of a, port of b)."""
    if a is b:  # a decision that repeats itself: out of its side, round to its top
        top, reach = a.y - a.hh - 3 * MM, a.hw + LABEL_ROOM + MM
        for side, x in (("right", a.x + reach), ("left", a.x - reach)):
            yield [a.port(side), (x, a.y), (x, top), (a.x, top), a.port("top")], side, "top"
        return
    down = b.y > a.y
    va, vb = ("bottom", "top") if down else ("top", "bottom")
    if abs(a.x - b.x) < 0.5:
        yield [a.port(va), b.port(vb)], va, vb
    if abs(b.x - a.x) > a.hw + MM and a.shape != CONNECTOR:
        side = _side_toward(a, b.x)
        yield [a.port(side), (b.x, a.y), b.port(vb)], side, vb
    if abs(a.x - b.x) > b.hw + MM and b.shape != CONNECTOR:
        side = _side_toward(b, a.x)
        yield [a.port(va), (a.x, b.y), b.port(side)], va, side
    if down and b.port("top")[1] - a.port("bottom")[1] > 3 * MM and abs(a.x - b.x) >= 0.5:
        middle = (a.port("bottom")[1] + b.port("top")[1]) / 2
        yield [a.port("bottom"), (a.x, middle), (b.x, middle), b.port("top")], "bottom", "top"
    if a.shape == CONNECTOR or b.shape == CONNECTOR:
        return
    for x in channels:
        if abs(x - a.x) > a.hw + MM and abs(x - b.x) > b.hw + MM:
            side_a, side_b = _side_toward(a, x), _side_toward(b, x)
            yield [a.port(side_a), (x, a.y), (x, b.y), b.port(side_b)], side_a, side_b


def _path_cost(plan: ChunkPlan, path: list[Point], a: Node, b: Node, port_a: str, port_b: str,
               label: str) -> float:
    segments = _segments(path)
    cost = 2.0 * (len(segments) - 1) + sum(abs(p[0] - q[0]) + abs(p[1] - q[1]) for p, q in segments) / (10 * MM)
    (x1, y1), (x2, y2) = segments[0]
    if label and port_a in ("left", "right") and len(segments) > 1 and abs(x2 - x1) < LABEL_ROOM:
        cost += 8  # the label would sit on the turn
    for n, segment in enumerate(segments):
        for node in plan.nodes.values():
            if (node is a and n == 0) or (node is b and n == len(segments) - 1):
                continue
            if _hits_box(segment, node.box(0.8 * MM)):
                cost += 1000
        if not (0 <= segment[0][0] <= plan.width and 0 <= segment[1][0] <= plan.width):
            cost += 1000
        for other, _label in plan.paths:
            for other_segment in _segments(other):
                crossing, overlap = _crossings(segment, other_segment)
                cost += 10 * crossing + 40 * overlap
    cost += 30 * plan.used_ports.get((a.key, port_a), 0)
    cost += (5 if port_b == "top" else 30) * plan.used_ports.get((b.key, port_b), 0)
    return cost


def _overlaps_other_node(plan: ChunkPlan, node: Node) -> bool:
    x0, y0, x1, y1 = node.box(0.5 * MM)
    return any(other is not node and x0 < ox1 and x1 > ox0 and y0 < oy1 and y1 > oy0
               for other in plan.nodes.values() for ox0, oy0, ox1, oy1 in [other.box()])


def _route(plan: ChunkPlan, a: Node, b: Node, label: str, free_x: list[float] | None = None) -> None:
    """Draw the cheapest path from ``a`` to ``b``.

    With ``free_x``, the off-page connector among ``a``/``b`` has no x yet: it is placed at
    whichever of those x gives the cheapest path.
    """
    channels = _channels(plan)
    free = next((n for n in (a, b) if n.shape == CONNECTOR), None) if free_x else None
    best: tuple[float, list[Point], str, str, float | None] | None = None
    for x in (free_x if free is not None else [None]):
        if free is not None:
            free.x = x
        for path, port_a, port_b in _candidate_paths(a, b, channels):
            cost = _path_cost(plan, path, a, b, port_a, port_b, label)
            if free is not None and _overlaps_other_node(plan, free):
                cost += 500
            if best is None or cost < best[0]:
                best = (cost, path, port_a, port_b, x)
    assert best is not None  # a connector always has a straight or elbow candidate
    _cost, path, port_a, port_b, x = best
    if free is not None:
        free.x = x
    plan.paths.append((path, label))
    for key in ((a.key, port_a), (b.key, port_b)):
        plan.used_ports[key] = plan.used_ports.get(key, 0) + 1


def _route_to_end(plan: ChunkPlan, a: Node, label: str) -> None:
    """A decision branch that ends the SOP: a short arrow to a small capsule beside it."""
    free = [side for side in ("right", "left", "bottom") if not plan.used_ports.get((a.key, side))]
    side = max(free or ["right"], key=lambda s: {"right": plan.width - a.x, "left": a.x, "bottom": 0}[s])
    hw, hh = 4.5 * MM, 2.5 * MM
    reach = a.hw + LABEL_ROOM + 1.5 * MM + hw
    x = min(max(a.x + (reach if side == "right" else -reach), hw), plan.width - hw) if side != "bottom" else a.x
    y = a.y if side != "bottom" else a.y + a.hh + 3 * MM + hh
    node = Node(("end", a.key, label), x, y, hw, hh, END_CAPSULE)
    plan.nodes[node.key] = node
    entry = {"right": "left", "left": "right", "bottom": "top"}[side]
    plan.paths.append(([a.port(side), node.port(entry)], label))
    plan.used_ports[(a.key, side)] = plan.used_ports.get((a.key, side), 0) + 1


def plan_flowchart(spec: SopSpec, geometry: TableGeometry, chunks: Sequence[range]) -> list[ChunkPlan]:
    """Symbols and routed arrows of every chunk; arrows across chunks get lettered connectors."""
    lane_index = {lane.role: i for i, lane in enumerate(spec.lanes)}
    chunk_of = {i: k for k, rows in enumerate(chunks) for i in rows}
    plans = [_chunk_plan(geometry, rows) for rows in chunks]
    edges = sheet_edges(spec)
    crossing = [e for e in edges if e.target != END and chunk_of[e.source] != chunk_of[e.target]]
    top_band: set[int] = set()
    bottom_band: set[int] = set()
    for edge in crossing:
        forward = edge.target > edge.source
        (bottom_band if forward else top_band).add(chunks[chunk_of[edge.source]][-1 if forward else 0])
        (top_band if forward else bottom_band).add(chunks[chunk_of[edge.target]][0 if forward else -1])
    for plan in plans:
        _place_shapes(spec, plan, lane_index, top_band, bottom_band)
    letters = {edge: _letter(n) for n, edge in enumerate(crossing)}
    # The spine (each step to the row below it) first: it has the fewest ways to go, and
    # the jumps and loops routed after it can then avoid crossing it.
    for edge in sorted(edges, key=lambda e: (e.target != e.source + 1, e.source)):
        _draw_edge(plans, chunk_of, lane_index, spec, edge, letters.get(edge))
    return plans


def _letter(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _draw_edge(plans: list[ChunkPlan], chunk_of: dict[int, int], lane_index: dict[str, int], spec: SopSpec,
               edge: Edge, letter: str | None) -> None:
    source_plan = plans[chunk_of[edge.source]]
    a = source_plan.nodes[("step", edge.source)]
    if edge.target == END:
        _route_to_end(source_plan, a, edge.label)
        return
    target_plan = plans[chunk_of[edge.target]]
    b = target_plan.nodes[("step", edge.target)]
    if letter is None:
        _route(source_plan, a, b, edge.label)
        return
    forward = edge.target > edge.source
    target_lane_x = source_plan.lane_centres[lane_index[spec.steps[edge.target].lane]]
    out = _connector(source_plan, ("out", letter), letter, at_top=not forward, points_up=not forward)
    _route(source_plan, a, out, edge.label, free_x=[target_lane_x, a.x] + _channels(source_plan))
    into = _connector(target_plan, ("in", letter), letter, at_top=forward, points_up=not forward)
    _route(target_plan, into, b, "", free_x=[b.x] + _channels(target_plan))


# -- SVG ----------------------------------------------------------------------------------


STROKE = "1.3"


def _n(value: float) -> str:
    return f"{value:.2f}"


def _symbol_svg(node: Node) -> str:
    x0, y0, x1, y1 = node.box()
    style = f'fill="#fff" stroke="#000" stroke-width="{STROKE}"'
    if node.shape in (TERMINATOR, END_CAPSULE):
        return (f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}" '
                f'rx="{_n(node.hh)}" ry="{_n(node.hh)}" {style}/>')
    if node.shape == PROCESS_BOX:
        return f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}" {style}/>'
    if node.shape == DECISION_BOX:
        points = [(node.x, y0), (x1, node.y), (node.x, y1), (x0, node.y)]
    elif node.points_up:
        points = [(node.x, y0), (x1, y0 + 0.4 * (y1 - y0)), (x1, y1), (x0, y1), (x0, y0 + 0.4 * (y1 - y0))]
    else:
        points = [(x0, y0), (x1, y0), (x1, y0 + 0.6 * (y1 - y0)), (node.x, y1), (x0, y0 + 0.6 * (y1 - y0))]
    polygon = f'<polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in points)}" {style}/>'
    if node.shape != CONNECTOR:
        return polygon
    text_y = node.y + (1.1 * MM if node.points_up else 0.5 * MM)
    return polygon + (f'<text x="{_n(node.x)}" y="{_n(text_y)}" text-anchor="middle" '
                      f'font-size="{_n(CONNECTOR_FONT_PX)}" font-weight="bold">{escape(node.text)}</text>')


def _arrow_svg(path: list[Point], label: str) -> str:
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in path)
    (px, py), (qx, qy) = path[-2], path[-1]
    length = max(abs(qx - px) + abs(qy - py), 1e-6)
    ux, uy = (qx - px) / length, (qy - py) / length
    base = (qx - ux * ARROW_LEN, qy - uy * ARROW_LEN)
    head = [(qx, qy), (base[0] - uy * ARROW_HALF, base[1] + ux * ARROW_HALF),
            (base[0] + uy * ARROW_HALF, base[1] - ux * ARROW_HALF)]
    svg = (f'<polyline points="{points}" fill="none" stroke="#000" stroke-width="{STROKE}"/>'
           f'<polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in head)}" fill="#000"/>')
    return svg + _label_svg(path, label) if label else svg


def _label_svg(path: list[Point], label: str) -> str:
    (x, y), (nx, ny) = path[0], path[1]
    if abs(nx - x) < 0.5:  # leaves vertically
        tx, ty, anchor = x + 1.2 * MM, (y + 3.0 * MM if ny > y else y - 1.2 * MM), "start"
    else:
        tx, ty, anchor = (x + 0.8 * MM, y - 0.8 * MM, "start") if nx > x else (x - 0.8 * MM, y - 0.8 * MM, "end")
    return (f'<text x="{_n(tx)}" y="{_n(ty)}" text-anchor="{anchor}" font-size="{LABEL_FONT_PX}">'
            f'{escape(label)}</text>')


def chunk_svg(plan: ChunkPlan, left: float, top: float) -> SafeString:
    """One chunk's flowchart, placed at (left, top) of its chunk; only numbers and escaped
    app labels go into it."""
    arrows = "".join(_arrow_svg(path, label) for path, label in plan.paths)
    symbols = "".join(_symbol_svg(node) for node in plan.nodes.values())
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" width="{_n(plan.width)}" height="{_n(plan.height)}" '
        f'viewBox="0 0 {_n(plan.width)} {_n(plan.height)}" font-family="DejaVu Sans Condensed, DejaVu Sans" '
        f'style="left: {_n(left)}px; top: {_n(top)}px">{arrows}{symbols}</svg>'
    )


# -- the sheet ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """A laid-out sheet: what was measured, where the pages break, what was drawn, the HTML."""

    version: SopVersion
    geometry: TableGeometry
    chunks: list[range]
    plans: list[ChunkPlan]
    html: str


def build_sheet(version: SopVersion) -> Sheet:
    """Measure the table, cut it into pages, draw the flowchart and render the sheet's HTML."""
    context = sheet_context(version)
    geometry = measure_table(context)
    paper: Paper = context["paper"]
    room = paper.content_height_mm * MM - PAGE_SLACK_PX
    chunks = paginate(geometry.row_heights, geometry.header_height + geometry.closing_height,
                      room - geometry.title_height, room)
    plans = plan_flowchart(version.spec, geometry, chunks)
    context["chunks"] = [
        {"rows": [context["rows"][i] for i in rows],
         "svg": chunk_svg(plan, geometry.lanes[0][0], geometry.header_height)}
        for rows, plan in zip(chunks, plans)
    ]
    return Sheet(version, geometry, chunks, plans, render_to_string(TEMPLATE, context))


def sop_sheet_html(version: SopVersion) -> str:
    """The sheet's HTML: measured, paginated, with the flowchart drawn in."""
    return build_sheet(version).html


def preview_html(spec: SopSpec, agency: Agency, *, static_url: str) -> str:
    """The sheet of a definition not stored as a version yet (a draft in the editor), as HTML
    for a browser: the same measuring, paging and flowchart as the PDF, its stylesheet from
    the static files."""
    version = SopVersion(sop=Sop(agency=agency, code=spec.code, name=spec.name), number=0,
                         definition=spec.as_data(), source_name="")
    version.__dict__["spec"] = spec  # the cached_property, without a stored row to parse
    html = build_sheet(version).html
    return html.replace('href="pdf/', f'href="{static_url}pdf/').replace(
        "</head>", f'<link rel="stylesheet" href="{static_url}css/sheet_preview.css"></head>', 1)


def _sheet_key(version: SopVersion) -> str:
    """What the printed sheet depends on besides the (immutable) version: the language of its
    labels and the agency's paper, logo and issuing unit, which its administrator may change."""
    agency = version.sop.agency
    unit = (Unit.objects.filter(agency=agency, kind=version.spec.sheet_unit).values_list("name", flat=True).first()
            if agency else "")
    parts = [str(version.pk), version.source_sha256, get_language() or "",
             agency.paper_size if agency else "", agency.logo.name if agency and agency.logo else "", unit or ""]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def sheet_pdf(version: SopVersion) -> bytes:
    """The sheet's PDF, rendered once and kept in the media storage (``lembar/``) for every
    worker; a version never changes, so only the language or the agency's letterhead makes
    another. A sheet that cannot be kept is still served."""
    path = f"lembar/{_sheet_key(version)}.pdf"
    try:
        with default_storage.open(path, "rb") as kept:
            return kept.read()
    except (FileNotFoundError, OSError):
        pass
    pdf = render_sop_sheet(version)
    try:
        default_storage.save(path, ContentFile(pdf))
    except OSError:
        pass
    return pdf


def render_sop_sheet(version: SopVersion) -> bytes:
    """The official SOP sheet of ``version`` as PDF bytes."""
    return render_pdf(sop_sheet_html(version))


def sheet_filename(version: SopVersion) -> str:
    """Named with the owner too: agencies that adopted one template share its code."""
    owner = version.sop.agency.code if version.sop.agency else "templat"
    return f"SOP-{version.sop.code}-{owner}-v{version.number}.pdf"
