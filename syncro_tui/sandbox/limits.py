"""The rolling-window rate limit Syncro applies per client address (180 per minute)."""

from __future__ import annotations

import math
from collections import deque


class RollingWindow:
    """At most ``limit`` admitted requests per address in any ``window`` seconds.

    Refused requests are not counted, so a client that backs off recovers as soon as its
    oldest admitted request leaves the window. Not locked: the sandbox core calls it under
    its own lock.
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._sent: dict[str, deque[float]] = {}

    def admit(self, client: str, now: float) -> int | None:
        """None when admitted (and counted); otherwise whole seconds until a slot frees."""
        sent = self._sent.setdefault(client, deque())
        while sent and sent[0] <= now - self.window:
            sent.popleft()
        if len(sent) < self.limit:
            sent.append(now)
            return None
        return max(1, math.ceil(sent[0] + self.window - now))
