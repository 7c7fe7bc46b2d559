"""The companion's built-in engine: drafts in, question kinds out, in English and Japanese."""

import pytest
from flask_babel import force_locale

from cohort.companion import signals
from cohort.companion.engine import MAX_QUESTIONS, Draft, Kind, SectionText
from cohort.companion.rules import RulesEngine

RULE_KINDS = {
    Kind.VAGUE,
    Kind.MEASURE,
    Kind.PROBLEM_TRY,
    Kind.REPEATED_TRY,
    Kind.ASK_CONTEXT,
    Kind.LOW_ENERGY,
    Kind.LAST_TRY,
    Kind.ELSEWHERE,
}
TITLES = {
    "energy": "Energy",
    "did": "What I did",
    "keep_problem": "Keep / Problem",
    "learned": "What I learned",
    "try": "Try",
    "feedback_ask": "What I want feedback on",
    "blockers": "Blockers",
}


def draft(section: str, energy=None, last_try="", earlier=(), bank=(), seen=(), **answers):
    """``try_`` and ``energy_`` are the texts of the Try and Energy sections."""
    answers = {key.rstrip("_"): text for key, text in answers.items()}
    return Draft(
        section=section,
        sections=tuple(
            SectionText(key, title, answers.get(key, "")) for key, title in TITLES.items()
        ),
        energy=energy,
        last_try=last_try,
        earlier_tries=tuple(earlier),
        bank=tuple(bank),
        seen=frozenset(seen),
    )


def rule_kinds(d: Draft) -> list[str]:
    return [q.kind for q in RulesEngine().candidates(d) if q.kind in RULE_KINDS]


ENGLISH = [
    ("vague word, no example", draft("did", did="I learned a lot this month."), [Kind.VAGUE]),
    (
        "vague word with an example",
        draft("did", did="I learned a lot, for example how to run a retro."),
        [],
    ),
    ("vague word with a number", draft("did", did="Did various things: 3 interviews."), []),
    (
        "a plan with no number or date",
        draft("try", try_="Practise public speaking"),
        [Kind.MEASURE],
    ),
    ("a plan with a number and a date", draft("try", try_="Give 2 talks by next month"), []),
    ("a plan with a weekday", draft("try", try_="Write on Sunday mornings"), []),
    (
        "a problem and no try, asked in Keep / Problem",
        draft("keep_problem", keep_problem="Problem: meetings ate my mornings."),
        [Kind.PROBLEM_TRY],
    ),
    (
        "a problem and no try, asked in the empty Try",
        draft("try", keep_problem="I couldn't focus: too many meetings."),
        [Kind.PROBLEM_TRY, Kind.ELSEWHERE],
    ),
    (
        "a problem with a try written",
        draft("keep_problem", keep_problem="Problem: meetings.", try_="Block 2 mornings a week"),
        [],
    ),
    (
        "only a keep, no problem",
        draft("keep_problem", keep_problem="Keep: writing down each morning's plan."),
        [],
    ),
    (
        "a try planned twice before",
        draft(
            "try",
            try_="Write every morning for 20 minutes",
            earlier=["Write every morning for 20 minutes.", "write every morning, 20 minutes!"],
        ),
        [Kind.REPEATED_TRY],
    ),
    (
        "a try planned once before",
        draft(
            "try",
            try_="Write every morning for 20 minutes",
            earlier=["Write every morning for 20 minutes.", "Ask my lead for a stretch project"],
        ),
        [],
    ),
    (
        "an ask with no context",
        draft("feedback_ask", feedback_ask="Is my CV any use?"),
        [Kind.ASK_CONTEXT],
    ),
    (
        "an ask with its situation",
        draft(
            "feedback_ask",
            feedback_ask="I am applying for data roles because I want to move. Is my CV clear?",
        ),
        [],
    ),
    (
        "low energy and no blocker",
        draft("energy", energy=2, energy_="Tired out."),
        [Kind.LOW_ENERGY],
    ),
    ("low energy asked in Blockers", draft("blockers", energy=1), [Kind.LOW_ENERGY]),
    ("good energy", draft("energy", energy=4, energy_="Full of ideas."), []),
    (
        "low energy with a blocker written",
        draft("energy", energy=2, energy_="Tired out.", blockers="My manager left."),
        [],
    ),
    (
        "an empty answer: last month's try, then the rest of the draft",
        draft("learned", last_try="Ask for feedback weekly", did="Shipped the booking page."),
        [Kind.LAST_TRY, Kind.ELSEWHERE],
    ),
    ("an empty draft", draft("learned"), []),
]

