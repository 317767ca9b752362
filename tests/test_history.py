"""`ssot-ws report --history` end to end, on a real git repository with a dated history
(tests/git_history.py): every sample equals `ssot-ws report` on a checkout of that commit,
the four formats, damaged and shallow clones, and the usage errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.registry import discover_registry
from flake8_ssot_ws.registry import discovery_start
from flake8_ssot_ws.registry import no_registry_message
from tests.git_history import CANONICAL
from tests.git_history import CHART_ARGUMENTS
from tests.git_history import LEGACY
from tests.git_history import build_history
from tests.git_history import commit
from tests.git_history import git

TODAY = ["--today", "2026-06-01"]
NO_REGISTRY = "no registry (ssot-registry.toml)"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("history") / "repo"
    return root, build_history(root)


@pytest.fixture
def repo(history: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The history's work tree as the current directory."""
    monkeypatch.chdir(history[0])
    return history[0]


@pytest.fixture(scope="module")
def checkouts(history: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A `git worktree` of each commit, outside the repository (no registry above them)."""
    root, shas = history
    place = tmp_path_factory.mktemp("checkouts")
    trees = {}
    for name, sha in shas.items():
        trees[sha] = place / name
        git(root, "worktree", "add", "-q", "--detach", str(trees[sha]), sha)
    return trees


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["report", *TODAY, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def history_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    code, out, _ = run(capsys, "--history", "--format", "json", *argv)
    assert code == 0
    document: dict[str, object] = json.loads(out)
    return document


EXACT = [
    pytest.param(".", (), False, id="the working tree's registry, from the top"),
    pytest.param(".", (), True, id="each commit's own registry"),
    pytest.param(".", ("app/services/a.py", "app/services"), False, id="a file and its directory named: once"),
    pytest.param(".", ("app/services/a.py", "app/services/a.py"), False, id="a file named twice: once"),
    pytest.param(".", ("--extend-exclude", "c.py,routes"), False, id="exclusions"),
    pytest.param(".", ("--ignore", "SWS003"), False, id="--ignore: a code not shown is not counted"),
    pytest.param(".", ("--select", "SWS003"), True, id="--select"),
    pytest.param("app", ("services",), True, id="from a subdirectory"),
]


@pytest.mark.parametrize(("cwd", "arguments", "at_commit"), EXACT)
def test_every_sample_equals_report_on_a_checkout(
    history, checkouts, capsys, monkeypatch, cwd, arguments, at_commit
) -> None:
    """The issue's exactness: for each first-parent commit (merge, rename, a file that does
    not parse, symbolic links, a registry that changes), the numbers of that sample are the
    numbers `ssot-ws report --format json` gives in a checkout of the commit."""
    root, shas = history
    mode = ["--registry-at-commit"] if at_commit else []
    monkeypatch.chdir(root / cwd)
    no_registry = f"no registry ({Path(os.path.relpath(root / 'ssot-registry.toml')).as_posix()})"
    samples = history_json(capsys, "--every", "1", *mode, *arguments)["samples"]
    assert isinstance(samples, list)
    first_parent = [shas[name] for name in ("C0", "C1", "C2", "C3", "C4", "M", "C5", "C6")]
    assert [sample["commit"] for sample in samples] == first_parent
    registry = (root / "ssot-registry.toml").read_text(encoding="utf-8")
    compared = 0
    for sample in samples:
        checkout = checkouts[sample["commit"]]
        (checkout / "ssot-registry.toml").unlink(missing_ok=True)  # as another case may have left it
        git(checkout, "checkout", "-q", "--", ".")
        if not at_commit:  # the history measured every commit against the working tree's registry
            (checkout / "ssot-registry.toml").write_text(registry, encoding="utf-8")
        monkeypatch.chdir(checkout / cwd)
        code, out, err = run(capsys, "--format", "json", "--no-cache", *arguments)
        if code == 2:  # C0 has no registry: report cannot run there, and the history says so
            discovery = discover_registry(discovery_start(arguments), then=Path.cwd())
            assert err == f"ssot-ws: error: {no_registry_message(discovery, '--registry')}\n"
            assert (sample["status"], sample["compliance"], sample["overall"]) == (no_registry, None, None)
            continue
        report = json.loads(out)
        expected = {key: report[key] for key in ("overall", "groups")}
        expected["files"] = {**report["files"], "missing": 0}
        assert {key: sample[key] for key in ("overall", "groups", "files")} == expected, sample["commit"]
        compared += 1
    assert compared == (7 if at_commit else 8)


def test_samples_follow_the_first_parent_only(repo, history, capsys) -> None:
    shas = history[1]
    document = history_json(capsys, "--every", "1")
    assert shas["S1"] not in [sample["commit"] for sample in document["samples"]]  # type: ignore[union-attr]


SAMPLING = [
    pytest.param((), ["C0", "C1", "C3", "M", "C6"], id="the last commit of each day (the default)"),
    pytest.param(("--every", "day"), ["C0", "C1", "C3", "M", "C6"], id="--every day"),
    pytest.param(("--every", "week"), ["M", "C6"], id="--every week: ISO weeks, 2025-12-31 is in 2026-W01"),
    pytest.param(("--every", "3"), ["C1", "C4", "C6"], id="every third commit, counted back from the newest"),
    pytest.param(("--every", "100"), ["C6"], id="N larger than the history: the newest only"),
    pytest.param(("--since", "2026-01-02"), ["C3", "M", "C6"], id="--since is inclusive"),
    pytest.param(("--until", "2026-01-02"), ["C0", "C1", "C3"], id="--until is inclusive"),
    pytest.param(("--since", "2026-01-05", "--every", "1"), ["C5", "C6"], id="C5 counts on its committer's day"),
    pytest.param(("--rev", "C4"), ["C0", "C1", "C3", "C4"], id="--rev: the history of another commit"),
    pytest.param(("--rev", "side", "--every", "1"), ["C0", "C1", "C2", "C3", "S1"], id="--rev a branch"),
]


@pytest.mark.parametrize(("arguments", "expected"), SAMPLING)
def test_sampling(repo, history, capsys, arguments, expected) -> None:
    shas = history[1]
    arguments = tuple(shas.get(argument, argument) if argument == "C4" else argument for argument in arguments)
    samples = history_json(capsys, *arguments)["samples"]
    names = {sha: name for name, sha in shas.items()}
    assert [names[sample["commit"]] for sample in samples] == expected  # type: ignore[union-attr]


def _expected_text(short: dict[str, str]) -> str:
    return f"""\
