"""``ssot-ws check``: report findings, flake8-style (the scan lives in scan.py)."""
from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.scan import scan

NAME = "check"
HELP = "report imports the registry does not allow"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")


def run(args: argparse.Namespace, registry: Registry) -> int:
    result = scan([Path(p) for p in args.paths], registry, today=datetime.date.today())
    for problem in result.problems:
        print(f"{problem.path}: {problem.reason}", file=sys.stderr)
    for path, finding in result.findings:
        print(f"{path}:{finding.line}:{finding.col + 1}: {finding.message}")
    return 0 if args.exit_zero or not result.findings else 1
