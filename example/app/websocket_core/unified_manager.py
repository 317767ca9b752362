"""The single source of truth for the WebSocket manager."""


class UnifiedWebSocketManager:
    def send(self, event: str) -> None:
        print(event)


def get_websocket_manager() -> UnifiedWebSocketManager:
    return UnifiedWebSocketManager()
