"""``ssot-ws fix``: files in, safe rewrites out (the rewriting itself is fix.py's pure core).

stdout: the findings left in the files as written (``path:line:col: CODE message``);
with ``--diff`` the diff, with ``--check`` nothing. stderr: what was (or would be)
rewritten, what was not and why, and one summary line.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import difflib
import io
import os
import stat
import sys
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

from flake8_ssot_ws.fix import FixResult
from flake8_ssot_ws.fix import fix_source
from flake8_ssot_ws.imports import source_lines
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.rules import file_context
from flake8_ssot_ws.scan import decode_source
from flake8_ssot_ws.scan import iter_python_files

NAME = "fix"
HELP = "rewrite legacy imports to their canonical imports, keeping every local name"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff on stdout; write nothing")
    mode.add_argument("--check", action="store_true", help="exit 1 if any file would change; write nothing")
    parser.add_argument(
        "--today",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date legacy deadlines are compared with (default: today)",
    )


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-03-31, got {text!r}") from None


@dataclass
class _Totals:
    fixed: int = 0
    files: int = 0
    left: int = 0


def run(args: argparse.Namespace, registry: Registry) -> int:
    from flake8_ssot_ws.cli import UsageError  # cli imports this module

    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    today = args.today or datetime.date.today()
    totals = _Totals()
    for path in iter_python_files(paths):
        _fix_file(path, registry, today, args, totals)
    verb = "would fix" if args.diff or args.check else "fixed"
    print(f"{verb} {totals.fixed} findings in {totals.files} files; {totals.left} left (not fixable)", file=sys.stderr)
    return 1 if totals.files or totals.left else 0


def _fix_file(path: Path, registry: Registry, today: datetime.date, args: argparse.Namespace, totals: _Totals) -> None:
    try:
        data = path.read_bytes()
        source = decode_source(data)
        result = fix_source(source, registry, file_context(registry, path), today=today)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError) as error:
        print(f"{path}: {type(error).__name__}: {error}", file=sys.stderr)
        return
    _report_refusals(path, result)
    fixed, changed, left = len(result.fixed), result.changed, result.left
    if changed:
        if args.diff:
            sys.stdout.write(unified_diff(str(path), source, result.source))
        elif args.check:
            print(f"Would rewrite {path}", file=sys.stderr)
        else:
            failure = _write(path, data, result.source)
            if failure is None:
                print(f"Rewriting {path}", file=sys.stderr)
            else:  # nothing was written: the file keeps all its findings
                print(f"{path}: not written: {failure}", file=sys.stderr)
                fixed, changed, left = 0, False, result.findings
    totals.fixed += fixed
    totals.files += changed
    totals.left += len(left)
    if not (args.diff or args.check):  # positions are those of the file as written
        for finding in left:
            print(f"{path}:{finding.line}:{finding.col + 1}: {finding.message}")


def _report_refusals(path: Path, result: FixResult) -> None:
    if result.problem is not None:
        print(f"{path}: not fixed: {result.problem}", file=sys.stderr)
    for refusal in result.refused:
        finding = refusal.finding
        print(f"{path}:{finding.line}:{finding.col + 1}: {finding.code} not fixed: {refusal.reason}", file=sys.stderr)


def _write(path: Path, data: bytes, new_source: str) -> str | None:
    """Write atomically in the file's own encoding and mode; the reason on failure."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    try:
        new_data = new_source.encode(encoding)
    except UnicodeEncodeError as error:
        return f"the fixed source cannot be encoded as {encoding} ({error.reason})"
    target = Path(os.path.realpath(path))  # through a symlink, not over it
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        return f"{type(error).__name__}: {error}"
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(new_data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return f"{type(error).__name__}: {error}"
    return None


def unified_diff(path: str, old: str, new: str) -> str:
    """``diff -u`` of two versions of ``path`` (marks a missing final newline like diff)."""
    parts: list[str] = []
    for line in difflib.unified_diff(source_lines(old), source_lines(new), path, path):
        parts.append(line)
        if not line.endswith(("\n", "\r")):
            parts.append("\n\\ No newline at end of file\n")
    return "".join(parts)
