"""`report --history --chart FILE.svg`: valid SVG whose points, ticks and goal line say what
the data says (parsed with xml.etree), and what a real browser draws (headless Chromium, when
installed)."""

from __future__ import annotations

import datetime
import json
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.history.chart import date_ticks
from flake8_ssot_ws.history.chart import value_axis
from tests.git_history import CANONICAL
from tests.git_history import LEGACY
from tests.git_history import build_history
from tests.git_history import commit
from tests.git_history import git

SVG = "{http://www.w3.org/2000/svg}"
TODAY = ["--today", "2026-06-01"]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("chart") / "repo"
    return root, build_history(root)


@pytest.fixture
def repo(history: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(history[0])
    return history[0]


def chart(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> tuple[ET.Element, list[dict[str, object]]]:
    """The chart (parsed) and the JSON samples of the same run."""
    assert main(["report", "--history", *TODAY, "--format", "json", "--chart", str(path), *argv]) == 0
    samples = json.loads(capsys.readouterr().out)["samples"]
    return ET.parse(path).getroot(), samples


def _axis(root: ET.Element, kind: str, key: str) -> dict[str, float]:
    return {t.get(key, ""): float(t.get("y" if kind == "y" else "x", "")) for t in root.iter(f"{SVG}text") if
            t.get("class") == f"{kind}-tick"}  # fmt: skip


def _value_to_y(root: ET.Element):
    """The value axis's mapping, read from its own first and last ticks."""
    ticks = sorted((float(value), y) for value, y in _axis(root, "y", "data-value").items())
    (low, y_low), (high, y_high) = ticks[0], ticks[-1]
    return lambda value: y_low + (value - low) * (y_high - y_low) / (high - low)


def test_points_ticks_goal_and_title(repo, tmp_path, capsys) -> None:
    root, samples = chart(capsys, tmp_path / "trend.svg", "--every", "1", "--fail-under", "80")
    assert (root.tag, root.get("width"), root.get("height")) == (f"{SVG}svg", "800", "400")
    title = "SSOT compliance of HEAD: every commit, 2025-12-31 to 2026-01-05"
    assert (root.findtext(f"{SVG}title"), root.get("aria-label")) == (title, title)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "title"] == [title]
    # Dated ticks: one per day, midnight of each, the range's days and the day after.
    x_ticks = _axis(root, "x", "data-date")
    assert list(x_ticks) == ["2025-12-31", *(f"2026-01-0{day}" for day in range(1, 7))]
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "x-tick"] == list(x_ticks)
    # A point per sample, where its compliance and its day put it.
    y_of = _value_to_y(root)
    circles = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "sample"]
    assert [c.get("data-commit") for c in circles] == [s["commit"] for s in samples]
    for circle, sample in zip(circles, samples):
        assert float(circle.get("cy", "")) == pytest.approx(y_of(sample["compliance"]), abs=0.01)
        day = datetime.date.fromisoformat(str(sample["date"]))
        next_day = (day + datetime.timedelta(days=1)).isoformat()
        assert x_ticks[day.isoformat()] <= float(circle.get("cx", "")) < x_ticks[next_day]
        assert circle.get("data-compliance") == f"{sample['compliance']:.1f}"
    # One line through them, in order.
    (line,) = root.iter(f"{SVG}polyline")
    assert line.get("points") == " ".join(f"{c.get('cx')},{c.get('cy')}" for c in circles)
    # The goal.
    (goal,) = [g for g in root.iter(f"{SVG}line") if g.get("class") == "goal"]
    assert (goal.get("data-value"), float(goal.get("y1", ""))) == ("80", pytest.approx(y_of(80), abs=0.01))
    assert "goal 80%" in [t.text for t in root.iter(f"{SVG}text")]
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "newest"] == ["85.7%"]


def test_unmeasured_samples_break_the_line(repo, tmp_path, capsys) -> None:
    root, samples = chart(capsys, tmp_path / "trend.svg", "--every", "1", "--registry-at-commit")
    marks = [r.get("data-commit") for r in root.iter(f"{SVG}rect") if r.get("class") == "unmeasured"]
    circles = [c.get("data-commit") for c in root.iter(f"{SVG}circle") if c.get("class") == "sample"]
    assert (marks, circles) == ([samples[0]["commit"]], [s["commit"] for s in samples[1:]])
    (mark,) = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "unmeasured"]
    short = str(samples[0]["commit"])[:8]
    assert mark.findtext(f"{SVG}title") == f"2025-12-31 {short}: no registry (ssot-registry.toml)"
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    assert "goal" not in ET.tostring(root, encoding="unicode")


@pytest.mark.parametrize(
    ("arguments", "points", "marks", "lines"),
    [
        pytest.param(("--since", "2026-01-05"), 1, 0, 1, id="one sample: one point"),
        pytest.param(("--until", "2025-12-31", "--registry-at-commit"), 0, 1, 0, id="nothing measured: no line"),
        pytest.param(("--every", "1", "--until", "2026-01-01", "--registry-at-commit"), 1, 1, 1,
                     id="an unmeasured sample first"),
    ],
)  # fmt: skip
def test_degenerate_charts_are_valid(repo, tmp_path, capsys, arguments, points, marks, lines) -> None:
    root, _ = chart(capsys, tmp_path / "trend.svg", *arguments)
    counted = (
        sum(c.get("class") == "sample" for c in root.iter(f"{SVG}circle")),
        sum(r.get("class") == "unmeasured" for r in root.iter(f"{SVG}rect")),
        len(list(root.iter(f"{SVG}polyline"))),
    )
    assert counted == (points, marks, lines)


