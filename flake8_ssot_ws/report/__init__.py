"""The compliance report: counts from a scan (``compliance``), rendered as text, markdown or
JSON (``render``), and the SVG badge (``badge``)."""
