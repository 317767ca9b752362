"""``ssot-ws`` entry point: one subcommand per module, all over the same core."""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import NoReturn
from typing import Sequence

from flake8_ssot_ws.errors import BaselineError
from flake8_ssot_ws.errors import UsageError
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import RegistryError
from flake8_ssot_ws.registry import discover_registry
from flake8_ssot_ws.registry import discovery_start
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.registry import no_registry_message

PROG = "ssot-ws"
# Subcommand name -> module. Modules are imported only when needed: a pre-commit run of
# `check` should not pay for importing fix, report and their dependencies.
__all__ = ["COMMANDS", "UsageError", "build_parser", "load_cli_registry", "main"]
COMMANDS = {
    "check": "flake8_ssot_ws.commands.check",
    "fix": "flake8_ssot_ws.commands.fix",
    "report": "flake8_ssot_ws.commands.report",
    "registry": "flake8_ssot_ws.commands.registry",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: hooks and CI logs show it whole.
        raise UsageError(f"{message} (see '{self.prog} --help')")


def load_cli_registry(option: str | None, paths: Sequence[str] = ()) -> Registry:
    """``--registry PATH``, else discovery upward from the folder holding the path arguments
    (the current directory without any), then from the current directory; none found is an
    error."""
    if option:
        path = Path(option)
        if not path.is_file():
            raise UsageError(f"--registry {option}: no such file")
        return load_registry(path.absolute())
    discovery = discover_registry(discovery_start(paths), then=Path.cwd())
    for skipped in discovery.skipped:
        print(f"{PROG}: warning: {skipped}", file=sys.stderr)
    if discovery.path is None:
        raise UsageError(no_registry_message(discovery, "--registry"))
    return load_registry(discovery.path)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; when ``argv`` names a subcommand, only that command's module is loaded."""
    parser = _Parser(prog=PROG, description="Enforce the SSOT registry of canonical imports.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    chosen = next((arg for arg in argv if arg in COMMANDS), None)
    for name, module_name in COMMANDS.items():
        if chosen is not None and name != chosen:
            subparsers.add_parser(name)  # never parsed: argv selects `chosen`
            continue
        command = importlib.import_module(module_name)
        sub = subparsers.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        sub.add_argument(
            "--registry", metavar="PATH", help="registry file (default: found upward from the folder of the paths)"
        )
        command.configure(sub)
        sub.set_defaults(handler=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        if argv is None:
            argv = sys.argv[1:]
        args = build_parser(argv).parse_args(argv)
        registry = load_cli_registry(args.registry, getattr(args, "paths", ()))
        result: int = args.handler(args, registry)
        return result
    except (UsageError, RegistryError, BaselineError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
