"""Small charts as server-rendered SVG, for the Monev page and its PDF alike: no script, no
library, every label escaped."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

ROW, LABEL_W, BAR_W, VALUE_W, GAP = 22, 110, 300, 110, 6
# Presentation attributes, not only classes: WeasyPrint's SVG renderer does not apply the
# page's stylesheet inside an inline SVG; the web stylesheet may still override them.
FILL = {"good": "#2e7d32", "bad": "#c62828", "neutral": "#90a4ae", "reference": "#bdbdbd"}
TEXT = 'font-size="11" font-family="DejaVu Sans, sans-serif" fill="#000"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str
    tone: str = "neutral"  # good | bad | neutral | reference


def hbars(title: str, bars: list[Bar], *, maximum: float, marker: float | None = None,
          marker_text: str = "") -> SafeString:
    """Horizontal bars, one per row, scaled to ``maximum``; ``marker`` draws a dashed line
    (a threshold) at that value."""
    height = ROW * len(bars) + 24
    width = LABEL_W + BAR_W + VALUE_W
    scale = BAR_W / maximum if maximum else 0

    def bar(index: int, item: Bar):
        y = 4 + index * ROW
        length = max(0.0, (item.value or 0) * scale)
        return format_html(
            '<text x="{}" y="{}" class="label" text-anchor="end" {}>{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" class="bar {}" fill="{}"></rect>'
            '<text x="{}" y="{}" class="value" {}>{}</text>',
            LABEL_W - GAP, y + 14, mark_safe(TEXT), item.label, LABEL_W, y + 3, f"{length:.1f}", ROW - 8, item.tone,
            FILL.get(item.tone, FILL["neutral"]), f"{LABEL_W + length + GAP:.1f}", y + 14, mark_safe(TEXT), item.text)

    rows = format_html_join("", "{}", ((bar(i, item),) for i, item in enumerate(bars)))
    line = ""
    if marker is not None and scale:
        x = LABEL_W + marker * scale
        line = format_html('<line x1="{}" y1="0" x2="{}" y2="{}" class="marker" stroke="#000" '
                           'stroke-dasharray="3 2"></line><text x="{}" y="{}" class="marker-text" {}>{}</text>',
                           f"{x:.1f}", f"{x:.1f}", height - 16, f"{x + 3:.1f}", height - 4, mark_safe(TEXT),
                           marker_text)
    return format_html('<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
                       'preserveAspectRatio="xMinYMin meet"><title>{}</title>{}{}</svg>',
                       title, width, height, title, rows, line)
