"""Files -> findings at scale: discovery, reading, noqa, the shared core."""
from __future__ import annotations

import datetime
import io
import os
import tokenize
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Iterator
from typing import Sequence

from flake8_ssot_ws.noqa import split_noqa
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.rules import Finding
from flake8_ssot_ws.rules import check_source
from flake8_ssot_ws.rules import file_context

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "__pycache__", "build", "dist", "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str


@dataclass
class ScanResult:
    findings: list[tuple[str, Finding]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0


def iter_python_files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for directory, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
                for filename in sorted(filenames):
                    if filename.endswith((".py", ".pyi")):
                        yield Path(directory, filename)
        else:
            yield path


def decode_source(data: bytes) -> str:
    """Decode as Python does: BOM, coding cookie, else UTF-8 (raises on failure)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def scan(paths: Sequence[Path], registry: Registry, *, today: datetime.date) -> ScanResult:
    result = ScanResult()
    for path in iter_python_files(paths):
        result.files += 1
        try:
            source = decode_source(path.read_bytes())
            findings = check_source(source, registry, file_context(registry, path), today=today)
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError) as error:
            result.problems.append(Problem(str(path), f"{type(error).__name__}: {error}"))
            continue
        kept, _ = split_noqa(findings, source)
        result.findings.extend((str(path), finding) for finding in kept)
    return result
