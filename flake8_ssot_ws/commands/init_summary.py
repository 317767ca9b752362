"""What ``ssot-ws init`` prints: the summary for people, or JSON for tools.

Both are deterministic: rows by use (most first), then text; everything else sorted.
"""

from __future__ import annotations

import json
from typing import Any
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.resolve.propose import Form
from flake8_ssot_ws.resolve.propose import Occurrence
from flake8_ssot_ws.resolve.propose import Proposal
from flake8_ssot_ws.resolve.resolver import Definition
from flake8_ssot_ws.resolve.resolver import Resolution
from flake8_ssot_ws.resolve.resolver import Resolver
from flake8_ssot_ws.resolve.tally import Count
from flake8_ssot_ws.resolve.tally import Tally

_INDENT = " " * 23


class Summary(NamedTuple):
    proposal: Proposal
    tally: Tally
    resolver: Resolver
    found: Sequence[Occurrence]
    scanned: int
    unreadable: int
    registry: str  # the proposed TOML


class _Row(NamedTuple):
    form: Form
    counted: Count
    resolution: Resolution
    canonical: bool


def _rows(summary: Summary) -> list[_Row]:
    canonical = {(spec.module, spec.name, spec.asname if spec.asname != spec.name else None)
                 for spec in summary.proposal.group.canonical}  # fmt: skip
    rows = []
    for form, count in summary.tally.counts.items():
        if form.imports_name:
            resolution = summary.proposal.resolutions[(form.module, form.name)]
        else:
            resolution = summary.resolver.module(form.module)
        is_canonical = form.kind == "import" and (form.module, form.name, form.asname) in canonical
        rows.append(_Row(form, count, resolution, is_canonical))
    rows.sort(key=lambda row: (-row.counted.statements, row.form.text))
    return rows


class _Totals(NamedTuple):
    tracked: int
    canonical: int
    non_canonical: int
    noqa: int
    files: int


def _totals(rows: Sequence[_Row]) -> _Totals:
    return _Totals(
        sum(r.counted.statements for r in rows),
        sum(r.counted.canonical for r in rows),
        sum(r.counted.non_canonical for r in rows),
        sum(r.counted.hidden for r in rows),
        len({path for r in rows for path in r.counted.files}),
    )


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


LEFT_OUT = "left out of legacy (not known to be the canonical object: fix must not rewrite them; check reports them):"


def render_text(summary: Summary) -> str:
    rows = _rows(summary)
    totals = _totals(rows)
    noqa = f", {totals.noqa} of them under # noqa" if totals.noqa else ""
    headline = (
        f"ssot-ws init: {summary.scanned} files scanned ({summary.unreadable} unreadable): "
        f"{totals.tracked} tracked imports in {totals.files} files, {totals.canonical} canonical, "
        f"{totals.non_canonical} not{noqa}"
    )
    out = [
        headline,
        "",
        "files  imports   share  import",
    ]
    for row in rows:
        marker = " (canonical)" if row.canonical else ""
        share = _share(row.counted.statements, totals.tracked)
        out.append(f"{len(row.counted.files):>5}  {row.counted.statements:>7}  {share:>5.1f}%  {row.form.text}{marker}")
        out.append(f"{_INDENT}-> {row.resolution.describe()}")
    proposal = summary.proposal
    out += ["", f"canonical imports of group {proposal.group.name!r}:"]
    for choice in proposal.choices:
        out += [f"  {choice.glob}: {choice.spec.text}", f"    {choice.reason}"]
    out.append(f"legacy imports: {len(proposal.group.legacy)}")
    if proposal.left_out:
        out.append(LEFT_OUT)
        out += [f"  {spec.text}: {reason}" for spec, reason in proposal.left_out]
    out.append(f"exempt (define or merely re-export a tracked name): {_listing(proposal.exempt)}")
    out.append(f"watch-modules (legacy modules imported as modules): {_listing(proposal.group.watch_modules)}")
    out += [f"warning: --watch {glob!r} matches no imported name" for glob in proposal.unmatched]
    return "\n".join(out) + "\n"


def _listing(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "none"


def render_json(summary: Summary) -> str:
    rows = _rows(summary)
    totals = _totals(rows)
    proposal = summary.proposal
    document = {
        "schema": 1,
        "files": {"scanned": summary.scanned, "unreadable": summary.unreadable},
        "watch": list(proposal.group.watch),
        "summary": totals._asdict(),
        "imports": [_import(row, totals.tracked, summary.tally.locations[row.form]) for row in rows],
        "definitions": _definitions(proposal),
        "unresolved": [
            {"import": ImportSpec(module, name, None).text, "reason": resolution.reason or resolution.describe()}
            for (module, name), resolution in sorted(proposal.resolutions.items())
            if resolution.definition is None
        ],
        "canonical": [
            {"watch": choice.glob, "import": choice.spec.text, "reason": choice.reason} for choice in proposal.choices
        ],
        "left_out": [{"import": spec.text, "reason": reason} for spec, reason in proposal.left_out],
        "exempt": list(proposal.exempt),
        "watch_modules": list(proposal.group.watch_modules),
        "unmatched_watch": list(proposal.unmatched),
        "registry": summary.registry,
    }
    return json.dumps(document, indent=2) + "\n"


def _import(row: _Row, tracked: int, locations: tuple[Sequence[str], Sequence[str], Sequence[str]]) -> dict[str, Any]:
    form, count = row.form, row.counted
    definition = row.resolution.definition
    return {
        "import": form.text,
        "kind": form.kind,
        "module": form.module,
        "name": form.name or None,
        "alias": form.asname,
        "files": len(count.files),
        "statements": count.statements,
        "share": _share(count.statements, tracked),
        "canonical": count.canonical,
        "non_canonical": count.non_canonical,
        "noqa": count.hidden,
        "resolves_to": definition.dotted if definition is not None else None,
        "locations": {"canonical": list(locations[0]), "reported": list(locations[1]), "noqa": list(locations[2])},
    }


def _definitions(proposal: Proposal) -> dict[str, list[dict[str, Any]]]:
    """Imported name -> each distinct definition it reaches, with the modules exporting it."""
    exporters: dict[str, dict[Definition, set[str]]] = {}
    for (module, name), resolution in proposal.resolutions.items():
        for definition in resolution.definitions:
            modules = exporters.setdefault(name, {}).setdefault(definition, set())
            modules.add(module)
            modules.update(m for m, n in resolution.via if n == name)
            if definition.qualname == name:
                modules.add(definition.module)
    return {
        name: [
            {
                "definition": definition.dotted,
                "kind": definition.kind,
                "path": definition.path,
                "line": definition.line,
                "exported_by": sorted(modules),
            }
            for definition, modules in sorted(found.items(), key=lambda item: item[0].dotted)
        ]
        for name, found in sorted(exporters.items())
    }
