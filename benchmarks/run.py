"""Benchmark ``ssot-ws check`` against ruff's banned-api rule and flake8, on one corpus.

    python benchmarks/run.py [--files 10000] [--slice 500] [--repeat 3] [--regenerate]

Generates (once; again when the generator or --files changes) a deterministic corpus in
benchmarks/corpus/ (see corpus.py), then times, each command in its own process (wall
time, CPU time and peak RSS of the process and its children, from ``os.wait4``):

- ``ssot-ws check`` cold (no cache directory), warm (second run), and with --no-cache;
- ``ruff check --select TID251`` with the equivalent banned-api config, --no-cache and warm;
- flake8 on a slice of the corpus: its default checks with this plugin inactive (no
  registry), with it, and with flake8-tidy-imports' banned-modules (I251) configured;
- the two plugins' own checks on the same parsed trees, in one process (a whole flake8 run
  varies more between two runs than either plugin costs, so subtracting runs would measure
  noise).

It prints the medians of ``--repeat`` runs and the ratios against the issue's targets.

``ssot-ws`` runs from benchmarks/.venv, where this checkout is installed the way pip and
pre-commit install it for users (not editable: an editable install's import hook adds
about 13 ms to every start of Python, a tenth of a warm run). The peers and the flake8
runs use the interpreter that runs this script.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402 (a sibling script, not a package)

BIN = Path(sys.executable).parent
SEED = 20260331
NEEDLES = "WebSocketManager|manager|import_module|__import__"


@dataclass
class Measurement:
    wall: float
    cpu: float
    rss_mib: float
    output_lines: int


def measure(command: list[str], cwd: Path, setup: object = None) -> Measurement:
    """Run ``command`` once; CPU and peak RSS cover the process and the children it waited for."""
    if callable(setup):
        setup()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    rss_kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # macOS reports bytes
    return Measurement(wall, usage.ru_utime + usage.ru_stime, rss_kib / 1024, output.count(b"\n"))


def median(command: list[str], cwd: Path, repeat: int, setup: object = None) -> Measurement:
    return _summary([measure(command, cwd, setup) for _ in range(repeat)])


def interleaved(commands: dict[str, tuple[list[str], object]], cwd: Path, repeat: int) -> dict[str, Measurement]:
    """Each ``(command, setup)`` ``repeat`` times, one run of each per round, in turn: the two
    sides of a ratio then see the same load (a shared machine's load drifts over a block of
    runs, and a block of one command then a block of the other measured that drift)."""
    runs: dict[str, list[Measurement]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (command, setup) in commands.items():
            runs[name].append(measure(command, cwd, setup))
    return {name: _summary(measured) for name, measured in runs.items()}


def _summary(runs: list[Measurement]) -> Measurement:
    return Measurement(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.rss_mib for r in runs),
        runs[-1].output_lines,
    )


def ensure_corpus(root: Path, files: int, regenerate: bool) -> dict[str, int]:
    stamp = root / ".bench-stamp.json"
    generator = hashlib.sha1((HERE / "corpus.py").read_bytes()).hexdigest()
    wanted = {"files": files, "seed": SEED, "generator": generator}
    if not regenerate and stamp.is_file():
        recorded = json.loads(stamp.read_text())
        if recorded["wanted"] == wanted:
            return recorded["stats"]
    if root.exists():
        shutil.rmtree(root)
    print(f"generating {files} files in {root} ...", flush=True)
    stats = corpus.generate(root, files, SEED)
    stamp.write_text(json.dumps({"wanted": wanted, "stats": stats}))
    return stats


def plugin_costs(file_list: Path, repeat: int) -> None:
    """(In a child process, cwd = the corpus) each plugin's own checks over parsed trees."""
    banned = "\n".join(f"{name} = {message}" for name, message in corpus.BANNED.items())
    print(json.dumps(plugin_timings(file_list.read_text().split(), "pyproject.toml", banned, repeat, min)))


def plugin_timings(
    names: list[str], registry: str, banned: str, repeat: int, summarise: Callable[[list[float]], float]
) -> dict[str, object]:
    """This plugin's and flake8-tidy-imports' own checks (I251 with ``banned``) over the parsed
    trees of ``names``: CPU seconds (``summarise`` of ``repeat`` rounds) and findings of each.
    A file that does not parse is left out: flake8 reports E999 and runs no AST plugin on it."""
    from flake8_tidy_imports import ImportChecker

    from flake8_ssot_ws.plugin import Plugin

    trees = []
    for name in names:
        with open(name, encoding="utf-8", errors="surrogateescape") as stream:
            lines = stream.readlines()
        try:
            trees.append((name, ast.parse("".join(lines)), lines))
        except (SyntaxError, ValueError):
            continue
    Plugin.parse_options(argparse.Namespace(ssot_registry=registry, ssot_baseline=None))
    ImportChecker.parse_options(argparse.Namespace(banned_modules=banned, ban_relative_imports=""))
    found: dict[str, int] = {}
    checks: dict[str, Callable[..., list[object]]] = {
        "sws": lambda name, tree, lines: list(Plugin(tree, name, lines).run()),
        "tidy": lambda name, tree, lines: [e for e in ImportChecker(tree).run() if e[2].startswith("I251")],
    }
    rounds: dict[str, list[float]] = {label: [] for label in checks}
    for _ in range(repeat):  # the plugins in turn, round after round: both see the same load
        for label, check in checks.items():
            start = time.process_time()
            found[label] = sum(len(check(*tree)) for tree in trees)
            rounds[label].append(time.process_time() - start)
    costs = {label: summarise(times) for label, times in rounds.items()}
    return {"costs": costs, "found": found, "trees": len(trees)}


