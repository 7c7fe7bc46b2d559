"""What the built-in engine notices in a text, in English and in Japanese.

Japanese has no spaces between words: its word lists are matched as substrings, never by
splitting on spaces. English words are matched on word boundaries, case-insensitively.
"""

import re
import unicodedata

# Vague words that say little until an example follows.
VAGUE_EN = (
    "a lot", "lots of", "many things", "things", "stuff", "various", "somehow", "kind of",
    "sort of", "better", "busy", "hard", "more or less", "some progress", "interesting",
    "properly", "etc",
)  # fmt: skip
VAGUE_JA = (
    "いろいろ", "色々", "様々", "さまざま", "なんとなく", "何となく", "頑張", "がんば",
    "ちゃんと", "しっかり", "うまく", "上手く", "たくさん", "沢山", "いい感じ", "良い感じ",
    "大変", "など", "とか",
)  # fmt: skip
EXAMPLE_EN = re.compile(
    r"\b(for example|for instance|e\.g\.|such as|like when|namely|specifically)|[\"“]|\d",
    re.IGNORECASE,
)
EXAMPLE_JA = re.compile(r"例えば|たとえば|具体的|「|[0-9０-９]")

NUMBER = re.compile(
    r"[0-9０-９]|[一二三四五六七八九十百千]+\s*(回|つ|個|件|本|冊|人|名|時間|分|日|週|か月|ヶ月|ヵ月|割|社|ページ)"
    r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|hundred|once|twice"
    r"|half|dozen)\b",
    re.IGNORECASE,
)
DATE = re.compile(
    r"\b(by|until|before|deadline|due|daily|weekly|monthly|every (day|week|morning|evening|night)"
    r"|next (week|month|session)|this (week|month)|end of|tomorrow|tonight"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|q[1-4])\b"
    r"|まで|毎日|毎週|毎朝|毎晩|毎月|今週|来週|今月|来月|月末|週末|期限|締め切り|締切|次回",
    re.IGNORECASE,
)
PROBLEM = re.compile(
    r"\b(problems?|got in the way|struggl\w*|difficult\w*|hard to|couldn'?t|could not|"
    r"didn'?t|did not|failed|blocked|stuck|kept me from|too (much|little|many))\b"
    r"|問題|課題|できなかった|出来なかった|困|難し|うまくいかな|上手くいかな|邪魔|悩|足りな|詰ま",
    re.IGNORECASE,
)
CONTEXT = re.compile(
    r"\b(because|since|so far|currently|right now|at the moment|i tried|i've tried|i have tried|"
    r"context|my situation|i am|i'm|we are|we're|as a|my team|my role|background)\b"
    r"|ので|から|ため|現在|今は|いまは|試し|状況|背景|として|立場",
    re.IGNORECASE,
)
LONG_ENOUGH_FOR_CONTEXT = 280  # characters: an ask this long tells its situation anyway

MARKDOWN_NOISE = re.compile(r"^\s*(#{1,6}\s*|[-*+]\s+|\d+[.)]\s+|>\s*)", re.MULTILINE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s|[。！？!?\n]")


def vague_word(text: str) -> str | None:
    """The first vague word in the text when nothing in it gives an example."""
    if EXAMPLE_EN.search(text) or EXAMPLE_JA.search(text):
        return None
    found: list[tuple[int, str]] = []
    lowered = text.lower()
    for word in VAGUE_EN:
        match = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered)
        if match:
            found.append((match.start(), text[match.start() : match.end()]))
    for word in VAGUE_JA:
        position = text.find(word)
        if position >= 0:
            found.append((position, word))
    return min(found)[1] if found else None


def is_measurable(text: str) -> bool:
    return bool(NUMBER.search(text) or DATE.search(text))


def names_a_problem(text: str) -> bool:
    return bool(PROBLEM.search(text))


def gives_context(text: str) -> bool:
    return len(text) >= LONG_ENOUGH_FOR_CONTEXT or bool(CONTEXT.search(text))


def excerpt(text: str, limit: int = 60) -> str:
    """The text's first sentence, without Markdown marks, cut to ``limit`` characters."""
    plain = MARKDOWN_NOISE.sub("", text).strip()
    first = SENTENCE_END.split(plain, maxsplit=1)[0].strip() or plain
    first = " ".join(first.split()).rstrip(".。")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", MARKDOWN_NOISE.sub("", text)).lower()
    return "".join(ch for ch in text if ch.isalnum())


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similar(a: str, b: str) -> bool:
    """Whether two plans say much the same (character pairs, so Japanese works too)."""
    a, b = _normalized(a), _normalized(b)
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 6 and (a in b or b in a)):
        return True
    first, second = _bigrams(a), _bigrams(b)
    return len(first & second) / len(first | second) >= 0.5
