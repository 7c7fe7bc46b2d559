"""Rendered pieces of a page that read the same for every viewer, kept in each process.

A feed card's heading and its taste of the inventory are the same for everyone who reads them
in one language and one time zone; only the cheer buttons around them belong to the viewer.
Rendering such a piece costs more than the rest of the card, and the feed, the home page and
the timelines show the same pieces again and again. So a template wraps it in

    {% call fragment("feed-head", inventory.id, inventory.version, ...) %}…{% endcall %}

and the piece is rendered once per key, language and zone, then served from memory until it
is pushed out by newer ones (a bounded LRU per process: ``FRAGMENT_CACHE_SIZE`` pieces).

The key must hold everything the piece shows that can change: an inventory's ``version``
moves with every save, names and dates are put in as they are. Nothing is ever invalidated, a
changed piece simply has a new key; what a viewer may see is decided before the piece is
reached (the page's query), never inside it. ``FRAGMENT_CACHE_SIZE = 0`` turns it off.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from flask import Flask, current_app

from .i18n import language_and_zone

DEFAULT_SIZE = 4000


class FragmentCache:
    """A bounded least-recently-used map of rendered pieces, safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._pieces: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        """The piece for ``key``, rendered now if it is not kept. What Jinja's ``caller``
        renders is already escaped markup, and is kept as it is."""
        if self.size <= 0:
            return render()
        with self._lock:
            piece = self._pieces.get(key)
            if piece is not None:
                self._pieces.move_to_end(key)
                self.hits += 1
                return piece
        piece = render()  # outside the lock: two renders of one key are harmless
        with self._lock:
            self.misses += 1
            self._pieces[key] = piece
            self._pieces.move_to_end(key)
            while len(self._pieces) > self.size:
                self._pieces.popitem(last=False)
        return piece

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._pieces)


def cache() -> FragmentCache:
    return current_app.extensions["cohort_fragments"]


def fragment_of(pieces: FragmentCache) -> Callable[..., str]:
    """The Jinja side, for one app's ``pieces`` (found once, not through ``current_app`` for
    each of a page's dozens): ``{% call fragment(name, *parts) %}`` renders its body once
    per (name, parts, language, zone)."""

    def fragment(name: str, *parts: Hashable, caller: Callable[[], str]) -> str:
        return pieces.get_or_render((name, *parts, *language_and_zone()), caller)

    return fragment


def init_app(app: Flask) -> None:
    pieces = FragmentCache(app.config.get("FRAGMENT_CACHE_SIZE", DEFAULT_SIZE))
    app.extensions["cohort_fragments"] = pieces
    app.jinja_env.globals["fragment"] = fragment_of(pieces)