def validation_cost() -> None:
    """(In a child process, cwd = the corpus) one in-process, uncached scan, with and without
    the fast path's whole-file validation (``symtable``), to show what exactness costs: a file
    with findings must parse, as flake8 reports nothing but E999 in one that does not."""
    import datetime
    import symtable

    from flake8_ssot_ws.fast import shortcut as fastpath
    from flake8_ssot_ws.registry import load_registry
    from flake8_ssot_ws.scan.runner import scan

    registry = load_registry(Path("pyproject.toml").resolve())
    costs = {}
    for label, validate in (("with", symtable.symtable), ("without", lambda *args: None)):
        fastpath.symtable.symtable = validate  # type: ignore[assignment]  # measurement only
        start = time.process_time()
        scan(["."], registry, today=datetime.date.today(), use_cache=False, jobs=1)
        costs[label] = time.process_time() - start
    print(json.dumps(costs))


def installed_ssot_ws() -> str:
    """``ssot-ws`` of this checkout, installed (not editable) in benchmarks/.venv."""
    venv = HERE / ".venv"
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for options in (["--force-reinstall", "--no-deps"], []):  # this checkout, then its dependencies once
        installed = subprocess.run([*pip, *options, str(HERE.parent)], capture_output=True, text=True, check=False)
        if installed.returncode:  # pip's warnings only when it fails: they would break up the table
            raise SystemExit(f"installing ssot-ws into {venv} failed:\n{installed.stderr}")
    return str(python.parent / "ssot-ws")


def machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in _run(["lscpu"]).splitlines() if line.startswith("Model name")),
        platform.processor() or "unknown CPU",
    )
    ruff_version = _run([str(BIN / "ruff"), "--version"]).split("\n")[0]  # "ruff 0.17.6"
    flake8_version = _run([str(BIN / "flake8"), "--version"]).split(" (")[0]  # "7.5.0 (plugins...)"
    versions = f"{ruff_version}, flake8 {flake8_version}"
    cpus = _run(["nproc"]).strip()
    return f"nproc {cpus}, {model}; Python {platform.python_version()}; {versions}"


