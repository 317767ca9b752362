"""An SVG badge "SSOT | 87.2%" in the shields.io flat style, coloured by threshold.

Written by ``ssot-ws report --badge PATH`` so a README can show the compliance without a
third-party service. Pure: numbers in, SVG text out.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

# (lowest compliance, colour), highest first: shields.io's named colours.
THRESHOLDS = (
    (100.0, "#4c1"),  # brightgreen: every tracked import is canonical
    (95.0, "#97ca00"),  # green
    (90.0, "#a4a61d"),  # yellowgreen
    (80.0, "#dfb317"),  # yellow
    (60.0, "#fe7d37"),  # orange
    (0.0, "#e05d44"),  # red
)
# Approximate advance widths of Verdana at 11px, the font shields.io measures with;
# exact widths do not matter, only that the text fits its box.
_WIDTHS = {".": 3.9, "%": 11.9, " ": 3.9, "I": 4.6, "T": 6.8, "S": 7.6, "O": 8.7}
_DEFAULT_WIDTH = 7.0
_PADDING = 10


def colour(compliance: float) -> str:
    for lowest, value in THRESHOLDS[:-1]:
        if compliance >= lowest:
            return value
    return THRESHOLDS[-1][1]


def _text_width(text: str) -> int:
    return round(sum(_WIDTHS.get(char, _DEFAULT_WIDTH) for char in text)) + _PADDING


def badge_svg(compliance: float, label: str = "SSOT") -> str:
    value = f"{compliance:.1f}%"
    left, right = _text_width(label), _text_width(value)
    total = left + right
    title = escape(f"{label}: {value}")
    label_text, value_text = escape(label), escape(value)
    return f"""\
<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{title}">
  <title>{title}</title>
  <linearGradient id="s" x2="0" y2="100%">
    <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
    <stop offset="1" stop-opacity=".1"/>
  </linearGradient>
  <clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>
  <g clip-path="url(#r)">
    <rect width="{left}" height="20" fill="#555"/>
    <rect x="{left}" width="{right}" height="20" fill="{colour(compliance)}"/>
    <rect width="{total}" height="20" fill="url(#s)"/>
  </g>
  <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
    <text x="{left / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{label_text}</text>
    <text x="{left / 2:.1f}" y="14">{label_text}</text>
    <text x="{left + right / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{value_text}</text>
    <text x="{left + right / 2:.1f}" y="14">{value_text}</text>
  </g>
</svg>
"""
