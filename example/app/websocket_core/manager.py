"""Older legacy shim."""
from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager

__all__ = ["WebSocketManager"]