def _run(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="corpus size (default: 10000)")
    parser.add_argument("--slice", type=int, default=500, help="files for the flake8 runs (default: 500)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; medians are shown (default: 3)")
    parser.add_argument("--regenerate", action="store_true", help="write the corpus again")
    parser.add_argument("--plugin-costs", metavar="FILE_LIST", help=argparse.SUPPRESS)
    parser.add_argument("--validation-cost", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plugin_costs:
        plugin_costs(Path(args.plugin_costs), args.repeat)
        return 0
    if args.validation_cost:
        validation_cost()
        return 0

    root = HERE / "corpus"
    stats = ensure_corpus(root, args.files, args.regenerate)
    print(f"machine: {machine()}")
    print(
        f"corpus: {stats['files']} files, {stats['lines']:,} lines, {stats['bytes'] / 2**20:.0f} MiB; "
        f"{stats['tracked']} import tracked names, {stats['quoting']} quote them in docstrings, "
        f"{stats['unparsable']} do not parse\n",
        flush=True,
    )
    ssot, ruff, flake8 = installed_ssot_ws(), str(BIN / "ruff"), str(BIN / "flake8")
    cache = root / ".ssot-ws-cache"
    rows: dict[str, Measurement] = {}
    rows["grep -rlE (the needles; for scale)"] = median(
        ["grep", "-rlE", NEEDLES, "--include=*.py", "app"], root, args.repeat
    )
    ruff_check = [ruff, "check", "--select", "TID251", "--quiet"]
    # The two sides of each ratio take turns (interleaved), as in headline.py.
    rows.update(interleaved({
        "ssot-ws check, cold": ([ssot, "check"], lambda: shutil.rmtree(cache, True)),
        "ssot-ws check --no-cache": ([ssot, "check", "--no-cache"], None),
        "ruff check --select TID251 --no-cache": ([*ruff_check, "--no-cache", "."], None),
    }, root, args.repeat))  # fmt: skip
    measure([ssot, "check"], root)  # fill both caches
    measure([*ruff_check, "."], root)
    rows.update(interleaved({
        "ssot-ws check, warm (cache)": ([ssot, "check"], None),
        "ruff check --select TID251, warm (cache)": ([*ruff_check, "."], None),
    }, root, args.repeat))  # fmt: skip
    watch = ["--watch", "*WebSocketManager", "--watch", "get_websocket_manager"]
    rows.update(interleaved({
        "ssot-ws init (registry on stdout)": ([ssot, "init", *watch], None),
        "ssot-ws registry --verify": ([ssot, "registry", "--verify"], None),
        "ssot-ws check --no-cache, again": ([ssot, "check", "--no-cache"], None),
    }, root, args.repeat))  # fmt: skip

    sliced = sorted(str(p.relative_to(root)) for p in (root / "app/services").rglob("*.py"))[: args.slice]
    file_list = root / ".bench-slice.txt"
    file_list.write_text("\n".join(sliced))
    banned = "\n".join(f"{name} = {message}" for name, message in corpus.BANNED.items())
    with tempfile.TemporaryDirectory() as elsewhere:  # no registry above it: the plugin stays inactive
        absolute = [str(root / name) for name in sliced]
        runs: dict[str, tuple[list[str], object]] = {
            f"flake8, {len(sliced)} files, ssot plugin inactive": ([flake8, "--isolated", *absolute], None),
            f"flake8, {len(sliced)} files, with ssot plugin": (
                [flake8, "--isolated", "--ssot-registry", str(root / "pyproject.toml"), *absolute], None
            ),
            f"flake8, {len(sliced)} files, with tidy-imports I251": (
                [flake8, "--isolated", f"--banned-modules={banned}", *absolute], None
            ),
        }
        rows.update(interleaved(runs, Path(elsewhere), args.repeat))
    costs = subprocess.run(
        [sys.executable, __file__, "--plugin-costs", str(file_list), "--repeat", str(args.repeat)],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    plugins = json.loads(costs.stdout)
    validation = subprocess.run(
        [sys.executable, __file__, "--validation-cost"], cwd=root, capture_output=True, text=True, check=True
    )
    report(rows, plugins, len(sliced), json.loads(validation.stdout))
    return 0


def report(
    rows: dict[str, Measurement], plugins: dict[str, dict[str, float]], sliced: int, validation: dict[str, float]
) -> None:
    print("| command | wall s | CPU s | peak RSS MiB | output lines |")
    print("|---|---:|---:|---:|---:|")
    for name, m in rows.items():
        print(f"| {name} | {m.wall:.2f} | {m.cpu:.2f} | {m.rss_mib:.0f} | {m.output_lines} |")
    sws, tidy = plugins["costs"]["sws"], plugins["costs"]["tidy"]
    print(f"| ssot plugin's own checks, {plugins['trees']} parsed trees (in-process) | | {sws:.3f} | | "
          f"{plugins['found']['sws']} |")  # fmt: skip
    print(f"| tidy-imports' checks, same trees (in-process) | | {tidy:.3f} | | {plugins['found']['tidy']} |")
    print(f"| ssot-ws scan, one process, no cache (in-process) | | {validation['with']:.2f} | | |")
    print(f"| the same without whole-file syntax validation (in-process) | | {validation['without']:.2f} | | |")
    cold, warm = rows["ssot-ws check, cold"], rows["ssot-ws check, warm (cache)"]
    init, verify = rows["ssot-ws init (registry on stdout)"], rows["ssot-ws registry --verify"]
    beside = rows["ssot-ws check --no-cache, again"]  # measured in turn with init and --verify
    ruff_cold = rows["ruff check --select TID251 --no-cache"]
    ruff_warm = rows["ruff check --select TID251, warm (cache)"]
    flake8_run = rows[f"flake8, {sliced} files, with ssot plugin"]
    peak = max(m.rss_mib for name, m in rows.items() if name.startswith("ssot-ws"))
    print("\n| target | measured | goal | met |")
    print("|---|---:|---:|---|")
    for target, value, goal in (
        ("cold check wall / ruff --no-cache wall", cold.wall / ruff_cold.wall, 1.0),
        ("  stretch: the same ratio", cold.wall / ruff_cold.wall, 0.5),
        ("warm check wall / ruff cached wall", warm.wall / ruff_warm.wall, 0.5),
        ("ssot plugin CPU / tidy-imports CPU, same trees", sws / tidy, 0.25),
        ("ssot plugin CPU / flake8 run CPU, same files", sws / flake8_run.cpu, 0.01),
        ("ssot-ws peak RSS per process, MiB", peak, 60.0),
        ("init wall / check --no-cache wall", init.wall / beside.wall, 2.0),
        ("registry --verify wall / check --no-cache wall", verify.wall / beside.wall, 2.0),
    ):
        print(f"| {target} | {value:.3f} | <= {goal:g} | {'yes' if value <= goal else 'NO'} |")
    share = 1 - validation["without"] / validation["with"]
    print(
        f"\nWhole-file syntax validation (CPython's parser, via symtable) is {share:.0%} of check's CPU; "
        f"check's CPU without it / ruff's CPU: {validation['without'] / ruff_cold.cpu:.2f}."
    )


if __name__ == "__main__":
    raise SystemExit(main())
