"""Which codes a run shows: ``--select``, ``--ignore``, ``--extend-select``, ``--extend-ignore``.

Pure, and flake8's rules exactly (``flake8.style_guide.DecisionEngine``; tests/test_selection.py
holds its documented cases and compares with it on generated option sets): each option is a
list of code prefixes; a code that matches both a selected and an ignored prefix goes to the more
specific (longer) one, and one the user named beats a default. The defaults: select every code
(``SWS``), ignore the warning codes (``codes.WARNINGS``: the plugin adds them to flake8's default
ignore list, as flake8-bugbear does with its opinionated codes). ``--select`` and ``--ignore``
replace their default, the ``--extend-`` options add to it.

flake8 has no warnings, so it hides what it ignores. ``ssot-ws`` has them: a code that flake8
would hide *only* because it is default-ignored is shown as a warning (it does not fail the run);
a warning code that the options select (``--extend-select SWS101``) is an error there, as in flake8.
So what fails ``ssot-ws check`` is exactly what flake8 reports with the same options.
"""

from __future__ import annotations

from typing import Mapping
from typing import NamedTuple

from flake8_ssot_ws.core.codes import CATALOGUE
from flake8_ssot_ws.core.codes import PREFIX
from flake8_ssot_ws.core.codes import WARNINGS

ERROR = "error"
WARNING = "warning"
_EXPLICIT, _IMPLICIT = "explicitly", "implicitly"


class Selection(NamedTuple):
    """The four options as given; ``None``: not given (the default applies)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()

    def decides(
        self, code: str, *, default_select: tuple[str, ...] = (PREFIX,), default_ignore: tuple[str, ...] = WARNINGS
    ) -> bool:
        """Whether flake8 with these options (and these defaults) reports ``code``."""
        selected = _longest(code, self.select, self.extend_select, default_select)
        ignored = _longest(code, self.ignore, self.extend_ignore, default_ignore)
        if ignored is None:
            return selected is not None
        if selected is None:
            return False
        if selected[0] != ignored[0]:  # one named by the user, the other a default: the user's
            return selected[0] == _EXPLICIT
        return len(selected[1]) > len(ignored[1])  # both named, or neither: the more specific

    def verdict(self, code: str) -> str | None:
        """``ERROR`` (fails the run), ``WARNING`` (shown, does not fail) or None (not shown)."""
        if self.decides(code):
            return ERROR
        if self.decides(code, default_ignore=()):
            return WARNING
        return None

    def verdicts(self) -> Mapping[str, str | None]:
        """``verdict`` of every catalogued code (a run looks each finding's code up here)."""
        return {code: self.verdict(code) for code in CATALOGUE}


DEFAULT = Selection()


def _longest(
    code: str, option: tuple[str, ...] | None, extend: tuple[str, ...], default: tuple[str, ...]
) -> tuple[str, str] | None:
    """(how it was chosen, the longest prefix of ``code``) among the option's prefixes -- the
    option replaces the default, ``extend`` adds to either -- or None when none matches.

    As in flake8, a code matching any prefix the user named is chosen explicitly, and the
    prefix compared is the longest of all (the defaults included)."""
    named = (*(option or ()), *extend)
    pool = (*(option if option is not None else default), *extend)
    matches = [prefix for prefix in pool if code.startswith(prefix)]
    if not matches:
        return None
    how = _EXPLICIT if any(code.startswith(prefix) for prefix in named) else _IMPLICIT
    return how, max(matches, key=len)
