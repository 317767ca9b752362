"""AST -> import records: every import statement at any depth, relative imports resolved.

Only statements are walked here (imports are statements, and statements only live in
statement blocks), which is several times cheaper than ``ast.walk`` over expressions.
"""
from __future__ import annotations

import ast
import io
from typing import Any
from typing import Iterable
from typing import Iterator
from typing import Sequence
from typing import Union

ImportStatement = Union[ast.Import, ast.ImportFrom]

# Fields holding statement blocks; handlers and match cases are nodes with a ``body``.
# ImportedName's fields, in the order of its constructor and its repr.
_FIELDS = ("statement", "index", "module", "name", "asname", "line", "col")
BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
_set = object.__setattr__  # ImportedName is frozen: its own __setattr__ raises


class ImportedName:
    """One alias of an import statement.

    For ``from M import N as L``: ``module`` is M made absolute (None when a relative
    import cannot be resolved), ``name`` is N ("*" for a star import), ``asname`` is L.
    For ``import M as L``: ``module`` is M and ``name`` is None.

    Immutable, equal and hashed by its fields, as a frozen dataclass; a plain class with
    ``__slots__`` because ``import dataclasses`` (and ``inspect``, ``dis``) costs some 4 ms
    of every ``ssot-ws check`` start (a NamedTuple cannot have a field named ``index``).
    """

    __slots__ = _FIELDS

    statement: ImportStatement
    index: int
    module: str | None
    name: str | None
    asname: str | None
    line: int
    col: int

    def __init__(
        self,
        statement: ImportStatement,
        index: int,
        module: str | None,
        name: str | None,
        asname: str | None,
        line: int,
        col: int,
    ) -> None:
        # One call per field, not a loop over _FIELDS: the plugin builds a record for every
        # name of every import it visits, and the loop doubled the cost of each.
        _set(self, "statement", statement)
        _set(self, "index", index)
        _set(self, "module", module)
        _set(self, "name", name)
        _set(self, "asname", asname)
        _set(self, "line", line)
        _set(self, "col", col)

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, field) for field in _FIELDS)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")  # frozen, as the dataclass was

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, ImportedName)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        fields = ", ".join(f"{field}={getattr(self, field)!r}" for field in _FIELDS)
        return f"ImportedName({fields})"

    @property
    def bound(self) -> str:
        """The local name this alias binds."""
        if self.asname:
            return self.asname
        if self.name is not None:
            return self.name
        assert self.module is not None  # `import M` always names its module
        return self.module.partition(".")[0]

    @property
    def bound_path(self) -> str | None:
        """The dotted path of the object the bound name refers to."""
        if self.name is None:
            assert self.module is not None
            return self.module if self.asname else self.bound
        if self.module is None or self.name == "*":
            return None
        return f"{self.module}.{self.name}"


def source_lines(source: str) -> list[str]:
    """The lines of ``source`` as the parser numbers them (keepends).

    ``str.splitlines`` also splits at form feeds, ``\\x1c``-``\\x1e``, ``\\x85`` and
    ``\\u2028``, which Python's tokenizer does not: a file holding one would shift every
    later line. Only ``\\n``, ``\\r\\n`` and ``\\r`` end a line.
    """
    return io.StringIO(source, newline="").readlines()


