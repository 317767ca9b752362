"""The benchmark's headline table: ``ssot-ws`` against ruff and flake8 on the real-world corpus.

    python benchmarks/headline.py [--project NAME] [--repeat 3] [--work DIR] [--sample 300]

Copies each fetched project of benchmarks/realworld/ (``realworld.py fetch``) into ``--work``
(default benchmarks/.headline, git-ignored; the fetched trees are never touched), writes the
project's registry and the nearest ruff banned-api beside it as ``realworld.py soak`` does
(``REGISTRIES``, ``ruff_config``), then measures, every figure a ratio of two commands timed in
the same run, each command in its own process (wall, and CPU and peak RSS of the process and
its children from ``os.wait4``), medians of ``--repeat`` runs, the two commands of a ratio
taking turns:

- cold: ``ssot-ws check --no-cache`` / ``ruff check --no-cache --select TID251``;
- warm: ``ssot-ws check`` with its cache filled / ``ruff check`` with its cache filled;
- staged: the 5 largest files in which check finds something (what a pre-commit run passes),
  ``ssot-ws check --no-cache FILES`` / ``ruff check --no-cache FILES``;
- plugin: the plugin's own checks / flake8-tidy-imports' ``banned-modules`` (I251, configured
  with ruff's list), both in one child process over the same parsed trees (``--sample`` files
  of those holding a needle, every k-th in path order); and the plugin's own checks / a whole
  ``flake8 -j1`` run (its default checks plus the plugin) on the same files. Timing the plugins
  in-process is the sound method: two whole flake8 runs differ by more than a plugin costs,
  so ``--select SWS`` minus ``--select E999`` measures noise;
- peak RSS of any one ``ssot-ws`` process;
- fix: ``ssot-ws fix --no-cache`` (written, then the tree reset with git) / ``check --no-cache``.

``ssot-ws`` runs from benchmarks/.venv, installed as users install it (run.py's
``installed_ssot_ws``), unless ``--editable`` (then this interpreter's, for quick iteration).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import realworld  # noqa: E402 (sibling scripts, not a package)
import run  # noqa: E402
from run import Measurement  # noqa: E402

TARGETS = {"cold": 1.0, "warm": 0.5, "staged": 4.0, "plugin/tidy": 0.15, "plugin/flake8": 0.01, "fix/check": 2.0}
RSS_TARGET = 60.0


def prepare(project: realworld.Project, work: Path) -> Path:
    """A copy of the fetched tree with the registry and the ruff config written into it."""
    source, tree = realworld.ROOT / project.name, work / project.name
    if not (tree / ".git").is_dir():
        shutil.rmtree(tree, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        ignore = shutil.ignore_patterns(".ssot-ws-cache", ".ruff_cache")
        shutil.copytree(source, tree, symlinks=True, ignore=ignore)
    reset(tree)
    registry_text = realworld.REGISTRIES[project.name]
    (tree / realworld.REGISTRY).write_text(registry_text)
    (tree / realworld.RUFF_CONFIG).write_text(realworld.ruff_config(registry_text))
    return tree


def reset(tree: Path) -> None:
    """Undo what fix wrote (the registry and ruff config are untracked, so they stay)."""
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=tree, check=True)


def banned_modules(tree: Path) -> str:
    """flake8-tidy-imports' banned-modules with ruff's banned-api list."""
    config = realworld.tomllib.loads((tree / realworld.RUFF_CONFIG).read_text())
    banned = config["lint"]["flake8-tidy-imports"]["banned-api"]
    return "\n".join(f"{name} = {entry['msg']}" for name, entry in banned.items())


def plugin_costs(file_list: Path, banned: str, repeat: int) -> None:
    """(In a child process, cwd = the tree) each plugin's own checks over the same parsed trees."""
    names = file_list.read_text().split("\n")
    print(json.dumps(run.plugin_timings(names, realworld.REGISTRY, banned, repeat, statistics.median)))


