"""The translation catalogs: every string in the source is translated into Japanese, the
translations keep their placeholders, the compiled catalogs match, and the pages follow the
browser's language."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = PROJECT_ROOT / "cohort" / "translations"
# The same keywords as ``flask translate update`` (cohort/cli.py).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]")
HOW_TO_FIX = (
    "run `flask --app wsgi translate update`, translate the entries in "
    "cohort/translations/ja/LC_MESSAGES/messages.po (and fill en), then compile."
)


def read_catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def source_messages() -> dict[tuple[str | None, str | tuple[str, ...]], str]:
    """Every message in the code and templates now, with where it first occurs."""
    with open(TRANSLATIONS / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault((context, message), f"{filename}:{lineno}")
    return found


def is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings) and not message.fuzzy


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def ja():
    return read_catalog("ja")


def test_extraction_finds_the_source_strings():
    # Guards the test below: a broken mapping or keyword list would find nothing to check.
    messages = source_messages()
    ids = {message for _context, message in messages}
    assert "Log in" in ids  # a template
    assert "The email or password is not correct." in ids  # Python code, _()
    assert "Display name" in ids  # Python code, _l()


def test_every_source_string_is_translated_into_japanese(ja):
    problems = []
    for (context, message), where in sorted(source_messages().items(), key=lambda item: item[1]):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = ja.get(msgid, context=context)
        if entry is None:
            problems.append(f"missing  {msgid!r}  ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy    {msgid!r}  ({where})")
        elif not is_translated(entry):
            problems.append(f"empty    {msgid!r}  ({where})")
    assert not problems, (
        f"{len(problems)} message(s) not translated into Japanese; {HOW_TO_FIX}\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_catalogs_are_complete(language):
    catalog = read_catalog(language)
    untranslated = [message.id for message in catalog if message.id and not is_translated(message)]
    assert not untranslated, f"untranslated in {language}: {untranslated}"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_translations_keep_the_placeholders(language):
    problems = []
    for message in read_catalog(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(placeholders(msgid) for msgid in ids))
        for string in strings:
            if string and placeholders(string) != expected:
                problems.append(
                    f"{ids[0]!r}: expects {sorted(expected)}, "
                    f"{string!r} has {sorted(placeholders(string))}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_compiled_catalog_matches_the_po_file(language):
    mo = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    hint = "compile the catalogs: `make install` or `flask --app wsgi translate compile`"
    assert mo.exists(), f"{mo} is missing; {hint}"
    with open(mo, "rb") as compiled:
        translations = Translations(compiled)
    stale = []
    for message in read_catalog(language):
        if not message.id or not is_translated(message):
            continue
        if message.pluralizable:
            # In both languages n = 1 selects the first form.
            compiled, expected = translations.ngettext(*message.id, 1), message.string[0]
        else:
            compiled, expected = translations.gettext(message.id), message.string
        if compiled != expected:
            stale.append(message.id)
    assert not stale, f"{mo} is out of date ({len(stale)} differ, e.g. {stale[:3]}); {hint}"


@pytest.mark.parametrize(
    ("accept_language", "lang"),
    [("ja", "ja"), ("ja-JP,ja;q=0.9,en;q=0.8", "ja"), ("en", "en"), ("en-GB,en;q=0.9", "en")],
)
def test_pages_follow_the_browsers_language(client, ja, accept_language, lang):
    log_in_ja = ja.get("Log in").string
    assert log_in_ja and log_in_ja != "Log in"

    response = client.get("/login", headers={"Accept-Language": accept_language})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    expected, other = (log_in_ja, "Log in") if lang == "ja" else ("Log in", log_in_ja)
    assert re.search(rf">\s*{re.escape(expected)}\s*<", page), f"no element reads {expected!r}"
    assert other not in page
