"""The gate every file passes before it is analysed: False only when it certainly has no
finding and no canonical import.

Each finding needs one of these in the text (issue 12: plain substrings let ``F`` match
``False``, and a module's last part such as ``models`` match most files of a Django project):

- a tracked name (or the literal part of a watch glob) as a whole word: an import statement,
  an attribute ``x.Tracked``, a call or a base class names it;
- the last part of a watched module as a whole word (``import a.p.watched``, ``from a.p import
  watched``) beside its parent's last part ``p`` as a whole word: homeassistant watches
  ``...diagnostics.util``, and ``util`` alone is in a third of its files. Only a relative import
  can name the module without ``p`` (``from . import watched``), and only from a file inside
  ``a.p``, which its place lets through before the gate (core/context.py);
- the last part of a module the registry names, then ``import *`` (``from a.named import *``,
  ``from .named import *``; ``from . import *`` inside a named package is let through by the
  file's place, before the gate);
- a dynamic-import function (``import_module``, ``__import__``) when modules are watched: its
  string argument may spell the module with escapes.

"Whole word" is checked conservatively, so the gate never says no to a file with a finding:
the character after the word is not an ASCII identifier character, and the one before is not
an ASCII letter or ``_`` (a digit there may end a number, ``1if F``, or sit inside a longer
name, and either way the file is analysed). Non-ASCII characters count as boundaries: a name
like ``éF`` is analysed too.

Python compares identifiers in NFKC form, so ``\uff4dodels`` (a full-width m) is ``models``. A text whose non-ASCII
characters each either are their own NFKC form or normalise to no ASCII letter, digit or
``_`` (``…`` is ``...``) cannot gain an ASCII word that way (normalising such text only
composes letters into accented ones, never frees one), so the gate applies to it as to ASCII
text; a text holding any other character (``ﬁ``, a full-width letter, ``²``) is analysed
whatever the gate says. A registry may track a non-ASCII name (``Café``): NFKC composes ``e``
and a combining accent into its ``é``, so for such a gate only a text already in NFKC form is
read as it is (``Gate.reads_as_is``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import AnyStr
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry.model import glob_literal

_AFTER = "[A-Za-z0-9_]"  # continues an identifier
_BEFORE = "[A-Za-z_]"  # certainly part of the same identifier (see the module docstring)
_LETTERS_TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"  # what _BEFORE matches
_LETTERS_BYTES = _LETTERS_TEXT.encode("ascii")
_IMPORT = "import"
# `import *`, also split by a continuation (a module's last part stands before it).
_STAR_IMPORT = r"[ \t\f\r\n\\]*\*"
_BLANKS_TEXT = " \t\f\r\n\\"
_BLANKS_BYTES = _BLANKS_TEXT.encode("ascii")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_ASCII_WORD = re.compile(_AFTER)


class Word(NamedTuple):
    """A literal the gate looks for, and the sides on which it must end an identifier."""

    literal: str
    left: bool = True
    right: bool = True

    def pattern(self) -> str:
        """Linear: the literal (which ``re`` finds with its fast literal search), then at most
        two fixed-width look-arounds."""
        escaped = re.escape(self.literal)
        before = f"(?<!{_BEFORE}{escaped})" if self.left else ""
        after = f"(?!{_AFTER})" if self.right else ""
        return f"{escaped}{before}{after}"

    def implies(self, other: Word) -> bool:
        """Whether every match of ``self`` holds a match of ``other`` (then ``self`` adds
        nothing to a gate that has ``other``)."""
        offset = self.literal.find(other.literal)
        while offset >= 0:
            at_start, at_end = offset == 0, offset + len(other.literal) == len(self.literal)
            if ((at_start and self.left) or not other.left) and ((at_end and self.right) or not other.right):
                return True
            offset = self.literal.find(other.literal, offset + 1)
        return False


class Gate:
    """The registry's gate, for decoded text and for raw bytes.

    One compiled pattern per word, each starting with its literal, so ``re`` scans for it with
    its fast literal search (one alternation of all the words is slower: three times on
    Django), and every word costs a pass over the file: words another one implies are left
    out. Star imports take one more pass, for ``import *``, whatever the number of modules,
    and the words holding ``import`` ride on it (``riders``).
    """

    def __init__(self, words: list[Word], star_modules: list[str], paired: Sequence[tuple[Word, Word]] = ()) -> None:
        self.star_modules = tuple(sorted(set(star_modules)))
        # Two different words never imply each other: keep those that imply no other.
        kept = sorted(w for w in set(words) if not any(o != w and w.implies(o) for o in words))
        # A word holding `import` and bounded on neither side (the dynamic importers) rides on
        # the star-import pass, which stops at every `import` anyway: one pass, not three.
        self.riders = tuple(w for w in kept if self.star_modules and _rides_on_import(w))
        self.words = [w for w in kept if w not in self.riders]
        self._text = tuple(re.compile(word.pattern()) for word in self.words)
        self._bytes = tuple(re.compile(word.pattern().encode("utf-8")) for word in self.words)
        # (word, partner): the word counts only beside its partner. A word that implies one of
        # the others needs no partner: the other lets the text through anyway.
        self.paired = tuple(sorted({pair for pair in paired if not any(pair[0].implies(o) for o in words)}))
        self._paired_text = tuple((re.compile(w.pattern()), re.compile(p.pattern())) for w, p in self.paired)
        self._paired_bytes = tuple(
            (re.compile(w.pattern().encode("utf-8")), re.compile(p.pattern().encode("utf-8"))) for w, p in self.paired
        )
        star = _import_pass(self.riders)
        self._star_text = re.compile(star)
        self._star_bytes = re.compile(star.encode("utf-8"))
        self._modules_bytes = tuple(module.encode("utf-8") for module in self.star_modules)
        spelt = [*kept, *(word for pair in self.paired for word in pair)]
        self._ascii = all(word.literal.isascii() for word in spelt) and all(m.isascii() for m in self.star_modules)

    def reads_as_is(self, text: str) -> bool:
        """Whether the gate may search ``text`` as it stands, though Python reads identifiers
        in NFKC form: the text is ASCII; or NFKC frees no ASCII word character in it and every
        word the gate looks for is ASCII; or it is in NFKC form already."""
        if text.isascii():
            return True
        if self._ascii:
            return gains_no_ascii_word(text)
        return unicodedata.is_normalized("NFKC", text)

    def search_text(self, text: str) -> bool:
        if any(pattern.search(text) for pattern in self._text):
            return True
        if any(word.search(text) and partner.search(text) for word, partner in self._paired_text):
            return True
        modules = self.star_modules
        return bool(modules) and _star_import_of(text, self._star_text, modules, _BLANKS_TEXT, _LETTERS_TEXT)

    def search_bytes(self, data: bytes) -> bool:
        if any(pattern.search(data) for pattern in self._bytes):
            return True
        if any(word.search(data) and partner.search(data) for word, partner in self._paired_bytes):
            return True
        modules = self._modules_bytes
        return bool(modules) and _star_import_of(data, self._star_bytes, modules, _BLANKS_BYTES, _LETTERS_BYTES)


def _rides_on_import(word: Word) -> bool:
    return not word.left and not word.right and _IMPORT in word.literal


def _import_pass(riders: Sequence[Word]) -> str:
    """One pattern starting with the literal ``import`` (so ``re`` keeps its fast literal
    search): a rider spelt around it (its text before ``import`` in a fixed-width
    look-behind), or a star import. Linear: only a star import's blank run is read past
    ``import``, and the runs of two star imports do not overlap."""
    branches = []
    for rider in riders:
        before, _, after = rider.literal.partition(_IMPORT)
        branches.append((f"(?<={re.escape(before + _IMPORT)})" if before else "") + re.escape(after))
    ridden = f"(?P<rider>{'|'.join(branches)})|" if branches else ""
    return f"{_IMPORT}(?:{ridden}{_STAR_IMPORT})"


def _star_import_of(
    text: AnyStr, star: re.Pattern[AnyStr], modules: tuple[AnyStr, ...], blanks: AnyStr, letters: AnyStr
) -> bool:
    """Whether a rider of the import pass matches, or one of ``modules`` (last parts) stands
    before an ``import *``, as a whole word after blanks and continuations. Linear: each
    blank run before a star import is read once, and runs of different star imports do not
    overlap (an ``import`` separates them)."""
    for match in star.finditer(text):
        if match.lastgroup == "rider":
            return True
        end = match.start()
        while end and text[end - 1 : end] in blanks:
            end -= 1
        for module in modules:
            start = end - len(module)
            if start >= 0 and text.startswith(module, start) and not (start and text[start - 1 : start] in letters):
                return True
    return False


def glob_word(glob: str) -> Word | None:
    """The word of a watch glob's longest literal run (None: the glob has none), bounded on
    the side where the glob begins or ends with that run (one side only: ``ab*ab`` may be
    matched by a name whose two ``ab`` are different occurrences)."""
    run = glob_literal(glob)
    if run is None:
        return None
    if run == glob:
        return Word(run)
    if glob.startswith(run):
        return Word(run, right=False)
    return Word(run, left=False, right=glob.endswith(run))


@functools.lru_cache(maxsize=8)
def gate(registry: Registry) -> Gate | None:
    """The registry's gate; None when it has no safe one (``registry.needles`` is empty: a
    glob with no literal part, or no group), and then every file is analysed."""
    if not registry.needles:
        return None
    # Imported here: core/expressions.py imports core/context.py, which imports this module.
    from flake8_ssot_ws.core.expressions import DYNAMIC_IMPORTERS

    words = {Word(name) for name in registry.literal_names}
    for group in registry.groups:
        for glob in group.watch:
            word = glob_word(glob)
            assert word is not None  # a glob without a literal part leaves registry.needles empty
            words.add(word)
    paired = []
    for module in registry.watched_modules:
        parent, _, last = module.rpartition(".")
        if parent:  # imported as a module, it is named beside its parent (or relatively)
            paired.append((Word(last), Word(parent.rpartition(".")[2])))
        else:
            words.add(Word(last))
    if registry.watched_modules:
        words.update(Word(name, left=False, right=False) for name in DYNAMIC_IMPORTERS)
    star_modules = [module.rpartition(".")[2] for module in registry.star_modules]
    return Gate(sorted(words), star_modules, sorted(paired))


def gains_no_ascii_word(text: str) -> bool:
    """Whether NFKC normalisation of ``text``'s identifiers can give no new ASCII word
    character (see the module docstring): then the gate reads the text as it is."""
    if unicodedata.is_normalized("NFKC", text):  # C speed; False for one '…' in a comment
        return True
    return all(_frees_no_ascii_word(char) for char in set(_NON_ASCII.findall(text)))


@functools.lru_cache(maxsize=4096)
def _frees_no_ascii_word(char: str) -> bool:
    normal = unicodedata.normalize("NFKC", char)
    return normal == char or _ASCII_WORD.search(normal) is None