JAPANESE = [
    ("曖昧な言葉、例なし", draft("did", did="今月はいろいろなことを学んだ。"), [Kind.VAGUE]),
    (
        "曖昧な言葉、例あり",
        draft("did", did="今月はいろいろ学んだ。例えば、振り返りの進め方。"),
        [],
    ),
    ("空白で区切らない文の中の曖昧な言葉", draft("did", did="仕事をしっかりやった"), [Kind.VAGUE]),
    ("数字も日付もない計画", draft("try", try_="人前で話す練習をする"), [Kind.MEASURE]),
    ("数字と期限のある計画", draft("try", try_="来月末までに2回登壇する"), []),
    ("漢数字と助数詞のある計画", draft("try", try_="勉強会で三回発表する"), []),
    (
        "Problem があり Try がない",
        draft("keep_problem", keep_problem="会議が多すぎて集中できなかった。"),
        [Kind.PROBLEM_TRY],
    ),
    (
        "以前に二度計画した Try（全角数字）",
        draft("try", try_="毎朝20分書く", earlier=["毎朝２０分書く。", "毎朝20分書く"]),
        [Kind.REPEATED_TRY],
    ),
    (
        "背景のない依頼",
        draft("feedback_ask", feedback_ask="履歴書はどうですか？"),
        [Kind.ASK_CONTEXT],
    ),
    (
        "背景のある依頼",
        draft(
            "feedback_ask",
            feedback_ask="データ分析職に応募しているので、履歴書の構成はどうですか？",
        ),
        [],
    ),
    (
        "エネルギーが低く障害の記述がない",
        draft("energy", energy=1, energy_="疲れた"),
        [Kind.LOW_ENERGY],
    ),
    (
        "空欄：先月の Try とほかの欄",
        draft("learned", last_try="毎週フィードバックをもらう", did="予約ページを公開した。"),
        [Kind.LAST_TRY, Kind.ELSEWHERE],
    ),
]


@pytest.mark.parametrize(("name", "the_draft", "expected"), ENGLISH, ids=[c[0] for c in ENGLISH])
def test_english_drafts(app, name, the_draft, expected):
    with app.test_request_context(), force_locale("en"):
        assert rule_kinds(the_draft) == expected
        questions = RulesEngine().ask(the_draft)
    assert 1 <= len(questions) <= MAX_QUESTIONS
    assert all(q.text.endswith("?") for q in questions)


@pytest.mark.parametrize(("name", "the_draft", "expected"), JAPANESE, ids=[c[0] for c in JAPANESE])
def test_japanese_drafts(app, name, the_draft, expected):
    with app.test_request_context(), force_locale("ja"):
        assert rule_kinds(the_draft) == expected
        questions = RulesEngine().ask(the_draft)
    assert 1 <= len(questions) <= MAX_QUESTIONS
    assert all(q.text.endswith("？") for q in questions if q.kind in RULE_KINDS)


def test_asking_again_gives_other_questions_then_starts_over(app):
    d = draft("did", did="Lots of meetings.", bank=["What did you finish that you had put off?"])
    with app.test_request_context(), force_locale("en"):
        first = RulesEngine().ask(d)
        assert [q.kind for q in first] == [Kind.VAGUE, Kind.BANK, Kind.OPEN]
        again = RulesEngine().ask(
            draft("did", did="Lots of meetings.", seen=[q.text for q in first])
        )
        assert [q.kind for q in again] == [Kind.OPEN]
        assert {q.text for q in again}.isdisjoint(q.text for q in first)
        everything = {q.text for q in first + again}
        over = RulesEngine().ask(draft("did", did="Lots of meetings.", seen=everything))
        assert [q.kind for q in over] == [Kind.VAGUE, Kind.OPEN, Kind.OPEN]


def test_the_same_draft_always_gets_the_same_questions(app):
    d = draft("try", try_="Get better at saying no", keep_problem="Problem: too many favours")
    with app.test_request_context(), force_locale("en"):
        assert RulesEngine().ask(d) == RulesEngine().ask(d)


def test_japanese_words_are_found_without_spaces():
    assert signals.vague_word("今月は仕事をしっかりやったし、いろいろ学んだ") == "しっかり"
    assert signals.vague_word("具体的には3件の提案書を書いた。いろいろ学んだ") is None
    assert signals.vague_word("Stuff happened, kind of.") == "Stuff"
    assert signals.vague_word("Hardware") is None  # a vague word inside another word is none


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Write every morning", "write every morning!", True),
        ("毎朝20分書く", "毎朝２０分書く。", True),
        ("Ask for feedback weekly", "Ask for weekly feedback from my lead", True),
        ("Write every morning", "Ask my lead for a stretch project", False),
        ("毎朝書く", "週に一度、上司と話す", False),
        ("", "", False),
    ],
)
def test_similar_plans(a, b, same):
    assert signals.similar(a, b) is same


def test_excerpts_are_one_plain_sentence():
    assert signals.excerpt("## Shipped\n- the booking page. Then more.") == "Shipped"
    assert signals.excerpt("予約ページを公開した。次は決済。") == "予約ページを公開した"
    assert signals.excerpt("x" * 100, limit=10) == "x" * 9 + "…"
