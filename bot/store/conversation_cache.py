"""The live conversations (bot.engine.session.Conversation) this process stepped last, by id.

Owned by the conversation use cases (bot.web.conversations): they `take` a conversation
out under the conversation lock and `keep` it again only after their transaction
committed, so a conversation is never shared and a failed turn (rolled back) leaves no
entry. An entry is tagged with the conversation's version, its `message_count`, which
every committed turn raises: a turn another worker committed since makes this one miss
and load the conversation from the database (its events replayed). Bounded: the least
recently kept entries go first. Only an optimisation: the database stays the truth.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from bot.engine.session import Conversation

DEFAULT_SIZE = 512


class ConversationCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[int, Conversation]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, conversation_id: str, version: int) -> Conversation | None:
        """The conversation at this version, removed from the cache (the caller owns it now)."""
        with self._lock:
            item = self._items.pop(conversation_id, None)
            if item is None or item[0] != version:
                self.misses += 1
                return None
            self.hits += 1
            return item[1]

    def keep(self, conversation_id: str, version: int, conversation: Conversation) -> None:
        """After the commit: the conversation as stored at this version."""
        if self.size <= 0:
            return
        with self._lock:
            self._items[conversation_id] = (version, conversation)
            self._items.move_to_end(conversation_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
