"""The registry: TOML in (``load``), one frozen ``Registry`` with its lookup tables out
(``model``). Everything else imports the registry's API from this package."""
from __future__ import annotations

from flake8_ssot_ws.registry.load import PYPROJECT
from flake8_ssot_ws.registry.load import REGISTRY_FILE
from flake8_ssot_ws.registry.load import TOOL_TABLE
from flake8_ssot_ws.registry.load import Discovery
from flake8_ssot_ws.registry.load import RegistryError
from flake8_ssot_ws.registry.load import default_src
from flake8_ssot_ws.registry.load import discover_registry
from flake8_ssot_ws.registry.load import discovery_start
from flake8_ssot_ws.registry.load import find_registry
from flake8_ssot_ws.registry.load import load_registry
from flake8_ssot_ws.registry.load import loads_registry
from flake8_ssot_ws.registry.load import no_registry_message
from flake8_ssot_ws.registry.load import split_registries
from flake8_ssot_ws.registry.load import parse_import
from flake8_ssot_ws.registry.load import registries_below
from flake8_ssot_ws.registry.load import registry_from_bytes
from flake8_ssot_ws.registry.load import UnreadableRegistry
from flake8_ssot_ws.registry.schema import Group
from flake8_ssot_ws.registry.schema import ImportSpec
from flake8_ssot_ws.registry.schema import LegacyEntry
from flake8_ssot_ws.registry.model import Registry

__all__ = [
    "PYPROJECT",
    "REGISTRY_FILE",
    "TOOL_TABLE",
    "Discovery",
    "Group",
    "ImportSpec",
    "LegacyEntry",
    "Registry",
    "RegistryError",
    "UnreadableRegistry",
    "default_src",
    "discover_registry",
    "discovery_start",
    "find_registry",
    "load_registry",
    "loads_registry",
    "no_registry_message",
    "parse_import",
    "registries_below",
    "registry_from_bytes",
    "split_registries",
]
