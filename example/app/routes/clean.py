from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager
from app.websocket_core.unified_manager import get_websocket_manager

__all__ = ["WebSocketManager", "get_websocket_manager"]
