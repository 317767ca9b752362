"""The ``ssot-ws`` command line: ``cli`` parses and dispatches; one module per subcommand,
each a thin layer over the core, the scan and the fix, report and baseline packages."""
