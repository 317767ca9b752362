"""Static resolution of ``module.name`` to its definition, never importing or executing code:
a module index built from the files under the paths (``index``), each module's module-level
bindings read from its AST (``bindings``), and the resolution across modules (``resolver``).
``ssot-ws init`` proposes a registry from it (``propose``), ``ssot-ws registry --verify``
holds an existing registry against it (``verify``)."""
