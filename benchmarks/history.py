"""Benchmark ``ssot-ws report --history`` against one cold ``ssot-ws check``.

    python benchmarks/history.py [--files 10000] [--days 14] [--per-day 250] [--repeat 3] [--jobs N]

Builds (once; again when this script or corpus.py changes) benchmarks/history-corpus/: the
corpus of corpus.py as its first commit, then ``--days`` days of ``--per-day`` commits each
(through ``git fast-import``, then repacked as a clone would be), every commit touching one to
four files the way a migration does: edits to untracked-name files (most), a legacy import
replaced by the canonical one, a new legacy import, a new file, a rename. Then it times, each in
its own process, a cold ``ssot-ws check --no-cache`` of the last commit's work tree and
``ssot-ws report --history --since <first day>`` (one sample per day), and prints the ratio
against the issue's target (at most 4).
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402 (a sibling script, not a package)

BIN = Path(sys.executable).parent
SEED = 20260331
START = 1767225600  # 2026-01-01 00:00 UTC: the corpus commit; the scripted days follow
DAY = 86_400
LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager\n"
CANONICAL = "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"


def build(root: Path, files: int, days: int, per_day: int) -> None:
    corpus.generate(root, files, SEED)
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run([*git, "commit", "-q", "--amend", "--no-edit", "--date", f"@{START}"], check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": f"@{START}"})  # fmt: skip
    branch = subprocess.run([*git, "symbolic-ref", "--short", "HEAD"], capture_output=True, text=True, check=True)
    branch_ref = f"refs/heads/{branch.stdout.strip()}"
    paths = sorted(str(p.relative_to(root)) for p in root.glob("app/services/**/*.py"))
    texts = {path: (root / path).read_text() for path in paths}
    legacy = [path for path in paths if LEGACY in texts[path]]  # what the migration works through
    rng = random.Random(SEED)
    stream = []
    mark = 0
    for day in range(1, days + 1):
        for number in range(per_day):
            when = START + day * DAY + 8 * 3600 + number * (10 * 3600 // per_day)
            changes: list[str] = []
            for _ in range(rng.randint(1, 4)):
                kind = rng.random()
                if kind < 0.10 and legacy:  # a migration step
                    path = legacy.pop(rng.randrange(len(legacy)))
                    texts[path] = texts[path].replace(LEGACY, CANONICAL)
                elif kind < 0.13:  # a regression
                    path = rng.choice(paths)
                    texts[path] = texts[path].replace("\nlogger = ", f"\n{LEGACY}logger = ", 1)
                    legacy.append(path)
                elif kind < 0.15:  # a rename
                    path = rng.choice(paths)
                    new = path.replace(".py", f"_r{day}_{number}.py")
                    changes.append(f"R {path} {new}")
                    paths[paths.index(path)] = new
                    texts[new] = texts.pop(path)
                    legacy = [new if item == path else item for item in legacy]
                    continue
                else:  # everyday work
                    path = rng.choice(paths)
                    texts[path] += f"\n\ndef change_{day}_{number}() -> int:\n    return {rng.randint(0, 999)}\n"
                data = texts[path].encode()
                changes.append(f"M 100644 inline {path}\ndata {len(data)}\n{texts[path]}")
            mark += 1
            message = f"day {day} change {number}".encode()
            parent = f"{branch_ref}^0" if mark == 1 else f":{mark - 1}"
            stream.append(
                f"commit {branch_ref}\nmark :{mark}\ncommitter bench <bench@example.invalid> {when} +0000\n"
                f"data {len(message)}\n{message.decode()}\nfrom {parent}\n" + "\n".join(changes) + "\n"
            )
    subprocess.run([*git, "fast-import", "--quiet"], input="".join(stream).encode(), check=True)
    subprocess.run([*git, "reset", "-q", "--hard", branch_ref], check=True)
    subprocess.run([*git, "repack", "-adq"], check=True)  # as a clone has it
    subprocess.run([*git, "prune"], check=True)


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the process and the children it waited for, from ``os.wait4``)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped above
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--per-day", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    root = HERE / "history-corpus"
    stamp = root / ".git" / "bench-stamp.json"
    generator = hashlib.sha1((HERE / "corpus.py").read_bytes() + inspect.getsource(build).encode()).hexdigest()
    wanted = {"files": args.files, "days": args.days, "per_day": args.per_day, "generator": generator}
    if args.regenerate or not stamp.is_file() or json.loads(stamp.read_text()) != wanted:
        shutil.rmtree(root, ignore_errors=True)
        print(f"building {root} ...", flush=True)
        build(root, args.files, args.days, args.per_day)
        stamp.write_text(json.dumps(wanted))
    ssot_ws = str(BIN / "ssot-ws")
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    since = time.strftime("%Y-%m-%d", time.gmtime(START + DAY))
    check = [ssot_ws, "check", "--no-cache", "--exit-zero", *jobs]
    history = [ssot_ws, "report", "--history", "--since", since, "--today", "2026-06-01", *jobs]
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True)
    print(f"{commits.stdout.strip()} commits, {args.days} daily samples, {os.cpu_count()} CPUs")
    # Alternated, so that a machine that gets busier slows both alike.
    runs: dict[str, list[tuple[float, float]]] = {"check": [], "history": []}
    for _ in range(args.repeat):
        runs["check"].append(timed(check, root))
        runs["history"].append(timed(history, root))
    medians = {}
    for name, label in (("check", "check --no-cache (cold)"), ("history", "report --history")):
        wall = statistics.median(w for w, _ in runs[name])
        cpu = statistics.median(c for _, c in runs[name])
        medians[name] = (wall, cpu)
        shown = ", ".join(f"{w:.2f}" for w, _ in runs[name])
        print(f"{label:<24} wall {wall:6.2f} s  CPU {cpu:6.2f} s  (wall of each run: {shown})")
    ratio_wall = medians["history"][0] / medians["check"][0]
    ratio_cpu = medians["history"][1] / medians["check"][1]
    print(f"report --history / check: wall {ratio_wall:.2f}, CPU {ratio_cpu:.2f} (target: at most 4)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