def test_text_is_escaped(tmp_path, capsys, monkeypatch) -> None:
    """A subject and a revision with XML's special characters and a control character."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    registry = '[[group]]\nname = "ws"\ncanonical = ["' + CANONICAL.strip() + '"]\n'
    commit(root, 'fix <b> & "c" \x01', "2026-02-01T10:00:00+00:00", {"ssot-registry.toml": registry, "a.py": LEGACY})
    git(root, "tag", "v<1>&")
    monkeypatch.chdir(root)
    svg, _ = chart(capsys, tmp_path / "trend.svg", "--rev", "v<1>&")
    (circle,) = [c for c in svg.iter(f"{SVG}circle") if c.get("class") == "sample"]
    assert circle.findtext(f"{SVG}title", "").endswith(': 0.0% - fix <b> & "c" \ufffd')
    title = "SSOT compliance of v<1>&: the last commit of each day, 2026-02-01 to 2026-02-01"
    assert svg.findtext(f"{SVG}title") == title


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([], (950, 1000, 10), id="nothing measured: the top 5 points"),
        pytest.param([1000], (950, 1000, 10), id="100%: 95 to 100"),
        pytest.param([0], (0, 50, 10), id="0%: 0 to 5"),
        pytest.param([872, 900], (860, 920, 10), id="87.2 to 90: 5 points at least, whole-percent ticks"),
        pytest.param([333, 1000], (200, 1000, 200), id="33.3 to 100: 20-point steps"),
        pytest.param([0, 1000], (0, 1000, 200), id="the whole range"),
        pytest.param([500, 520], (480, 540, 10), id="a narrow range, centred"),
    ],
)
def test_value_axis(values, expected) -> None:
    assert value_axis(values) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param("2026-01-05", "2026-01-06", ["2026-01-05", "2026-01-06"], id="one day"),
        pytest.param("2026-01-01", "2026-01-08", [f"2026-01-0{d}" for d in range(1, 9)], id="eight days: daily"),
        pytest.param("2026-01-01", "2026-01-10", ["2026-01-01", "2026-01-03", "2026-01-05", "2026-01-07",
                                                  "2026-01-09"], id="nine days: every other day"),
        pytest.param("2026-01-01", "2026-02-15", ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26",
                                                  "2026-02-02", "2026-02-09"], id="six weeks: Mondays"),
        pytest.param("2026-01-01", "2026-06-30", ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01",
                                                  "2026-05-01", "2026-06-01"], id="half a year: months"),
        pytest.param("2020-03-01", "2026-06-30", ["2021-01-01", "2022-01-01", "2023-01-01", "2024-01-01",
                                                  "2025-01-01", "2026-01-01"], id="years"),
    ],
)  # fmt: skip
def test_date_ticks(start, end, expected) -> None:
    day = datetime.date.fromisoformat
    assert [tick.isoformat() for tick in date_ticks(day(start), day(end))] == expected


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
_PROBE = """<!doctype html><html><body style="margin:0">{svg}<pre id="out"></pre><script>
document.getElementById("out").textContent = JSON.stringify([...document.querySelectorAll("circle.sample")].map(c => {{
  const box = c.getBoundingClientRect(); return [c.dataset.commit, box.x + box.width / 2, box.y + box.height / 2];
}}));
</script></body></html>"""


def _chromium(*arguments: str) -> str:
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: the chart is checked as XML only")
def test_a_real_browser_draws_the_points_where_the_data_puts_them(repo, tmp_path, capsys) -> None:
    svg_path = tmp_path / "trend.svg"
    root, samples = chart(capsys, svg_path, "--every", "1", "--fail-under", "80")
    page = tmp_path / "probe.html"
    page.write_text(_PROBE.format(svg=svg_path.read_text(encoding="utf-8")), encoding="utf-8")
    dom = _chromium("--window-size=800,400", "--dump-dom", page.as_uri())
    drawn = json.loads(dom.split('<pre id="out">', 1)[1].split("</pre>", 1)[0])
    circles = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "sample"]
    assert [commit for commit, _, _ in drawn] == [s["commit"] for s in samples]
    for (_, x, y), circle in zip(drawn, circles):
        cx, cy = float(circle.get("cx", "")), float(circle.get("cy", ""))
        assert (x, y) == (pytest.approx(cx, abs=0.5), pytest.approx(cy, abs=0.5))
    png = tmp_path / "trend.png"
    _chromium("--window-size=800,400", f"--screenshot={png}", svg_path.as_uri())
    header = png.read_bytes()[:24]
    assert (header[:8], struct.unpack(">II", header[16:24])) == (b"\x89PNG\r\n\x1a\n", (800, 400))
