"""The optional model engine: any OpenAI-compatible chat-completions endpoint.

It is sent only the text of the sections asked about, written by the member asking, with a
system prompt that allows nothing but questions. Whatever comes back that is not a question
is dropped; no question at all, a refusal, an error or a time-out raise EngineUnavailable and
the built-in engine answers instead. Nothing of the draft is ever logged.
"""

import http.client
import json
import re
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .engine import MAX_QUESTIONS, Draft, EngineUnavailable, Kind, Question

MAX_RESPONSE_BYTES = 64 * 1024
MAX_QUESTION_LENGTH = 200
MAX_SECTION_CHARS = 4000  # of each section sent

SYSTEM_PROMPTS = {
    "en": (
        "You help a person reflect on their own monthly career inventory. Reply with one to "
        "three short, open questions, one per line, each ending with a question mark, that "
        "help them go deeper into what they wrote. Ask only questions: never give advice, "
        "never judge, never rewrite or summarise their words, never add anything else."
    ),
    "ja": (
        "あなたは、ある人が自分の月次のキャリアの棚卸しを振り返るのを手伝います。書かれた内容を"
        "さらに深めるための短く開かれた質問を1〜3個、1行に1つずつ、それぞれ「？」で終えて"
        "日本語で返してください。質問だけを返し、助言・評価・言い換え・要約・その他の文は"
        "一切書かないでください。"
    ),
}
LIST_MARK = re.compile(r"^\s*(?:[-*•・]|\d+[.)．、]|Q\d*[:：.])\s*")
QUESTION_END = ("?", "？")


@dataclass(frozen=True)
class ModelSettings:
    url: str
    model: str
    key: str = ""
    connect_timeout: float = 2.0
    read_timeout: float = 8.0

    @classmethod
    def from_config(cls, config) -> "ModelSettings | None":
        """The configured endpoint, or None when the engine is off."""
        url, model = config.get("COMPANION_MODEL_URL") or "", config.get("COMPANION_MODEL_NAME")
        if not url or not model:
            return None
        if not url.rstrip("/").endswith("/chat/completions"):
            url = url.rstrip("/") + "/chat/completions"
        return cls(
            url=url,
            model=model,
            key=config.get("COMPANION_MODEL_KEY") or "",
            connect_timeout=float(config.get("COMPANION_CONNECT_TIMEOUT", 2.0)),
            read_timeout=float(config.get("COMPANION_READ_TIMEOUT", 8.0)),
        )

    @property
    def host(self) -> str:
        """Where the text goes, as the settings page tells the member."""
        return urlsplit(self.url).netloc


def user_message(draft: Draft, locale: str) -> str:
    """The member's text for the section asked about, or for an empty one the rest of the
    draft and last month's Try: section titles (the cohort's template) and the member's words."""
    current = draft.current
    parts = []
    if current.text.strip():
        parts.append((current.title, current.text))
    else:
        parts += [(s.title, s.text) for s in draft.sections if s.text.strip()]
        if draft.last_try.strip():
            last = "Last month's Try" if locale != "ja" else "先月のTry"
            parts.append((last, draft.last_try))
    asked = "Questions for the section" if locale != "ja" else "質問してほしい欄"
    lines = [f"{asked}: {current.title}", ""]
    for title, text in parts:
        lines += [f"## {title}", text.strip()[:MAX_SECTION_CHARS], ""]
    return "\n".join(lines).strip()


def questions_in(content: str) -> list[Question]:
    """The lines of an answer that are short questions; anything else is dropped."""
    found = []
    for line in content.splitlines():
        line = LIST_MARK.sub("", line.strip()).strip().strip("*_\"'`「」“”").strip()
        if line.endswith(QUESTION_END) and 3 < len(line) <= MAX_QUESTION_LENGTH:
            found.append(Question(Kind.MODEL, line))
    return found[:MAX_QUESTIONS]


class ModelEngine:
    name = "model"

    def __init__(self, settings: ModelSettings, locale: str, redact=lambda text: text):
        self.settings = settings
        self.locale = locale if locale in SYSTEM_PROMPTS else "en"
        self.redact = redact

    def payload(self, draft: Draft) -> dict:
        return {
            "model": self.settings.model,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPTS[self.locale]},
                {"role": "user", "content": self.redact(user_message(draft, self.locale))},
            ],
            "temperature": 0.7,
            "max_tokens": 300,
        }

    def ask(self, draft: Draft) -> list[Question]:
        body = post_json(self.settings, self.payload(draft))
        try:
            message = body["choices"][0]["message"]
        except (KeyError, IndexError, TypeError) as error:
            raise EngineUnavailable("unexpected answer shape") from error
        if not isinstance(message, dict) or message.get("refusal"):
            raise EngineUnavailable("refused")
        content = message.get("content")
        questions = questions_in(content) if isinstance(content, str) else []
        if not questions:
            raise EngineUnavailable("no question in the answer")
        return questions


def post_json(settings: ModelSettings, payload: dict) -> dict:
    """POST ``payload``; the parsed JSON answer, or EngineUnavailable (with no text of it)."""
    parts = urlsplit(settings.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EngineUnavailable("the model URL is not http(s)")
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=settings.connect_timeout)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if settings.key:
        headers["Authorization"] = f"Bearer {settings.key}"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + settings.connect_timeout + settings.read_timeout
    try:
        connection.connect()
        connection.sock.settimeout(settings.read_timeout)
        connection.request("POST", path, json.dumps(payload).encode(), headers)
        response = connection.getresponse()
        data = _read_until(response, deadline)
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        reason = "timed out" if isinstance(error, socket.timeout) else type(error).__name__
        raise EngineUnavailable(f"request failed: {reason}") from None
    finally:
        connection.close()
    if status != 200:
        raise EngineUnavailable(f"HTTP {status}")
    try:
        return json.loads(data)
    except ValueError:
        raise EngineUnavailable("the answer is not JSON") from None


def _read_until(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The body, unless it goes past the deadline (a server sending a byte now and then) or
    past the size limit."""
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("answer too slow")
        chunk = response.read1(8192)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise OSError("answer too large")
        chunks.append(chunk)
