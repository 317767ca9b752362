"""What ``check`` reports with the proposed registry, counted per import form.

``ssot-ws init`` runs the real scan with the registry it proposes and gives each finding and
canonical import to the form observed at its position: the summary's counts are, by
construction, what ``check`` then reports (and what ``report`` counts).
"""

from __future__ import annotations

from typing import Iterable
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.resolve.propose import ATTRIBUTE
from flake8_ssot_ws.resolve.propose import DYNAMIC
from flake8_ssot_ws.resolve.propose import FROM_MODULE
from flake8_ssot_ws.resolve.propose import IMPORT
from flake8_ssot_ws.resolve.propose import MODULE
from flake8_ssot_ws.resolve.propose import STAR
from flake8_ssot_ws.resolve.propose import Form
from flake8_ssot_ws.resolve.propose import Occurrence

CANONICAL = "canonical"
# The form kinds each code is reported on (check's rules: core/rules.py, core/expressions.py).
_KINDS = {
    "SWS003": (MODULE, FROM_MODULE),
    "SWS004": (STAR,),
    "SWS005": (DYNAMIC,),
    "SWS007": (ATTRIBUTE,),
}


class Seen(NamedTuple):
    """One finding (its code) or canonical import (CANONICAL) of ``check``, where it sits;
    ``hidden``: under a ``# noqa`` comment."""

    path: str
    line: int
    col: int
    code: str
    hidden: bool = False


class Count(NamedTuple):
    files: frozenset[str]
    statements: int
    canonical: int
    reported: int
    hidden: int

    @property
    def non_canonical(self) -> int:
        return self.reported + self.hidden


class Tally(NamedTuple):
    counts: dict[Form, Count]
    unmatched: tuple[Seen, ...]  # seen where no form was observed (observe those files too)
    # Form -> canonical, reported, hidden -> "path:line:col" (1-based column, as check prints)
    locations: dict[Form, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]


def tally(found: Iterable[Occurrence], seen: Sequence[Seen]) -> Tally:
    at: dict[tuple[str, int, int], list[Form]] = {}
    for occurrence in found:
        at.setdefault((occurrence.path, occurrence.line, occurrence.col), []).append(occurrence.form)
    files: dict[Form, set[str]] = {}
    places: dict[Form, tuple[list[tuple[str, int, int]], ...]] = {}
    unmatched: list[Seen] = []
    for item in seen:
        kinds = _KINDS.get(item.code, (IMPORT,))
        form = next((f for f in at.get((item.path, item.line, item.col), ()) if f.kind in kinds), None)
        if form is None:
            unmatched.append(item)
            continue
        files.setdefault(form, set()).add(item.path)
        status = 0 if item.code == CANONICAL else 2 if item.hidden else 1
        places.setdefault(form, ([], [], []))[status].append((item.path, item.line, item.col + 1))
    counts = {
        form: Count(frozenset(files[form]), sum(map(len, lists)), len(lists[0]), len(lists[1]), len(lists[2]))
        for form, lists in places.items()
    }
    shown = {form: (_shown(lists[0]), _shown(lists[1]), _shown(lists[2])) for form, lists in places.items()}
    return Tally(counts, tuple(unmatched), shown)


def _shown(places: list[tuple[str, int, int]]) -> tuple[str, ...]:
    return tuple(f"{path}:{line}:{col}" for path, line, col in sorted(places))
