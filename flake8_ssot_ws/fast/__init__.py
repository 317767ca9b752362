"""Exact shortcuts past a full ``ast.parse`` for ``ssot-ws check``: a lexer for ASCII sources,
the analysis of just their import statements and relevant expressions, and ``# noqa`` on the
lines of the findings only. tests/test_differential.py proves they equal the full parse."""
