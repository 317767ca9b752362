"""Legacy shim, kept until every caller imports the unified manager."""
from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager

__all__ = ["WebSocketManager"]
