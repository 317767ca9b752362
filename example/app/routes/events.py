"""Imports that need a person: module imports, star imports, unknown managers."""
import importlib

import app.websocket_core as wsc
import app.websocket_core.websocket_manager as m
from app.websocket_core.unified_manager import *  # noqa: F401,F403
from app.legacy.old import ThreadWebSocketManager

manager_module = importlib.import_module("app.websocket_core.websocket_manager")
DOC = "from app.websocket_core.websocket_manager import WebSocketManager is never flagged in a string"


def handler() -> None:
    wsc.WebSocketManager()
    m.WebSocketManager()
    ThreadWebSocketManager()