SSOT compliance history of HEAD: 5 samples, the last commit of each day, 2025-12-31 to 2026-01-05
registry ssot-registry.toml (the working tree's), deadlines as of 2026-06-01

date        commit    compliance  change  tracked  SWS001  SWS003  with findings  unreadable  note
2025-12-31  {short['C0']}      100.0%       -        1       0       0              0           0
2026-01-01  {short['C1']}       33.3%   -66.7        3       2       0              2           0
2026-01-02  {short['C3']}       60.0%   +26.7        5       2       0              2           2
2026-01-03  {short['M']}       42.8%   -17.2        7       3       1              3           2
2026-01-05  {short['C6']}       85.7%   +42.9        7       1       0              1           1

largest drop: -66.7 points, from 2025-12-31 ({short['C0']}, 100.0%) to 2026-01-01 ({short['C1']}, 33.3%)
its 1 first-parent commit (git log --first-parent {short['C0']}..{short['C1']}):
  {short['C1']} 2026-01-01 registry, a legacy import in b
"""


def _expected_markdown(short: dict[str, str]) -> str:
    return f"""\
## SSOT compliance history of HEAD: 5 samples, the last commit of each day, 2025-12-31 to 2026-01-05

registry ssot-registry.toml (the working tree's), deadlines as of 2026-06-01.

| date | commit | compliance | change | tracked | SWS001 | SWS003 | with findings | unreadable | note |
| --- | --- | --: | --: | --: | --: | --: | --: | --: | --- |
| 2025-12-31 | {short['C0']} | 100.0% | - | 1 | 0 | 0 | 0 | 0 |  |
| 2026-01-01 | {short['C1']} | 33.3% | -66.7 | 3 | 2 | 0 | 2 | 0 |  |
| 2026-01-02 | {short['C3']} | 60.0% | +26.7 | 5 | 2 | 0 | 2 | 2 |  |
| 2026-01-03 | {short['M']} | 42.8% | -17.2 | 7 | 3 | 1 | 3 | 2 |  |
| 2026-01-05 | {short['C6']} | 85.7% | +42.9 | 7 | 1 | 0 | 1 | 1 |  |

largest drop: -66.7 points, from 2025-12-31 (`{short['C0']}`, 100.0%) to 2026-01-01 (`{short['C1']}`, 33.3%)

its 1 first-parent commit (`git log --first-parent {short['C0']}..{short['C1']}`):

- `{short['C1']}` 2026-01-01 registry, a legacy import in b
"""


def _expected_csv(sha: dict[str, str]) -> str:
    return f"""\
date,commit,status,compliance,change,tracked,canonical,non_canonical,SWS001,SWS002,SWS003,SWS004,SWS005,SWS006,SWS007,SWS008,SWS101,files_scanned,files_tracked,files_with_findings,unreadable,missing
2025-12-31,{sha['C0']},measured,100.0,,1,1,0,0,0,0,0,0,0,0,0,0,3,1,0,0,0
2026-01-01,{sha['C1']},measured,33.3,-66.7,3,1,2,2,0,0,0,0,0,0,0,0,8,3,2,0,0
2026-01-02,{sha['C3']},measured,60.0,26.7,5,3,2,2,0,0,0,0,0,0,0,0,12,5,2,2,0
2026-01-03,{sha['M']},measured,42.8,-17.2,7,3,4,3,0,1,0,0,0,0,0,0,14,6,3,2,0
2026-01-05,{sha['C6']},measured,85.7,42.9,7,6,1,1,0,0,0,0,0,0,0,0,14,7,1,1,0
"""


def _expected_at_commit(short: dict[str, str]) -> str:
    return f"""\
SSOT compliance history of HEAD: 3 samples, the last commit of each day, 2025-12-31 to 2026-01-02
registry ssot-registry.toml (each sample's own), deadlines as of 2026-06-01

date        commit    compliance  change  tracked  SWS001  with findings  unreadable  note
2025-12-31  {short['C0']}           -       -        -       -              -           -  {NO_REGISTRY}
2026-01-01  {short['C1']}       50.0%       -        2       1              1           0
2026-01-02  {short['C3']}       75.0%   +25.0        4       1              1           2

no drop: the compliance never fell from one sample to the next
"""


FORMATS = [
    pytest.param(("--format", "text"), _expected_text, id="text"),
    pytest.param((), _expected_text, id="text is the default"),
    pytest.param(("--format", "markdown"), _expected_markdown, id="markdown"),
    pytest.param(("--format", "csv"), _expected_csv, id="csv: every code, full shas"),
    pytest.param(
        ("--registry-at-commit", "--until", "2026-01-02"), _expected_at_commit, id="a sample with no registry"
    ),
]


@pytest.mark.parametrize(("arguments", "expected"), FORMATS)
def test_formats(repo, history, capsys, arguments, expected) -> None:
    shas = history[1]
    names = shas if expected is _expected_csv else {name: sha[:8] for name, sha in shas.items()}
    dangling = f"app/services/dangling.py at {shas['C3'][:8]} (2026-01-02): cannot read: a broken symlink to gone.py\n"
    problem = f"app/services/d.py at {shas['C3'][:8]} (2026-01-02): SyntaxError: invalid syntax (line 2)\n"
    assert run(capsys, "--history", *arguments) == (
        0, expected(names), dangling + problem + "ssot-ws: 2 file versions could not be read or parsed\n"
    )


def test_json_document(repo, history, capsys) -> None:
    """The keys around the samples (each sample's numbers: test_every_sample_equals_report_on_a_checkout)."""
    shas = history[1]
    document = history_json(capsys, "--every", "week", "--since", "2026-01-01")
    samples = document.pop("samples")
    assert document == {
        "schema": 1,
        "rev": "HEAD",
        "every": "week",
        "since": "2026-01-01",
        "until": None,
        "today": "2026-06-01",
        "registry": "ssot-registry.toml",
        "registry_at_commit": False,
        "largest_drop": None,
        "history_ends": None,
    }
    keys = ("date", "commit", "subject", "commits", "status", "compliance", "change")
    assert [{key: sample[key] for key in keys} for sample in samples] == [  # type: ignore[union-attr]
        {"date": "2026-01-03", "commit": shas["M"], "subject": "merge side", "commits": 5, "status": "measured",
         "compliance": 42.8, "change": None},
        {"date": "2026-01-05", "commit": shas["C6"], "subject": "migrate e and f", "commits": 2, "status": "measured",
         "compliance": 85.7, "change": 42.9},
    ]  # fmt: skip


def test_json_largest_drop(repo, history, capsys) -> None:
    shas = history[1]
    drop = history_json(capsys, "--since", "2026-01-02")["largest_drop"]
    assert drop == {
        "from": shas["C3"],
        "to": shas["M"],
        "change": -17.2,
        "commits": [  # newest first, as git log lists them; the side branch's commit is not one of them
            {"commit": shas["M"], "date": "2026-01-03", "subject": "merge side"},
            {"commit": shas["C4"], "date": "2026-01-03", "subject": "rename b, registry: events group"},
        ],
    }


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """Three commits on three days; b.py's first version is in the first commit only."""
    root = tmp_path / "small"
    root.mkdir()
    git(root, "init", "-q")
    shas = [
        commit(root, "one", "2026-02-01T10:00:00+00:00", {
            "ssot-registry.toml": '[[group]]\nname = "ws"\ncanonical = ["' + CANONICAL.strip() + '"]\n',
            "app/a.py": CANONICAL,
            "app/b.py": LEGACY + "".join(f"x{i} = {i}\n" for i in range(3000)),  # large enough to stream
        }),
        commit(root, "two", "2026-02-02T10:00:00+00:00", {"app/b.py": CANONICAL}),
        commit(root, "three", "2026-02-03T10:00:00+00:00", {"app/c.py": LEGACY}),
    ]  # fmt: skip
    monkeypatch.chdir(root)
    return root, shas


def _loose_object(root: Path, sha: str) -> Path:
    path = root / ".git" / "objects" / sha[:2] / sha[2:]
    path.chmod(0o644)
    return path


DAMAGE = [
    pytest.param("delete", "missing from the object store (a partial or damaged clone)", id="a blob deleted"),
    pytest.param(
        "truncate", "cannot read from the object store: fatal: unable to stream {blob} to stdout", id="a blob cut short"
    ),
]


@pytest.mark.parametrize(("damage", "reason"), DAMAGE)
def test_damaged_object_store(small, capsys, damage, reason) -> None:
    """A blob git cannot give is reported (once) and counted, in its sample only; the run goes
    on (a new git cat-file after one that died) and exits 0."""
    root, shas = small
    blob = git(root, "rev-parse", f"{shas[0]}:app/b.py")
    path = _loose_object(root, blob)
    if damage == "delete":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:200])
    code, out, err = run(capsys, "--history", "--format", "csv")
    problem = f"app/b.py at {shas[0][:8]} (2026-02-01): {reason.format(blob=blob)}\n"
    assert (code, err) == (0, problem + "ssot-ws: 1 file version could not be read or parsed\n")
    rows = [line.split(",") for line in out.splitlines()[1:]]
    assert [(row[0], row[3], row[-2], row[-1]) for row in rows] == [
        ("2026-02-01", "100.0", "1", "1"),  # compliance, unreadable, missing
        ("2026-02-02", "100.0", "0", "0"),
        ("2026-02-03", "66.6", "0", "0"),
    ]


def test_damaged_object_store_in_the_text_table(small, capsys) -> None:
    root, shas = small
    _loose_object(root, git(root, "rev-parse", f"{shas[0]}:app/b.py")).unlink()
    code, out, _ = run(capsys, "--history", "--until", "2026-02-01")
    row = f"2026-02-01  {shas[0][:8]}      100.0%       -        1              0           1  "
    assert (code, out.splitlines()[3:5]) == (0, [
        "date        commit    compliance  change  tracked  with findings  unreadable  note",
        row + "1 file missing from the object store",
    ])  # fmt: skip


def test_unreadable_tree(small, capsys) -> None:
    """A tree missing from the object store: that sample is shown as such, the others measured."""
    root, shas = small
    tree = git(root, "rev-parse", f"{shas[0]}^{{tree}}")
    _loose_object(root, tree).unlink()
    code, out, err = run(capsys, "--history", "--format", "csv")
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == f"2026-02-01,{shas[0]},tree unreadable: fatal: not a tree object,{',' * 18}"


@pytest.mark.parametrize(
    ("arguments", "stdout_end", "stderr"),
    [
        pytest.param((), "history ends at {short} (2026-02-02): the clone is shallow "
                     "(git fetch --unshallow fetches the rest)\n", "", id="text"),
        pytest.param(("--format", "markdown"), "history ends at `{short}` (2026-02-02): the clone is shallow "
                     "(`git fetch --unshallow` fetches the rest)\n", "", id="markdown"),
        pytest.param(("--format", "csv"), "", "ssot-ws: history ends at {short} (2026-02-02): the clone is shallow\n",
                     id="csv: on stderr"),
        pytest.param(("--since", "2026-02-03"), "no drop: the compliance never fell from one sample to the next\n",
                     "", id="a range that does not reach the end: nothing to say"),
    ],
)  # fmt: skip
def test_shallow_clone(small, tmp_path, capsys, monkeypatch, arguments, stdout_end, stderr) -> None:
    root, shas = small
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{root}", str(clone))
    monkeypatch.chdir(clone)
    code, out, err = run(capsys, "--history", *arguments)
    short = shas[1][:8]
    assert (code, out.endswith(stdout_end.format(short=short)), err) == (0, True, stderr.format(short=short))


def test_shallow_clone_json(small, tmp_path, capsys, monkeypatch) -> None:
    root, shas = small
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{root}", str(clone))
    monkeypatch.chdir(clone)
    document = history_json(capsys)
    assert (len(document["samples"]), document["history_ends"]) == (  # type: ignore[arg-type]
        2, {"commit": shas[1], "date": "2026-02-02", "subject": "two"}
    )


USAGE = [
    pytest.param(("--history", "--since", "2030-01-01"),
                 "no first-parent commit of HEAD since 2030-01-01 (its history runs from 2025-12-31 to 2026-01-05)",
                 id="an empty range"),
    pytest.param(("--history", "--until", "2020-01-01", "--rev", "side"),
                 "no first-parent commit of side until 2020-01-01 (its history runs from 2025-12-31 to 2026-01-03)",
                 id="an empty range before the history starts"),
    pytest.param(("--history", "--since", "2026-01-04", "--until", "2026-01-04"),
                 "no first-parent commit of HEAD from 2026-01-04 to 2026-01-04 "
                 "(its history runs from 2025-12-31 to 2026-01-05)", id="a day without commits"),
    pytest.param(("--history", "--since", "2026-01-03", "--until", "2026-01-02"),
                 "--since 2026-01-03 is after --until 2026-01-02", id="since after until"),
    pytest.param(("--history", "--since", "2026-1-3"),
                 "argument --since: expected a date like 2026-03-31, got '2026-1-3' (see 'ssot-ws report --help')",
                 id="a date that is not YYYY-MM-DD"),
    pytest.param(("--history", "--until", "2026-02-30"),
                 "argument --until: expected a date like 2026-03-31, got '2026-02-30' (see 'ssot-ws report --help')",
                 id="a day that does not exist"),
    pytest.param(("--history", "--every", "month"),
                 "argument --every: expected day, week or a number of commits, got 'month' "
                 "(see 'ssot-ws report --help')", id="--every month"),
    pytest.param(("--history", "--every", "0"),
                 "argument --every: expected day, week or a number of commits, got '0' (see 'ssot-ws report --help')",
                 id="--every 0"),
    pytest.param(("--history", "--rev", "no-such-branch"), "--rev no-such-branch: not a commit", id="--rev unknown"),
    pytest.param(("--history", "--rev=--all"), "--rev --all: not a commit", id="--rev an option to git"),
    pytest.param(("--history", "--rev", "HEAD:app"), "--rev HEAD:app: not a commit", id="--rev a tree"),
    pytest.param(("--since", "2026-01-01"), "--since needs --history", id="--since without --history"),
    pytest.param(("--registry-at-commit",), "--registry-at-commit needs --history", id="--registry-at-commit alone"),
    pytest.param(("--chart", "c.svg"), "--chart needs --history", id="--chart alone"),
    pytest.param(("--format", "csv"), "--format csv needs --history", id="csv without --history"),
    pytest.param(("--history", "--badge", "b.svg"), "--badge does not apply to --history", id="--badge"),
    pytest.param(("--history", "--baseline", "b.json"), "--baseline does not apply to --history", id="--baseline"),
    pytest.param(("--history", "--chart", "no/such/dir/c.svg"),
                 "--chart no/such/dir/c.svg: cannot write: No such file or directory", id="a chart it cannot write"),
    pytest.param(("--history", ".."), "..: not inside the git repository", id="a path outside the repository"),
]  # fmt: skip


@pytest.mark.parametrize(("arguments", "message"), USAGE)
def test_usage_errors(repo, capsys, arguments, message) -> None:
    """One line, exit 2, nothing on stdout (and no chart written)."""
    assert run(capsys, *arguments) == (2, "", f"ssot-ws: error: {message}\n")


def test_not_a_git_repository(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "ssot-registry.toml").write_text('[[group]]\nname = "ws"\ncanonical = ["from a import B"]\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    message = "--history needs a git repository: fatal: not a git repository (or any of the parent directories): .git"
    assert run(capsys, "--history") == (2, "", f"ssot-ws: error: {message}\n")


def test_repository_without_commits(tmp_path, capsys, monkeypatch) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "ssot-registry.toml").write_text('[[group]]\nname = "ws"\ncanonical = ["from a import B"]\n')
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "--history") == (2, "", "ssot-ws: error: --rev HEAD: not a commit\n")


def test_registry_outside_the_repository(repo, tmp_path, capsys) -> None:
    outside = tmp_path / "registry.toml"
    outside.write_text('[[group]]\nname = "ws"\ncanonical = ["from a import B"]\n')
    shown = Path(os.path.relpath(outside)).as_posix()
    message = f"--registry-at-commit: the registry {shown} is not inside the git repository"
    assert run(capsys, "--history", "--registry", str(outside), "--registry-at-commit") == (
        2, "", f"ssot-ws: error: {message}\n"
    )  # fmt: skip


def test_git_is_not_installed(repo, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "")
    message = "--history needs a git repository: cannot run git: No such file or directory"
    assert run(capsys, "--history") == (2, "", f"ssot-ws: error: {message}\n")


@pytest.mark.parametrize(
    ("goal", "code", "stderr"),
    [
        pytest.param("85", 0, "", id="newest sample at the goal or above: 0"),
        pytest.param("90", 1, "ssot-ws: compliance 85.7% at HEAD is below --fail-under 90%\n", id="below: 1"),
    ],
)
def test_fail_under_measures_the_newest_sample(repo, history, capsys, goal, code, stderr) -> None:
    dangling = (
        f"app/services/dangling.py at {history[1]['C6'][:8]} (2026-01-05): cannot read: a broken symlink to gone.py\n"
        "ssot-ws: 1 file version could not be read or parsed\n"
    )
    assert run(capsys, "--history", "--since", "2026-01-05", "--fail-under", goal)[0::2] == (code, dangling + stderr)


def test_fail_under_when_the_newest_sample_has_no_registry(repo, history, capsys) -> None:
    until_c0 = ("--until", "2025-12-31", "--registry-at-commit", "--fail-under", "100")
    assert run(capsys, "--history", *until_c0)[0::2] == (0, "")


def test_the_work_tree_and_index_are_untouched(repo, capsys) -> None:
    before = (git(repo, "status", "--porcelain", "--ignored"), (repo / ".git" / "index").read_bytes())
    run(capsys, "--history", "--every", "1")
    assert (git(repo, "status", "--porcelain", "--ignored"), (repo / ".git" / "index").read_bytes()) == before


def test_named_files_absent_from_a_commit_are_not_counted_there(repo, history, capsys) -> None:
    """A file named on the command line is looked at where the commit has it (and only once)."""
    samples = history_json(capsys, "--every", "1", "app/routes/e.py", "./app/routes/e.py")["samples"]
    assert [(s["date"], s["files"]["scanned"]) for s in samples] == [  # type: ignore[index, union-attr]
        ("2025-12-31", 0), ("2026-01-01", 0), ("2026-01-02", 0), ("2026-01-02", 0), ("2026-01-03", 0),
        ("2026-01-03", 1), ("2026-01-05", 1), ("2026-01-05", 1),
    ]  # fmt: skip


def test_every_nth_is_said_in_english(repo, capsys) -> None:
    titles = [run(capsys, "--history", "--every", every)[1].splitlines()[0].split(", ")[1] for every in ("2", "3", "4")]
    assert titles == ["every 2nd commit", "every 3rd commit", "every 4th commit"]


# --- the README's sample history and the committed chart are real ------------------------------

ROOT = Path(__file__).resolve().parent.parent


def test_readme_sample_history_is_real_output(repo, capsys) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("<!-- sample history:", 1)[1].split("```console\n", 1)[1].split("```\n", 1)[0]
    command, expected = sample.split("\n", 1)
    assert command == "$ ssot-ws report --history --since 2026-01-01 --today 2026-06-01"
    assert run(capsys, "--history", "--since", "2026-01-01")[:2] == (0, expected)


def test_committed_chart_is_the_tests_history(repo, tmp_path, capsys) -> None:
    """docs/ssot-history.svg, shown in the README, is this history's chart: regenerate it with
    `python -m tests.git_history docs/ssot-history.svg` when the chart changes."""
    code, _, _ = run(capsys, "--history", *CHART_ARGUMENTS[2:], "--chart", str(tmp_path / "c.svg"))
    assert code == 0
    assert (ROOT / "docs" / "ssot-history.svg").read_text(encoding="utf-8") == (tmp_path / "c.svg").read_text(
        encoding="utf-8"
    )
    assert "](docs/ssot-history.svg)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_markdown_without_a_drop(repo, capsys) -> None:
    code, out, _ = run(capsys, "--history", "--format", "markdown", "--every", "week")
    assert (code, out.splitlines()[-2:]) == (0, ["", "no drop: the compliance never fell from one sample to the next"])


def test_every_report_format_is_a_history_format() -> None:
    from flake8_ssot_ws.commands import report as report_command
    from flake8_ssot_ws.commands import report_history

    assert set(report_command.RENDERERS) <= set(report_history.FORMATS)



def test_a_blob_missing_from_two_samples_is_reported_once(small, capsys) -> None:
    """The same unreadable blob in two samples: one problem line, counted in each sample."""
    root, shas = small
    later = commit(root, "four", "2026-02-04T10:00:00+00:00", {"app/d.py": CANONICAL})
    blob = git(root, "rev-parse", f"{shas[2]}:app/c.py")
    _loose_object(root, blob).unlink()
    code, out, err = run(capsys, "--history", "--format", "csv", "--since", "2026-02-03")
    problem = f"app/c.py at {shas[2][:8]} (2026-02-03): missing from the object store (a partial or damaged clone)\n"
    rows = [(row[1], row[-2], row[-1]) for row in (line.split(",") for line in out.splitlines()[1:])]
    assert (code, err, rows) == (
        0,
        problem + "ssot-ws: 1 file version could not be read or parsed\n",
        [(shas[2], "1", "1"), (later, "1", "1")],
    )