def iter_import_statements(tree: ast.Module) -> Iterator[ImportStatement]:
    """Every import statement of a module, at any depth, in no particular order."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        for field in BLOCK_FIELDS:
            children = getattr(node, field, None)
            if children:
                stack.extend(children)


def resolve_relative(level: int, module: str | None, package: str | None) -> str | None:
    """Absolute module of ``from {'.' * level}{module} import ...`` inside ``package``."""
    if level == 0:
        return module
    if not package:
        return None
    parts = package.split(".")
    if level - 1 >= len(parts):
        return None
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{module}" if module else base


def imported_names(
    tree: ast.Module,
    package: str | None,
    lines: Sequence[str],
    statements: Iterable[ImportStatement] | None = None,
) -> list[ImportedName]:
    """All aliases of all import statements of ``tree`` (or of ``statements``, when the
    caller found them: core/locate.py).

    ``package`` is the package relative imports are resolved against (None: unknown, so
    relative imports resolve to None). ``lines`` is the source, used only where the AST
    gives aliases no position (Python < 3.10).
    """
    records: list[ImportedName] = []
    encoded = EncodedLines(lines)
    for statement in iter_import_statements(tree) if statements is None else statements:
        if isinstance(statement, ast.ImportFrom):
            module = resolve_relative(statement.level, statement.module, package)
        positions = _alias_positions(statement, encoded)
        for index, (alias, (line, col)) in enumerate(zip(statement.names, positions)):
            if isinstance(statement, ast.Import):
                records.append(ImportedName(statement, index, alias.name, None, alias.asname, line, col))
            else:
                records.append(ImportedName(statement, index, module, alias.name, alias.asname, line, col))
    return records


class EncodedLines:
    """Source lines in UTF-8, each encoded once, when first asked for: on Python 3.9 each
    statement of a line would encode the whole line again (13,000 imports on one line after
    a 250,000-letter string took 14 s)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self._encoded: dict[int, bytes] = {}

    def __getitem__(self, index: int) -> bytes:
        encoded = self._encoded.get(index)
        if encoded is None:
            encoded = self._encoded[index] = self.lines[index].encode("utf-8")
        return encoded


def _alias_positions(statement: ImportStatement, lines: EncodedLines) -> list[tuple[int, int]]:
    positions = [(getattr(alias, "lineno", 0), getattr(alias, "col_offset", 0)) for alias in statement.names]
    if all(line for line, _ in positions):  # pragma: >=3.10 cover
        return positions
    return alias_positions_from_tokens(statement, lines)  # pragma: <3.10 cover


def alias_positions_from_tokens(
    statement: ImportStatement, lines: Sequence[str] | EncodedLines
) -> list[tuple[int, int]]:
    """(line, UTF-8 column) of each alias, read from the statement's tokens.

    Python 3.9 gives ``ast.alias`` no position; this finds the first token of each name
    (or the ``*``), so findings sit on the name's own line in parenthesised imports.
    ``lines`` must be the source the statement was parsed from, split as the parser does
    (``source_lines``). Should they not match, every alias gets the statement's position:
    a finding in the wrong column beats a lost one.
    """
    import tokenize  # only here (Python 3.9): a check run does not pay for its import

    try:
        positions = _token_positions(statement, lines if isinstance(lines, EncodedLines) else EncodedLines(lines))
    except (IndexError, UnicodeDecodeError, SyntaxError, tokenize.TokenError):
        positions = []
    if len(positions) != len(statement.names):
        return [(statement.lineno, statement.col_offset)] * len(statement.names)
    return positions


def _token_positions(statement: ImportStatement, lines: EncodedLines) -> list[tuple[int, int]]:
    first = statement.lineno
    last = statement.end_lineno or first
    start = statement.col_offset
    end = statement.end_col_offset
    # Only the statement's own bytes are copied: a line may hold thousands of statements.
    if first == last:
        raw = [lines[first - 1][start:end]]
    else:
        raw = [lines[first - 1][start:], *(lines[index] for index in range(first, last - 1)), lines[last - 1][:end]]
    segment = [piece.decode("utf-8") for piece in raw]
    import tokenize

    positions: list[tuple[int, int]] = []
    after_import = expect_name = False
    # One physical line per readline call, so token rows index ``segment`` even when the
    # lines end in a lone "\r".
    for token in tokenize.generate_tokens(iter(segment).__next__):
        if not after_import:
            after_import = token.type == tokenize.NAME and token.string == "import"
            expect_name = after_import
            continue
        if token.type == tokenize.OP and token.string == ",":
            expect_name = True
        elif expect_name and (token.type == tokenize.NAME or token.string == "*"):
            row, column = token.start
            text_before = segment[row - 1][:column].encode("utf-8")
            offset = start if row == 1 else 0
            positions.append((first + row - 1, offset + len(text_before)))
            expect_name = False
    return positions
