"""flake8-ssot-ws: enforce a single-source-of-truth registry of canonical imports."""
from __future__ import annotations
