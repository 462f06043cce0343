"""Telling an untranslated interface text on a Turkmen or Russian page, from the catalogues.

Two signs, each free of the names and records that users type:

- ``catalogue_texts``: the English texts of the catalogue (whole, or the parts between their
  placeholders and markup), of two words or more. One of them, verbatim on a Turkmen or
  Russian page, is a text whose translation is missing or was not activated.
- ``english_runs``: two or more consecutive words of the interface's English vocabulary (the
  words of the catalogue's English texts, less the words that are also Turkmen and the names)
  in a text shown alike in English, Turkmen and Russian: a text never marked for translation.
"""

import re
from functools import cache
from pathlib import Path

import polib
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "portal" / "locale"
# Placeholders (%(name)s, %s, {name}) and markup split a catalogue text into the parts a page
# shows verbatim.
SEPARATORS = re.compile(r"%\([^)]*\)[a-z]|%[a-z%]|\{[^}]*\}|<[^>]*>|\s*[\n\t]\s*")
WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
# In a template: the blocks whose text is translated, and every other tag, variable and comment.
TRANSLATE_BLOCK = re.compile(
    r"{%\s*(blocktranslate|blocktrans)\b.*?{%\s*end(blocktranslate|blocktrans)\s*%}"
    r"|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}",
    re.DOTALL,
)
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
# A token is a word when it is letters only, once the punctuation around it is taken off: a
# file name, an address or a reference (terms-of-reference.pdf, DEMO-NS-0001) is not text.
PUNCTUATION = "\"'“”‘’«»()[]{}.,:;!?…–—-"
# English words that the pages show as names: the portal's, the currency's and the places'.
NAMES = {"tmt", "ashgabat", "turkmenistan", "sha", "pdf", "xlsx", "csv", "ok", "id", "htmx"}


def catalogue(language):
    return polib.pofile(LOCALE / language / "LC_MESSAGES" / "django.po")


def _strings(entry):
    return [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]


def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()


@cache
def catalogue_texts():
    """The English texts of the catalogue, or their parts, that have two words or more."""
    texts = set()
    for entry in catalogue("tk"):
        if entry.obsolete:
            continue
        for string in _strings(entry):
            for part in SEPARATORS.split(string):
                part = squeeze(part).strip(" ,:;")
                # One token is a name or code shown as it is in every language (title_ru).
                if " " in part and len(WORD.findall(part)) >= 2:
                    texts.add(part)
    return frozenset(texts)


@cache
def _catalogue_pattern():
    texts = sorted(catalogue_texts(), key=len, reverse=True)
    return re.compile(
        r"(?<![A-Za-z])(?:" + "|".join(re.escape(text) for text in texts) + r")(?![A-Za-z])"
    )


def catalogue_text_in(text):
    """The first English catalogue text found verbatim in ``text``, or None."""
    found = _catalogue_pattern().search(text)
    return found.group(0) if found else None


@cache
def vocabulary():
    """The lowercase words of the interface's English texts that are neither Turkmen nor
    names (a word written capitalised inside a sentence, never in lower case)."""
    english, turkmen, lowercase, inner_capitals = set(), set(), set(), set()
    for entry in catalogue("tk"):
        if entry.obsolete:
            continue
        for string in _strings(entry):
            for sentence in re.split(r"[.!?:]\s+|\n", SEPARATORS.sub(" ", string)):
                for position, word in enumerate(WORD.findall(sentence)):
                    english.add(word.lower())
                    if word[0].islower():
                        lowercase.add(word.lower())
                    elif position:
                        inner_capitals.add(word.lower())
        for translation in [entry.msgstr, *entry.msgstr_plural.values()]:
            turkmen.update(word.lower() for word in WORD.findall(translation))
    names = (inner_capitals - lowercase) | NAMES
    return frozenset(word for word in english - turkmen - names if len(word) > 1)


def english_runs(text):
    """The runs of two or more consecutive interface words in ``text``, as shown."""
    words = vocabulary()
    runs, run = [], []
    for token in text.split():
        bare = token.strip(PUNCTUATION)
        if WORD.fullmatch(bare) and bare.lower() in words:
            run.append(bare)
            continue
        if len(run) >= 2:
            runs.append(" ".join(run))
        run = []
    if len(run) >= 2:
        runs.append(" ".join(run))
    return runs
