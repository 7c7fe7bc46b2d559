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

A whole section of a page can be kept the same way when only a few small parts of it belong
to the viewer (a member's timeline, whose cheer buttons are each viewer's own): the section is
rendered once with a ``hole(...)`` in each such place and kept as a ``HoledPiece``, and every
request fills the holes for its viewer (``KeptSection``). Sections are kept apart from pieces,
``SECTION_CACHE_SIZE`` of them: they are larger, and fewer are read again.
"""

import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from threading import Lock
from typing import Any

from flask import Flask, current_app, g
from markupsafe import Markup, escape

from .i18n import language_and_zone

DEFAULT_SIZE = 4000
DEFAULT_SECTIONS = 200
# Where a kept section has a hole: no text the app shows holds NUL (the database refuses it),
# and the random middle is this process's own.
_HOLE = f"\x00hole-{secrets.token_hex(8)}\x00"


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
        piece = self.get(key)
        if piece is None:
            piece = render()  # outside the lock: two renders of one key are harmless
            self.put(key, piece)
        return piece

    def get(self, key: Hashable) -> Any:
        """The piece kept for ``key``, or None (a miss, counted while the cache is on)."""
        if self.size <= 0:
            return None
        with self._lock:
            piece = self._pieces.get(key)
            if piece is None:
                self.misses += 1
                return None
            self._pieces.move_to_end(key)
            self.hits += 1
            return piece

    def put(self, key: Hashable, piece: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._pieces[key] = piece
            self._pieces.move_to_end(key)
            while len(self._pieces) > self.size:
                self._pieces.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._pieces)


def cache() -> FragmentCache:
    return current_app.extensions["cohort_fragments"]


def sections() -> FragmentCache:
    return current_app.extensions["cohort_sections"]


def forget() -> None:
    """Forget every kept piece and section (tests, whose ids start again)."""
    cache().clear()
    sections().clear()


def fragment_of(pieces: FragmentCache) -> Callable[..., str]:
    """The Jinja side, for one app's ``pieces`` (found once, not through ``current_app`` for
    each of a page's dozens): ``{% call fragment(name, *parts) %}`` renders its body once
    per (name, parts, language, zone)."""

    def fragment(name: str, *parts: Hashable, caller: Callable[[], str]) -> str:
        return pieces.get_or_render((name, *parts, *language_and_zone()), lambda: _whole(caller))

    return fragment


def _whole(render: Callable[[], str]) -> str:
    """A piece as ``render`` draws it, refused if it holds a hole: a piece kept whole would
    bring the mark back without the hole's content."""
    piece = render()
    if _HOLE in piece:
        raise RuntimeError("hole() inside fragment(): put the hole outside the kept piece")
    return piece


@dataclass(frozen=True)
class HoledPiece:
    """A section rendered with holes: the text around them, and what goes in each."""

    chunks: tuple[str, ...]  # one more than the holes
    holes: tuple[tuple, ...]  # what ``hole(...)`` was given, in order

    def filled(self, fill: Callable[[tuple], str]) -> Markup:
        parts = [self.chunks[0]]
        for hole, chunk in zip(self.holes, self.chunks[1:], strict=True):
            parts.append(escape(fill(hole)))  # what ``fill`` draws as markup stays so
            parts.append(chunk)
        return Markup("".join(parts))  # noqa: S704 (rendered markup, and what ``fill`` draws)


def hole(*what: Hashable) -> Markup:
    """In a section rendered for ``KeptSection``: the place of a part that belongs to the
    viewer, which the section's ``fill`` draws from ``what`` on every request."""
    recording = g.get("_cohort_holes")
    if not recording:
        raise RuntimeError("hole() outside a kept section")
    recording[-1].append(what)
    return Markup(_HOLE)  # noqa: S704 (a mark of the app's own, replaced before sending)


def record_holes(render: Callable[[], str]) -> HoledPiece:
    """Render a section, noting its holes."""
    if "_cohort_holes" not in g:
        g._cohort_holes = []
    g._cohort_holes.append([])
    try:
        html = str(render())
    finally:
        holes = g._cohort_holes.pop()
    chunks = html.split(_HOLE)
    if len(chunks) != len(holes) + 1:
        raise RuntimeError("a kept section's holes do not match its marks")
    return HoledPiece(tuple(chunks), tuple(holes))


@dataclass
class KeptSection:
    """A section of a page as ``fill`` completes it for this viewer: ``kept`` is its
    rendering found for ``key`` (language and zone added), or None when the template must
    render it (``{% call kept_section(section) %}…{% endcall %}``), which keeps it then.
    A ``key`` of None keeps nothing."""

    key: Hashable | None
    fill: Callable[[tuple], str]
    kept: HoledPiece | None = None

    @classmethod
    def look_up(cls, key: Hashable | None, fill: Callable[[tuple], str]) -> "KeptSection":
        if key is None:
            return cls(None, fill)
        key = (key, *language_and_zone())
        try:
            return cls(key, fill, sections().get(key))
        except TypeError:  # a value that cannot be a key: kept nowhere
            return cls(None, fill)


def kept_section(section: KeptSection, caller: Callable[[], str]) -> Markup:
    """The Jinja side of ``KeptSection``: the kept rendering, or ``caller``'s, kept now;
    either with its holes filled for this viewer."""
    piece = section.kept
    if piece is None:
        piece = record_holes(caller)
        if section.key is not None:
            sections().put(section.key, piece)
    return piece.filled(section.fill)


def init_app(app: Flask) -> None:
    pieces = FragmentCache(app.config.get("FRAGMENT_CACHE_SIZE", DEFAULT_SIZE))
    app.extensions["cohort_fragments"] = pieces
    app.extensions["cohort_sections"] = FragmentCache(
        app.config.get("SECTION_CACHE_SIZE", DEFAULT_SECTIONS)
    )
    app.jinja_env.globals["fragment"] = fragment_of(pieces)
    app.jinja_env.globals["hole"] = hole
    app.jinja_env.globals["kept_section"] = kept_section
