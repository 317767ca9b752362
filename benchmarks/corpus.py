"""A deterministic, realistic corpus for the benchmark: a monorepo-shaped git repository.

Shape (defaults): 10,000 Python files of a few hundred lines each (log-normal sizes, a few
thousand lines for the largest), ~15% importing the tracked names in every form of the core
issue (legacy and canonical paths, aliases, module imports, relative imports, imports in
functions, classes, ``if TYPE_CHECKING:`` and ``try/except ImportError``,
``importlib.import_module`` strings, star imports, attribute access, ``# noqa``), some
files quoting those imports in docstrings and comments only, many mentioning unrelated
"managers", and a few that do not parse. Same seed, same bytes.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

REGISTRY = """\
[tool.flake8-ssot-ws]
exempt = [
  "app/websocket_core/unified_manager.py",
  "app/websocket_core/websocket_manager.py",
  "app/websocket_core/manager.py",
]
src = ["."]

[[tool.flake8-ssot-ws.group]]
name = "websocket-manager"
watch = ["*WebSocketManager", "get_websocket_manager"]
watch-modules = ["app.websocket_core.websocket_manager", "app.websocket_core.manager"]
canonical = [
  "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager",
  "from app.websocket_core.unified_manager import get_websocket_manager",
]

[[tool.flake8-ssot-ws.group.legacy]]
import = "from app.websocket_core.websocket_manager import WebSocketManager"
deadline = 2026-03-31
reason = "see issue 1182"

