"""``ssot-ws registry``: the registry as the team's "SSOT import registry" document.

The document is generated, never written by hand, and ``--check FILE`` (the
``ssot-ws-registry-doc`` pre-commit hook) fails when the committed copy differs, so it
cannot drift from the registry the checks enforce. It holds nothing that changes by
itself (no date, no absolute path): the same registry always gives the same bytes.

``--verify [PATH ...]`` (the ``ssot-ws-registry-verify`` hook) holds the registry against the
code instead: every canonical and legacy import resolved statically (resolve/verify.py).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import textwrap
from pathlib import Path

from flake8_ssot_ws.commands.check import path_option
from flake8_ssot_ws.core.codes import CORE
from flake8_ssot_ws.core.codes import spans
from flake8_ssot_ws.scan import exempt_globs
from flake8_ssot_ws.errors import UsageError
from flake8_ssot_ws.registry import Group
from flake8_ssot_ws.registry import PYPROJECT
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import TOOL_TABLE
from flake8_ssot_ws.registry.schema import documented
from flake8_ssot_ws.registry.schema import json_fields

NAME = "registry"
HELP = "print the registry as the SSOT import registry document, --check a committed copy, or --verify it"


FORMATS = ("markdown", "json")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output-format", "--format", dest="output_format", choices=FORMATS,
        help="default: json for a --check FILE named *.json, else markdown",
    )  # fmt: skip
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        type=path_option,
        metavar="FILE",
        help="exit 1 (with a diff) when FILE differs from the generated document, instead of printing it",
    )
    mode.add_argument(
        "--verify",
        action="store_true",
        help="resolve every canonical and legacy import in the code under PATH; exit 1 with one line per problem",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",  # checked after parsing (commands/cli.py)
        help="with --verify: the files and directories whose modules the imports resolve in (default: .)",
    )  # fmt: skip


def run(args: argparse.Namespace, registry: Registry) -> int:
    if args.verify:
        return _verify(registry, args.paths or ["."])
    if args.paths:
        raise UsageError("PATH arguments only apply to --verify")
    output_format = args.output_format or _format_of(args.check)
    document = render_json(registry) if output_format == "json" else render_markdown(registry)
    if args.check is None:
        sys.stdout.write(document)
        return 0
    # Registry hygiene is what --check (a pre-commit hook) is for: warn about dead exemptions.
    exempt_globs.warn_for_project(registry)
    path = Path(args.check)
    try:
        # Universal newlines: a checkout with CRLF line endings is not a difference.
        committed = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        committed = ""
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--check {path}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    if committed == document:
        return 0
    command = f"ssot-ws registry --output-format {output_format} > {path}"
    state = "is missing" if not path.exists() else "differs from the registry"
    print(f"{path} {state} ({_source(registry)}): regenerate it with '{command}'", file=sys.stderr)
    sys.stdout.writelines(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            document.splitlines(keepends=True),
            fromfile=str(path),
            tofile="generated",
        )
    )
    return 1


def _verify(registry: Registry, paths: list[str]) -> int:
    """Every canonical and legacy import resolved statically (resolve/verify.py)."""
    from flake8_ssot_ws.resolve.index import build_index
    from flake8_ssot_ws.resolve.resolver import Resolver
    from flake8_ssot_ws.resolve.verify import verify
    from flake8_ssot_ws.scan.discovery import iter_python_files

    index = build_index([os.fspath(path) for path in iter_python_files(paths)], registry)
    verified = verify(registry, Resolver(index))
    name = _display(registry.path)
    for problem in verified.problems:
        print(f"{name}: {problem}")
    if not verified.problems:
        return 0
    count = len(verified.problems)
    outside = f" ({verified.outside} of modules outside the paths, not checked)" if verified.outside else ""
    factories = (
        f" and {verified.factories} {'factory' if verified.factories == 1 else 'factories'}"
        if verified.factories
        else ""
    )
    print(
        f"ssot-ws: {count} {'problem' if count == 1 else 'problems'} in {verified.canonical} canonical and "
        f"{verified.legacy} legacy imports{factories}{outside}, resolved in {len(index.files)} "
        f"{'module' if len(index.files) == 1 else 'modules'}",
        file=sys.stderr,
    )
    return 1


def _display(path: Path) -> str:
    """The registry file as messages name it: relative to the current directory."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # pragma: no cover (Windows: another drive)
        return path.as_posix()


def _format_of(document: str | None) -> str:
    """The format of the document to ``--check``, from its suffix (a JSON document compared
    with markdown would always differ, and the fix offered would overwrite it with markdown)."""
    return "json" if document is not None and document.lower().endswith(".json") else "markdown"


def _source(registry: Registry) -> str:
    """The registry file as the document names it: no absolute path, so no drift."""
    if registry.path.name == PYPROJECT:
        return f"{PYPROJECT} [tool.{TOOL_TABLE}]"
    return registry.path.name


# --- the document ----------------------------------------------------------------------


def render_markdown(registry: Registry) -> str:
    out = [
        f"<!-- Generated by 'ssot-ws registry' from {_source(registry)}. Do not edit: edit the registry. -->",
        "",
        "# SSOT import registry",
        "",
        *textwrap.wrap(
            f"Each tracked name has exactly one allowed import. `ssot-ws check` and flake8 (codes "
            f"{spans(tuple(code.id for code in CORE))}) flag every other way of importing it.",
            width=102,  # where the document has always wrapped it
        ),
    ]
    for group in registry.groups:
        out += ["", *_group_markdown(group)]
    out += ["", "## Exemptions", ""]
    if registry.exempt:
        out.append("Files where tracked imports are not checked:")
        out.append("")
        out += [f"- `{pattern}`" for pattern in registry.exempt]
    else:
        out.append("None: every file is checked.")
    out += [
        "",
        f"Source roots: {_codes(registry.src)} (a file's module name is its path under the first that holds it).",
    ]
    return "\n".join(out) + "\n"


def _group_markdown(group: Group) -> list[str]:
    out = [f"## {_escape(group.name)}", "", "### Canonical imports", "", "| name | import |", "| --- | --- |"]
    out += [f"| `{spec.bound}` | `{spec.text}` |" for spec in group.canonical]
    for line in documented(group):
        out += ["", line]
    out += ["", "### Legacy imports", ""]
    if not group.legacy:
        return [*out, "None."]
    out += ["| legacy import | use instead | deadline | reason |", "| --- | --- | --- | --- |"]
    for entry in group.legacy:
        deadline = entry.deadline.isoformat() if entry.deadline else "none"
        out.append(f"| `{entry.spec.text}` | `{entry.use.text}` | {deadline} | {_escape(entry.reason or '')} |")
    return out


def _codes(items: tuple[str, ...]) -> str:
    return ", ".join(f"`{item}`" for item in items)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_json(registry: Registry) -> str:
    document = {
        "registry": _source(registry),
        "exempt": list(registry.exempt),
        "src": list(registry.src),
        "groups": [
            {
                "name": group.name,
                **json_fields(group),
                "canonical": [
                    {"import": spec.text, "module": spec.module, "name": spec.name, "bound": spec.bound}
                    for spec in group.canonical
                ],
                "legacy": [
                    {
                        "key": entry.key,
                        "import": entry.spec.text,
                        "use": entry.use.text,
                        "deadline": entry.deadline.isoformat() if entry.deadline else None,
                        "reason": entry.reason,
                    }
                    for entry in group.legacy
                ],
            }
            for group in registry.groups
        ],
    }
    return json.dumps(document, indent=2) + "\n"
