"""``ssot-ws`` entry point: one subcommand per module, all over the same core."""
from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from pathlib import Path
from typing import Any
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
from flake8_ssot_ws.registry import registries_below
from flake8_ssot_ws.registry import split_registries

PROG = "ssot-ws"
# Subcommand name -> module. Modules are imported only when needed: a pre-commit run of
# `check` should not pay for importing fix, report and their dependencies.
__all__ = ["COMMANDS", "UsageError", "build_parser", "load_cli_registry", "main"]
COMMANDS = {
    "check": "flake8_ssot_ws.commands.check",
    "fix": "flake8_ssot_ws.commands.fix",
    "report": "flake8_ssot_ws.commands.report",
    "registry": "flake8_ssot_ws.commands.registry",
    "init": "flake8_ssot_ws.commands.init",
}


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: dict[str, argparse.ArgumentParser] = {}  # the subcommands' parsers, by name

    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: hooks and CI logs show it whole.
        raise UsageError(f"{message} (see '{self.prog} --help')")


class _Version(argparse.Action):
    """``--version``: what a bug report needs (importlib.metadata is imported only here)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit", **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> NoReturn:
        import importlib.metadata
        import platform

        version = importlib.metadata.version("flake8-ssot-ws")
        python = f"{platform.python_implementation()} {platform.python_version()} on {platform.system()}"
        print(f"{PROG} {version} ({python})")
        parser.exit()


def load_cli_registry(option: str | None, paths: Sequence[str] = ()) -> Registry:
    """``--registry PATH``, else discovery upward from the folder holding the path arguments
    (the current directory without any), then from the current directory; none found is an
    error."""
    if option is not None:
        path = Path(option)
        if not option:
            raise UsageError("--registry: expected a path, got ''")
        if not path.is_file():
            if path.is_dir():
                raise UsageError(f"--registry {option}: a folder, not a registry file")
            if path.exists():  # a FIFO, a device, /dev/stdin: loading says it is no regular file
                return load_registry(path.absolute())
            if path.is_symlink():
                raise UsageError(f"--registry {option}: {_broken_link(path)}")
            raise UsageError(f"--registry {option}: no such file")
        return load_registry(path.absolute())
    discovery = discover_registry(discovery_start(paths), then=Path.cwd())
    for skipped in discovery.skipped:
        print(f"{PROG}: warning: {skipped}", file=sys.stderr)
    if discovery.path is None:
        hint = split_registries(paths) or registries_below(paths)
        raise UsageError(no_registry_message(discovery, "--registry", hint))
    return load_registry(discovery.path)


def _broken_link(path: Path) -> str:
    # realpath stops at the link where a loop closes (a link still); a broken link resolves to
    # the missing file (no link).
    if os.path.islink(os.path.realpath(path)):
        return "a symlink loop"
    return f"a broken symlink to {os.readlink(path)}"


def build_parser(argv: Sequence[str] = ()) -> _Parser:
    """The parser; when ``argv`` names a subcommand, only that command's module is loaded."""
    parser = _Parser(prog=PROG, description="Enforce the SSOT registry of canonical imports.")
    parser.add_argument("--version", action=_Version)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    chosen = next((arg for arg in argv if arg in COMMANDS), None)
    # `ssot-ws --version ...`: the action exits before anything after it is parsed, so no
    # command's module is needed (importing all five would cost more than the answer).
    version_only = argv[:1] == ["--version"]
    for name, module_name in COMMANDS.items():
        if version_only or (chosen is not None and name != chosen):
            subparsers.add_parser(name)  # never parsed: argv selects `chosen`, or --version exits
            continue
        command = importlib.import_module(module_name)
        sub = subparsers.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        # A command that builds the registry (init) declares NEEDS_REGISTRY = False: it gets none.
        needs_registry = getattr(command, "NEEDS_REGISTRY", True)
        if needs_registry:
            sub.add_argument(
                "--registry", metavar="PATH", help="registry file (default: found upward from the folder of the paths)"
            )
        command.configure(sub)
        sub.set_defaults(handler=command.run, needs_registry=needs_registry)
        parser.commands[name] = sub
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The arguments, or a UsageError that names an unknown option as such (with the nearest
    known one) and a path argument that does not exist -- in that order: argparse alone would
    take the value of ``--formt json`` for a path and report a missing file 'json'."""
    parser = build_parser(argv)
    args, unknown = parser.parse_known_args(argv)
    command = parser.commands[args.command]
    if unknown and hasattr(args, "paths") and not any(argument.startswith("-") for argument in unknown):
        # Paths after an option (`check src --statistics tests`): argparse takes the first run of
        # positionals only; flake8 and ruff take them all. (A subparser cannot parse intermixed.)
        given = args.paths if args.paths != ["."] or "." in argv else []  # ["."] unless given: the default
        args.paths, unknown = [*(given or []), *unknown], []
    if unknown:
        command.error(_unknown(command, unknown))
    for path in getattr(args, "paths", None) or ():  # every command that takes paths
        if not os.path.lexists(path):
            command.error(f"argument PATH: no such file or directory: {path!r}")
    return args


def _unknown(parser: argparse.ArgumentParser, unknown: list[str]) -> str:
    options = [argument.partition("=")[0] for argument in unknown if argument.startswith("-")]
    if not options:
        return f"unrecognized arguments: {' '.join(unknown)}"
    import difflib  # only on this error

    known = [option for action in parser._actions for option in action.option_strings]
    near = difflib.get_close_matches(options[0], known, n=1)
    return f"unknown option {options[0]}" + (f", did you mean {near[0]}?" if near else "")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        if argv is None:
            argv = sys.argv[1:]
        args = parse(argv)
        _require_cwd()
        result: int
        if args.needs_registry:
            result = args.handler(args, load_cli_registry(args.registry, getattr(args, "paths", ())))
        else:
            result = args.handler(args)
        sys.stdout.flush()  # here, not at exit: a full disk is reported like any other error
        return result
    except (UsageError, RegistryError, BaselineError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        if error.errno not in (errno.EPIPE, errno.ENOSPC):  # not the output's: a bug to show
            raise
        # The rest of the output cannot be written either: drop it, so that the interpreter's
        # last flush does not fail again with a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if error.errno == errno.EPIPE:  # the reader stopped reading (`| head`): nothing to say
            return 1
        print(f"{PROG}: error: cannot write the output: {error.strerror}", file=sys.stderr)
        return 2


def _require_cwd() -> None:
    try:
        os.getcwd()
    except FileNotFoundError:
        raise UsageError("the current directory does not exist any more (deleted?)") from None
