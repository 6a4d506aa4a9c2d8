"""What a printed PDF page shows, read back from the PDF itself (pdfplumber).

The checks read the finished PDF rather than WeasyPrint's layout boxes: the PDF is what the
printer gets, and it holds everything drawn, including the flowchart's SVG text (YA/TIDAK,
connector letters), which has no layout box, and the page-margin boxes. It needs no
private WeasyPrint API (``_page_box``) either.
"""
from __future__ import annotations

import re
from io import BytesIO

import pdfplumber

PT_PER_MM = 72 / 25.4
MIN_FONT_PT = 7.0
TOLERANCE_MM = 0.1  # below what a printer or a ruler can show


def page_faults(pdf: bytes, *, left_mm: float, right_mm: float) -> list[str]:
    """Every glyph or drawn line/box that crosses the left or right margin, and every glyph
    under MIN_FONT_PT, in words. Margin boxes (footer, page numbers) sit between the side
    margins too, so the side check holds for everything on the page."""
    faults = []
    with pdfplumber.open(BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            low, high = left_mm - TOLERANCE_MM, page.width / PT_PER_MM - right_mm + TOLERANCE_MM
            for char in page.chars:
                x0, x1 = char["x0"] / PT_PER_MM, char["x1"] / PT_PER_MM
                if x0 < low or x1 > high:
                    faults.append(f"page {number}: '{char['text']}' at {x0:.1f}-{x1:.1f} mm, "
                                  f"outside {left_mm:.1f}-{high - TOLERANCE_MM:.1f} mm")
                if char["size"] < MIN_FONT_PT - 0.01:
                    faults.append(f"page {number}: '{char['text']}' at {char['size']:.2f} pt")
            for shape in page.rects + page.lines + page.curves:
                x0, x1 = shape["x0"] / PT_PER_MM, shape["x1"] / PT_PER_MM
                if x0 < low or x1 > high:
                    faults.append(f"page {number}: a {shape['object_type']} at {x0:.1f}-{x1:.1f} mm, "
                                  f"outside {left_mm:.1f}-{high - TOLERANCE_MM:.1f} mm")
    return _collapse(faults)


def _collapse(faults: list[str]) -> list[str]:
    """One line per distinct fault shape, so a failing test prints a readable list."""
    seen, out = set(), []
    for fault in faults:
        key = re.sub(r"'.'", "'?'", fault)
        if key not in seen:
            seen.add(key)
            out.append(fault)
    return out


def lines_of(pdf: bytes, text: str) -> list[set[float]]:
    """For each place where ``text`` is printed (line breaks allowed at its spaces or
    anywhere), the set of line tops (mm, rounded) its glyphs sit on."""
    found = []
    squashed = re.sub(r"\s+", "", text)
    with pdfplumber.open(BytesIO(pdf)) as document:
        for page in document.pages:
            chars = [c for c in page.chars if not c["text"].isspace()]
            # Reading order: pdfplumber keeps the order glyphs were drawn, cell by cell.
            stream = "".join(c["text"] for c in chars)
            start = stream.find(squashed)
            while start != -1:
                found.append({round(c["top"] / PT_PER_MM, 1) for c in chars[start:start + len(squashed)]})
                start = stream.find(squashed, start + 1)
    return found
