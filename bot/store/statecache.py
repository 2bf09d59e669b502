"""A bounded per-process cache of decoded conversation states, keyed by (id, version).

Only an optimisation: the database stays the single source of truth. The version is the
conversation's `message_count`, read under the conversation lock; every committed turn
raises it, so an entry can only match the state that is committed for that version.
Entries are added only after a successful commit. Another worker's turn simply makes this
worker miss and read the state from the database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class StateCache:
    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, conversation_id: str, version: int) -> dict[str, Any] | None:
        with self._lock:
            item = self._items.get(conversation_id)
            if item is None or item[0] != version:
                self.misses += 1
                return None
            self._items.move_to_end(conversation_id)
            self.hits += 1
            return item[1]

    def put(self, conversation_id: str, version: int, state: dict[str, Any]) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[conversation_id] = (version, state)
            self._items.move_to_end(conversation_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def discard(self, conversation_id: str) -> None:
        with self._lock:
            self._items.pop(conversation_id, None)