def needle_files(tree: Path, sample: int) -> list[str]:
    """Every k-th (path order) of the checked files whose bytes hold one of the registry's needles."""
    from flake8_ssot_ws.registry import load_registry

    needles = [n.encode() for n in load_registry((tree / realworld.REGISTRY).resolve()).needles]
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=tree, capture_output=True, text=True, check=True)
    holding = [p for p in sorted(listed.stdout.split("\n")) if p and any(n in (tree / p).read_bytes() for n in needles)]
    step = max(1, len(holding) // sample)
    return holding[::step][:sample]


def largest_with_findings(tree: Path, ssot: list[str]) -> list[str]:
    out = subprocess.run([*ssot, "--output-format", "json", "--exit-zero", "--no-cache"], cwd=tree,
                         capture_output=True, text=True, check=True)  # fmt: skip
    paths = {finding["path"] for finding in json.loads(out.stdout)["findings"]}
    return sorted(paths, key=lambda p: (-(tree / p).stat().st_size, p))[:5]


def bench_project(project: realworld.Project, tree: Path, ssot_bin: str, args: argparse.Namespace) -> dict[str, object]:
    repeat = args.repeat
    check = [ssot_bin, "check", "--registry", realworld.REGISTRY, "--exit-zero"]
    ruff = [str(run.BIN / "ruff"), "check", "--select", "TID251", "--config", realworld.RUFF_CONFIG, "--exit-zero"]
    rows: dict[str, Measurement] = {}
    fix = [ssot_bin, "fix", "--registry", realworld.REGISTRY, "--no-cache"]
    # The two sides of each ratio take turns (run.interleaved), so both see the same load. fix
    # writes: each round's check, and each fix, starts from the tree as fetched.
    rows.update(run.interleaved({
        "check --no-cache": ([*check, "--no-cache"], lambda: reset(tree)),
        "ruff --no-cache": ([*ruff, "--no-cache", "."], None),
        "fix --no-cache": (fix, lambda: reset(tree)),
    }, tree, repeat))  # fmt: skip
    reset(tree)
    shutil.rmtree(tree / ".ssot-ws-cache", ignore_errors=True)
    run.measure(check, tree)  # fill the cache
    run.measure([*ruff, "."], tree)
    rows.update(run.interleaved({"check warm": (check, None), "ruff warm": ([*ruff, "."], None)}, tree, repeat))
    for tool in ("check", "ruff"):  # cold and warm runs of one tree say the same, or a run saw another tree
        cold, warm = rows[f"{tool} --no-cache"].output_lines, rows[f"{tool} warm"].output_lines
        if cold != warm:
            raise SystemExit(f"{project.name}: {tool} printed {cold} lines cold and {warm} warm: the tree changed")
    staged = largest_with_findings(tree, check)
    rows.update(run.interleaved({
        "check 5 files": ([*check, "--no-cache", *staged], None),
        "ruff 5 files": ([*ruff, "--no-cache", *staged], None),
    }, tree, repeat))  # fmt: skip
    sample = needle_files(tree, args.sample)
    file_list = tree / ".headline-sample.txt"
    file_list.write_text("\n".join(sample))
    flake8 = [str(run.BIN / "flake8"), "--isolated", "-j1", "--ssot-registry", realworld.REGISTRY]
    rows[f"flake8 -j1, {len(sample)} files"] = run.median([*flake8, *sample], tree, args.flake8_repeat)
    costs = subprocess.run(
        [sys.executable, __file__, "--plugin-costs", str(file_list), "--banned", banned_modules(tree),
         "--repeat", str(repeat)],
        cwd=tree, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {"rows": rows, "plugins": json.loads(costs.stdout), "staged": staged, "sample": len(sample)}


def ratios(result: dict[str, object]) -> dict[str, tuple[float, float]]:
    """(wall ratio, CPU ratio) per figure; the plugin figures are CPU only (wall = CPU)."""
    rows: dict[str, Measurement] = result["rows"]  # type: ignore[assignment]
    plugins: dict[str, dict[str, float]] = result["plugins"]  # type: ignore[assignment]
    flake8 = next(m for name, m in rows.items() if name.startswith("flake8"))

    def pair(a: str, b: str) -> tuple[float, float]:
        return rows[a].wall / rows[b].wall, rows[a].cpu / rows[b].cpu

    sws, tidy = plugins["costs"]["sws"], plugins["costs"]["tidy"]
    return {
        "cold": pair("check --no-cache", "ruff --no-cache"),
        "warm": pair("check warm", "ruff warm"),
        "staged": pair("check 5 files", "ruff 5 files"),
        "plugin/tidy": (sws / tidy, sws / tidy),
        "plugin/flake8": (sws / flake8.cpu, sws / flake8.cpu),
        "fix/check": pair("fix --no-cache", "check --no-cache"),
    }


LABELS = {
    "cold": "cold `check --no-cache` / ruff `--no-cache`",
    "warm": "warm `check` / ruff cached",
    "staged": "5 largest files with findings: `check FILES` / `ruff check FILES`",
    "plugin/tidy": "plugin's own CPU / flake8-tidy-imports' I251, same trees",
    "plugin/flake8": "plugin's own CPU / the whole `flake8 -j1` run, same files",
    "fix/check": "`fix --no-cache` / `check --no-cache`",
}


def report(results: dict[str, dict[str, object]]) -> None:
    names = list(results)
    table = {name: ratios(result) for name, result in results.items()}
    print(f"\n| figure (wall ratio; CPU ratio) | {' | '.join(names)} | target |")
    print(f"|---|{'---:|' * len(names)}---:|")
    for key, label in LABELS.items():
        cells = []
        for name in names:
            wall, cpu = table[name][key]
            cells.append(f"{cpu:.3f}" if key.startswith("plugin") else f"{wall:.2f}; {cpu:.2f}")
        print(f"| {label} | {' | '.join(cells)} | <= {TARGETS[key]:g} |")
    peaks = []
    for result in results.values():
        rows: dict[str, Measurement] = result["rows"]  # type: ignore[assignment]
        peaks.append(max(m.rss_mib for name, m in rows.items() if not name.startswith(("ruff", "flake8"))))
    print(f"| peak RSS of one ssot-ws process, MiB | {' | '.join(f'{p:.0f}' for p in peaks)} | <= {RSS_TARGET:g} |")
    print("\n| project | command | wall s | CPU s | peak RSS MiB | output lines |")
    print("|---|---|---:|---:|---:|---:|")
    for name, result in results.items():
        rows = result["rows"]  # type: ignore[assignment]
        for command, m in rows.items():
            print(f"| {name} | {command} | {m.wall:.3f} | {m.cpu:.3f} | {m.rss_mib:.0f} | {m.output_lines} |")
        plugins: dict[str, dict[str, float]] = result["plugins"]  # type: ignore[assignment]
        for label in ("sws", "tidy"):
            print(f"| {name} | {label} plugin's own checks, {plugins['trees']} trees (in-process) | | "
                  f"{plugins['costs'][label]:.3f} | | {plugins['found'][label]} |")  # fmt: skip
    for name, result in results.items():
        print(f"{name}: staged files: {', '.join(result['staged'])}")  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", action="append", choices=[p.name for p in realworld.PROJECTS])
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; medians are shown (default: 3)")
    parser.add_argument("--flake8-repeat", type=int, default=1, help="runs of the whole flake8 (default: 1)")
    parser.add_argument("--sample", type=int, default=300, help="files for the plugin figures (default: 300)")
    parser.add_argument("--work", type=Path, default=HERE / ".headline", help="where the copies go")
    parser.add_argument("--editable", action="store_true", help="run this interpreter's ssot-ws")
    parser.add_argument("--plugin-costs", metavar="FILE_LIST", help=argparse.SUPPRESS)
    parser.add_argument("--banned", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plugin_costs:
        plugin_costs(Path(args.plugin_costs), args.banned, args.repeat)
        return 0
    projects = [p for p in realworld.PROJECTS if args.project is None or p.name in args.project]
    missing = [p.name for p in projects if not (realworld.ROOT / p.name / ".git").is_dir()]
    if missing:
        raise SystemExit(f"not fetched: {', '.join(missing)}; run 'python benchmarks/realworld.py fetch' first")
    ssot_bin = str(run.BIN / "ssot-ws") if args.editable else run.installed_ssot_ws()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {run.machine()}; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    results = {}
    for project in projects:
        print(f"=== {project.name}", flush=True)
        results[project.name] = bench_project(project, prepare(project, args.work), ssot_bin, args)
        report({project.name: results[project.name]})  # a partial run still says something
    if len(results) > 1:
        report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
