"""``ssot-ws report --history``: the compliance trend over git history (git.py reads it,
sampling.py picks the commits, measure.py and parallel.py measure them exactly as ``report``
would in a checkout, trend.py, render.py and chart.py say what changed)."""
