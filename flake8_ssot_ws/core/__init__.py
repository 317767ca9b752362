"""The pure checking core: a source text or AST, a frozen Registry and a file's context in,
findings out. Every adapter (the flake8 plugin, check, fix, report) calls ``core.rules``."""