[[tool.flake8-ssot-ws.group.legacy]]
import = "from app.websocket_core.manager import WebSocketManager"
deadline = 2099-12-31
"""

# ruff's banned-api (TID251) and flake8-tidy-imports' banned-modules (I251) cannot express
# "this name only under this alias"; the nearest equivalent bans the legacy paths.
BANNED = {
    "app.websocket_core.websocket_manager": "use app.websocket_core.unified_manager",
    "app.websocket_core.manager": "use app.websocket_core.unified_manager",
    "app.websocket_core.WebSocketManager": "use app.websocket_core.unified_manager",
    "app.legacy.old.ThreadWebSocketManager": "use app.websocket_core.unified_manager",
}

SSOT_MODULES = {
    "app/__init__.py": "",
    "app/websocket_core/__init__.py": (
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager  # noqa\n"
    ),
    "app/websocket_core/unified_manager.py": (
        '"""The single source of truth."""\n\n\nclass UnifiedWebSocketManager:\n    pass\n\n\n'
        "def get_websocket_manager() -> UnifiedWebSocketManager:\n    return UnifiedWebSocketManager()\n"
    ),
    "app/websocket_core/websocket_manager.py": (
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
    ),
    "app/websocket_core/manager.py": (
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
    ),
}

# (text, needs a package two levels under app/ for its relative import). Every form the
# core issue lists; {i} is the indentation of the enclosing block.
TRACKED_FORMS = (
    "from app.websocket_core.websocket_manager import WebSocketManager\n",
    "from app.websocket_core.unified_manager import UnifiedWebSocketManager\n",
    "from app.websocket_core import WebSocketManager\n",
    "from app.websocket_core.manager import WebSocketManager\n",
    "from app.websocket_core.websocket_manager import WebSocketManager as ConnectionManager\n",
    "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n",
    "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n",
    "from app.websocket_core.unified_manager import get_websocket_manager\n",
    "from app.websocket_core.unified_manager import UnifiedWebSocketManager as ManagerAlias\n",
    "import app.websocket_core.websocket_manager as m\n",
    "from app.websocket_core import websocket_manager\n",
    "from ....websocket_core.websocket_manager import WebSocketManager\n",
    "from ....websocket_core import manager as legacy_manager\n",
    "from app.websocket_core.websocket_manager import WebSocketManager  # noqa: SWS001\n",
    "from app.websocket_core.websocket_manager import (\n    WebSocketManager,\n    get_websocket_manager,\n)\n",
    "from app.websocket_core.websocket_manager import *  # noqa: F403\n",
    "from app.legacy.old import ThreadWebSocketManager\n",
    "if TYPE_CHECKING:\n    from app.websocket_core.websocket_manager import WebSocketManager\n",
    (
        "try:\n    from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
        "except ImportError:\n    from app.websocket_core.websocket_manager import WebSocketManager\n"
    ),
)
NESTED_FORMS = (
    (
        "def _get_manager():\n    from app.websocket_core.websocket_manager import WebSocketManager\n\n"
        "    return WebSocketManager()\n"
    ),
    "class _ManagerHolder:\n    from app.websocket_core.manager import WebSocketManager as Legacy\n",
    'def _load_dynamic():\n    return importlib.import_module("app.websocket_core.websocket_manager")\n',
    "def _via_attribute():\n    return wsc.WebSocketManager()\n",
    (
        "async def _async_import():\n    from app.websocket_core.unified_manager import get_websocket_manager\n\n"
        "    return get_websocket_manager()\n"
    ),
)
DOCSTRING_QUOTE = (
    "\n\nMigration notes. Do not write::\n\n    from app.websocket_core.websocket_manager import WebSocketManager\n\n"
    "write::\n\n    from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
)
COMMENT_QUOTE = "# TODO(ws): from app.websocket_core.manager import WebSocketManager is deprecated\n"

STDLIB = ("os", "sys", "json", "logging", "re", "time", "uuid", "asyncio", "functools", "itertools", "collections")
TYPING = ("Any", "Optional", "Dict", "List", "Iterable", "Mapping", "Sequence", "Callable")
WORDS = (
    "user",
    "session",
    "agent",
    "event",
    "message",
    "tool",
    "config",
    "state",
    "result",
    "request",
    "payload",
    "thread",
    "channel",
    "token",
    "record",
    "metric",
    "cache",
    "queue",
    "job",
    "task",
    "account",
    "order",
    "invoice",
    "report",
    "policy",
    "schema",
    "client",
    "route",
    "plan",
    "step",
)
GENERIC_MANAGERS = ("session_manager", "context_manager", "SessionManager", "ConfigManager", "manager")


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self, parts: int = 2) -> str:
        return "_".join(self.rng.choice(WORDS) for _ in range(parts))

    def klass(self) -> str:
        return "".join(word.title() for word in self.name(2).split("_")) + self.rng.choice(
            ("Service", "Handler", "Repository", "Builder", "Adapter", "Processor")
        )

    def statement(self, indent: str, depth: int, is_async: bool) -> str:
        rng, name = self.rng, self.name
        kind = rng.randrange(12)
        if kind == 0 and depth < 3:
            body = "".join(self.statement(indent + "    ", depth + 1, is_async) for _ in range(rng.randint(1, 3)))
            return f"{indent}if {name()} is not None and {name(1)} > {rng.randint(0, 99)}:\n{body}"
        if kind == 1 and depth < 3:
            body = "".join(self.statement(indent + "    ", depth + 1, is_async) for _ in range(rng.randint(1, 3)))
            return f"{indent}for {name(1)} in self.{name()}:\n{body}"
        if kind == 2 and depth < 3:
            body = self.statement(indent + "    ", depth + 1, is_async)
            return (
                f"{indent}try:\n{body}{indent}except (KeyError, ValueError) as error:\n"
                f'{indent}    logger.warning("failed to load %s: %s", {name(1)!r}, error)\n'
            )
        if kind == 3:
            return f'{indent}{name()} = f"{{self.{name(1)}}}/{{{name(1)}}}-{rng.randint(0, 9999)}"\n'
        if kind == 4:
            items = ", ".join(f'"{name(1)}": {name()}' for _ in range(rng.randint(1, 4)))
            return f"{indent}{name()} = {{{items}}}\n"
        if kind == 5:
            return f"{indent}{name()} = [{name(1)} for {name(1)} in {name()} if {name(1)}]\n"
        if kind == 6:
            comment = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
            return f"{indent}# {comment}\n{indent}{name()} = {name(1)}\n"
        if kind == 7:
            return f"{indent}self.{name()} = {name(1)}.get({name(1)!r}, {rng.randint(0, 100)})\n"
        if kind == 8:
            args = ", ".join(name(1) for _ in range(rng.randint(0, 3)))
            return f"{indent}result = {'await ' if is_async else ''}self.{name()}({args})\n"
        if kind == 9:
            return f'{indent}logger.info("processed %d {name(1)} items in %.2fs", len({name()}), elapsed)\n'
        if kind == 10:
            return f"{indent}return {name()} or {rng.randint(0, 9)}\n"
        return f"{indent}{name()} = self.{name(1)}.{name(1)}({name()}, timeout={rng.randint(1, 60)})\n"

    def function(self, indent: str, method: bool) -> str:
        rng = self.rng
        names = rng.sample(WORDS, rng.randint(0, 3))
        params = ", ".join(f"{name}: {rng.choice(TYPING)}[str]" for name in names)
        params = f"self, {params}" if method and params else ("self" if method else params)
        is_async = rng.random() < 0.3
        prefix = "async def" if is_async else "def"
        doc = f'{indent}    """{self.name(3).replace("_", " ").capitalize()}."""\n' if rng.random() < 0.6 else ""
        body = "".join(self.statement(indent + "    ", 1, is_async) for _ in range(rng.randint(2, 12)))
        return f"{indent}{prefix} {self.name()}({params}) -> Any:\n{doc}{body}\n"

    def klass_block(self) -> str:
        methods = "\n".join(self.function("    ", method=True) for _ in range(self.rng.randint(1, 8)))
        return f'class {self.klass()}:\n    """{self.name(4).replace("_", " ")}."""\n\n{methods}\n'


def _file_text(
    rng: random.Random, *, tracked: bool, quoting: bool, generic: bool, relative_ok: bool, max_blocks: int = 120
) -> str:
    writer = _Writer(rng)
    summary = writer.name(4).replace("_", " ").capitalize()
    parts = [f'"""{summary}.{DOCSTRING_QUOTE if quoting else ""}"""\n']
    parts.append("from __future__ import annotations\n\n")
    parts.extend(f"import {module}\n" for module in sorted(rng.sample(STDLIB, rng.randint(1, 5))))
    parts.append(f"from typing import TYPE_CHECKING, {', '.join(sorted(rng.sample(TYPING, 3)))}\n\n")
    parts.append(f"from app.services.{writer.name(1)} import {writer.klass()}\n")
    nested: list[str] = []
    if tracked:
        parts.append("import importlib\nimport app.websocket_core as wsc\n")
        forms = [f for f in TRACKED_FORMS if relative_ok or not f.startswith("from ....")]
        parts.extend(rng.sample(forms, rng.randint(1, 4)))
        nested = rng.sample(NESTED_FORMS, rng.randint(0, 2))
    if quoting:
        parts.append(COMMENT_QUOTE)
    parts.append("\nlogger = logging.getLogger(__name__)\n\n\n")
    # Log-normal sizes: a median of about 280 lines, a long tail to a few thousand.
    blocks = max(1, min(max_blocks, int(rng.lognormvariate(1.45, 0.9))))
    for index in range(blocks):
        parts.append(writer.klass_block() if rng.random() < 0.6 else writer.function("", method=False))
        if generic and index == 0:
            word = rng.choice(GENERIC_MANAGERS)
            parts.append(f"{word}_instance = {word}  # the {word} of this module\n\n")
    parts.extend(f"\n{form}" for form in nested)
    return "".join(parts)


def generate(root: Path, files: int, seed: int = 20260331, *, max_blocks: int = 120) -> dict[str, int]:
    """Write the corpus under ``root`` (a fresh git repository); return its statistics.
    ``max_blocks`` caps the classes and functions after a file's imports (each some 60 lines):
    the benchmark keeps the default; a test that needs many files, not long ones, passes 1."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(REGISTRY + _ruff_config())
    (root / "setup.cfg").write_text(_flake8_config())
    for relpath, text in SSOT_MODULES.items():
        _write(root / relpath, text)
    stats = {"files": 0, "lines": 0, "bytes": 0, "tracked": 0, "quoting": 0, "unparsable": 0}
    broken = set(rng.sample(range(files), min(10, files)))
    for index in range(files):
        service, package = divmod(index, 50)
        directory = f"app/services/svc_{service // 20:02d}/pkg_{service % 20:02d}"
        tracked = rng.random() < 0.15
        quoting = rng.random() < 0.04
        text = _file_text(
            rng, tracked=tracked, quoting=quoting, generic=rng.random() < 0.12, relative_ok=True, max_blocks=max_blocks
        )
        if index in broken:
            text += "\ndef broken(:\n    pass\n"
            stats["unparsable"] += 1
        path = root / directory / f"mod_{package:02d}_{index}.py"
        _write(path, text)
        stats["files"] += 1
        stats["lines"] += text.count("\n")
        stats["bytes"] += len(text)
        stats["tracked"] += tracked
        stats["quoting"] += quoting
    for init in sorted({p.parent for p in root.glob("app/services/**/*.py")}):
        for directory in (init, *init.parents):
            if directory == root:
                break
            marker = directory / "__init__.py"
            if not marker.exists():
                _write(marker, "")
    (root / ".gitignore").write_text(".ssot-ws-cache/\n.ruff_cache/\n")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], cwd=root, check=True)
    return stats


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _ruff_config() -> str:
    lines = ["", "[tool.ruff.lint.flake8-tidy-imports.banned-api]"]
    lines.extend(f'"{name}".msg = "{message}"' for name, message in BANNED.items())
    return "\n".join(lines) + "\n"


def _flake8_config() -> str:
    banned = "".join(f"\n    {name} = {message}" for name, message in BANNED.items())
    return f"[flake8]\nssot-registry = pyproject.toml\nbanned-modules ={banned}\n"
