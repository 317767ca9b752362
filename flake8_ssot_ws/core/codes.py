"""The catalogue of codes: one entry per code, everything the tool says about it.

The rules build their messages from here; SARIF's rule metadata, the compliance report's
columns, the registry document and the README tests (tests/test_codes.py) derive from it.
Adding a code is adding an entry here (and its README section, which a test demands); an
expression rule's entry names its module in core/checks/, which is how it is registered.
"""

from __future__ import annotations

import re
from typing import Mapping
from typing import NamedTuple

_NOT_IN_ANCHOR = re.compile(r"[^\w\- ]")


class Code(NamedTuple):
    id: str  # "SWS001": what flake8, noqa comments and --select see
    name: str  # SARIF's short rule name, kebab-case
    title: str  # README heading after "SWS001: "; also the SARIF help anchor
    description: str  # one sentence: SARIF's shortDescription, the registry document
    messages: Mapping[str, str]  # variant -> message template, without the code
    fixable: bool  # whether `ssot-ws fix` can rewrite it (where the registry says how)
    severity: str  # "error" or "warning" (a finding that does not fail a run)
    counts: bool  # whether it is a non-canonical use in the compliance report
    core: bool = True  # emitted by the checking core (every command); False: by the plugin only
    rule: str = ""  # the module of core/checks/ holding an expression rule's code (its registration)

    def message(self, variant: str = "", **fields: object) -> str:
        """``"SWS001 " + template``, filled in."""
        return f"{self.id} {self.messages[variant].format(**fields)}"

    @property
    def anchor(self) -> str:
        """The README heading's anchor, as GitHub makes it: ``sws001-non-canonical-import-...``."""
        heading = f"{self.id}: {self.title}".lower()
        return _NOT_IN_ANCHOR.sub("", heading).replace(" ", "-")


FIXABLE_NOTE = " (fixable with 'ssot-ws fix')"
# An SWS001 whose replacement is inferred, not given by a legacy entry: why fix leaves it.
INFERRED_NOTE = (
    " (not fixable: the registry names no legacy import of {name!r} from {module!r}, which may hold another object)"
)
# `from legacy import X as X` (an explicit re-export) whose canonical import binds X under
# another name: `from canonical import Y as X` no longer exports X to a stub's or mypy's readers.
REEXPORT_NOTE = " (not fixable: 'as {name}' marks an explicit re-export, which the canonical import's form is not)"
# `from legacy import X, helper as X`: the statement binds X twice, and which binding wins
# depends on where the fix would move this one.
BOUND_TWICE_NOTE = " (not fixable: {name!r} is bound twice by this statement)"

SWS001 = Code(
    "SWS001",
    "non-canonical-import",
    "non-canonical import of a tracked name",
    "A tracked name is imported from a non-canonical path.",
    {"": "{name!r} imported from non-canonical path {module!r} - use {use!r}{reason}"},
    fixable=True,
    severity="error",
    counts=True,
)
SWS002 = Code(
    "SWS002",
    "wrong-local-name",
    "canonical import bound to the wrong local name",
    "A canonical import binds the wrong local name.",
    {
        "": "{name!r} must be bound as {bound!r} - use {use!r}",
        # The file's own alias named: "'X' must be bound as 'X'" said nothing of `X as Y`.
        "aliased": "{name!r} imported as {local!r} must be bound as {bound!r} - use {use!r}",
    },
    fixable=False,
    severity="error",
    counts=True,
)
SWS003 = Code(
    "SWS003",
    "watched-module-import",
    "watched module imported as a module",
    "A watched module is imported as a module.",
    {"": "module {module!r} imported as a module - import names from their canonical path instead"},
    fixable=False,
    severity="error",
    counts=True,
)
SWS004 = Code(
    "SWS004",
    "star-import",
    "star import from a module the registry names",
    "A star import from a module the registry names hides tracked names.",
    {"": "star import from {module!r} hides tracked names - import them explicitly from their canonical path"},
    fixable=False,
    severity="error",
    counts=True,
)
SWS005 = Code(
    "SWS005",
    "dynamic-import",
    "dynamic import of a watched module",
    "A watched module is imported dynamically by string.",
    {"": "dynamic import of watched module {module!r} - use a static canonical import"},
    fixable=False,
    severity="error",
    counts=True,
    rule="dynamic_import",
)
SWS006 = Code(
    "SWS006",
    "no-single-canonical",
    "tracked name with no (single) canonical import",
    "A tracked name has no single canonical import.",
    {
        "none": "{name!r} is tracked by group {group!r} but no canonical import provides it - add one to the registry",
        "many": "{name!r} is provided by several canonical imports ({choices}) - import one of them directly",
    },
    fixable=False,
    severity="error",
    counts=True,
)
SWS007 = Code(
    "SWS007",
    "attribute-path",
    "tracked name reached through a module attribute",
    "A tracked name is reached through a module attribute.",
    {
        "": "{expr!r} reaches {path!r}, which is not a canonical import - use {use!r}",
        "unknown": "{expr!r} reaches {path!r}, which is not a canonical import - import it from its canonical path",
    },
    fixable=False,
    severity="error",
    counts=True,
    rule="attribute_path",
)
SWS008 = Code(
    "SWS008",
    "direct-construction",
    "tracked class constructed outside its factory",
    "A tracked class of a group with a factory is constructed or subclassed directly.",
    {"": "{name!r} constructed directly - get instances from {factory}() ({use!r})"},
    fixable=False,
    severity="error",
    counts=True,
    rule="construction",
)
SWS101 = Code(
    "SWS101",
    "legacy-import",
    "legacy import before its deadline",
    "A legacy import is used before its deadline.",
    # "before": the deadline is the first day the import fails ("until" read as including it).
    {"": "{name!r} imported from legacy path {module!r}, allowed before {deadline} - use {use!r}{reason}"},
    fixable=True,
    severity="warning",
    counts=True,
)
SWS900 = Code(
    "SWS900",
    "internal-error",
    "internal error",
    "The plugin crashed on this file (please report it).",
    {"": "internal error in flake8-ssot-ws: {error} - please report this bug"},
    fixable=False,
    severity="error",
    counts=False,
    core=False,  # the flake8 plugin's guard against its own crash; check reports crashes otherwise
)

CATALOGUE: Mapping[str, Code] = {
    code.id: code for code in (SWS001, SWS002, SWS003, SWS004, SWS005, SWS006, SWS007, SWS008, SWS101, SWS900)
}
# What the compliance report counts, in column order.
COUNTED = tuple(code.id for code in CATALOGUE.values() if code.counts)
# What the checking core can emit (the rules of check's SARIF output).
CORE = tuple(code for code in CATALOGUE.values() if code.core)
# Every code starts with it: the plugin's entry point name, what ``--select SWS`` names.
PREFIX = "SWS"
# Codes that do not fail a run: ``check`` shows them as warnings; flake8, which has no
# warnings, does not show them unless selected (the plugin's default ignore list).
WARNINGS = tuple(code.id for code in CATALOGUE.values() if code.severity == "warning")


def spans(ids: tuple[str, ...]) -> str:
    """Codes as ranges of consecutive numbers, for prose: "`SWS001`-`SWS007`, `SWS101`"."""
    runs: list[list[str]] = []
    for code in ids:
        if runs and int(code[3:]) == int(runs[-1][-1][3:]) + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    return ", ".join(f"`{run[0]}`" if len(run) == 1 else f"`{run[0]}`-`{run[-1]}`" for run in runs)
