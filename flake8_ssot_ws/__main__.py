from __future__ import annotations

from flake8_ssot_ws.commands.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
