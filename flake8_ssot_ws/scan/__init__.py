"""Many files -> findings: discovery (git-aware), the on-disk cache, the per-file checker and
the runner that spreads files over worker processes."""
