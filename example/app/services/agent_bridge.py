"""Legacy imports that `ssot-ws fix` can migrate."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.websocket_core.websocket_manager import WebSocketManager
from app.websocket_core import WebSocketManager as ConnectionManager

from ..websocket_core.manager import WebSocketManager as LegacyManager  # relative import

if TYPE_CHECKING:
    from app.websocket_core.unified_manager import UnifiedWebSocketManager


def notify(event: str) -> None:
    from app.websocket_core.unified_manager import get_websocket_manager

    get_websocket_manager().send(event)
    WebSocketManager().send(event)
    ConnectionManager().send(event)
    LegacyManager().send(event)
