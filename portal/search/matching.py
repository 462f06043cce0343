"""Finding the rows whose text holds every word of a query.

On PostgreSQL this is full-text search: each field is read in its language's configuration
(``russian`` and ``english`` stem; Turkmen has no stemmer and is read with ``simple``), every
word matches as a prefix so that inflected forms are found, rows are ranked, and the matched
words are marked in an excerpt, in the reader's language, computed in the same query. Names
may also match by trigram similarity, for misspellings, when the ``pg_trgm`` extension is
installed. On SQLite a row matches when each word is contained in one of its fields
(case-insensitive for Latin letters only), newest first, and the excerpt is cut in Python.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat, Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

# The excerpt's marks travel through the database as characters no text holds, so that the
# text around them can be escaped before they become HTML.
START, STOP = "\ue000", "\ue001"
LETTERS = re.compile(r"[^\W_]+")
MAX_WORDS = 8
EXCERPT_LENGTH = 200
# How alike two names must be (0..1) for a name to match by similarity alone.
NAME_SIMILARITY = 0.3
LANGUAGE_CONFIGS = {"tk": "simple", "ru": "russian", "en": "english"}


@dataclass(frozen=True)
class Field:
    name: str
    config: str = "simple"
    weight: str = "B"
    # The language of a translated field's version; the excerpt shows the reader's own.
    language: str = ""


def translated(name, weight="B"):
    """The Turkmen, Russian and English versions of a translated field."""
    return [
        Field(f"{name}_{code}", config, weight, code) for code, config in LANGUAGE_CONFIGS.items()
    ]


def words_of(query):
    return LETTERS.findall(query or "")[:MAX_WORDS]


def find(rows, query, fields, *, names=(), codes=()):
    """``rows`` reduced to those matching every word of ``query`` in ``fields``, or holding
    the whole query in one of ``codes`` (registration numbers and the like), or, on PostgreSQL
    with ``pg_trgm``, whose ``names`` resemble the query; best first. Each row carries
    ``search_excerpt`` in the database's own marking when PostgreSQL computed it."""
    words = words_of(query)
    in_codes = Q()
    for code in codes:
        in_codes |= Q(**{f"{code}__icontains": query.strip()})
    if connection.vendor != "postgresql":
        matches = Q()
        for word in words:
            matches &= _any_field_contains(fields, word)
        return rows.filter(matches | in_codes).order_by("-pk")
    vector = _vector(fields)
    tsquery = _query(words, "simple")
    for config in {field.config for field in fields} - {"simple"}:
        tsquery |= _query(words, config)
    rank = SearchRank(vector, tsquery)
    matches = Q(search_document=tsquery) | in_codes
    if names and has_trigram():
        phrase = " ".join(words)
        similarity = Greatest(*(TrigramSimilarity(name, phrase) for name in names), Value(0.0))
        rows = rows.annotate(name_similarity=similarity)
        matches |= Q(name_similarity__gte=NAME_SIMILARITY)
        rank = Greatest(rank, F("name_similarity"))
    return (
        rows.annotate(search_document=vector)
        .filter(matches)
        .annotate(
            search_rank=rank,
            search_excerpt=SearchHeadline(
                _joined(_shown(fields)),
                _query(words, "simple"),
                config="simple",
                start_sel=START,
                stop_sel=STOP,
                max_fragments=2,
                max_words=20,
                min_words=8,
            ),
        )
        .order_by("-search_rank", "-pk")
    )


def excerpt(row, words, fields):
    """The row's text around the matched words, escaped, with the words in ``<mark>``."""
    text = getattr(row, "search_excerpt", None)
    if text is None:
        text = _cut(" · ".join(filter(None, (getattr(row, f.name) for f in _shown(fields)))), words)
    marked = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(marked)  # noqa: S308 - the text is escaped; only the marks are HTML


def has_trigram():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def _shown(fields):
    """The fields an excerpt is cut from: those in the reader's language, and those that have
    no translations."""
    language = (get_language() or "tk")[:2]
    if language not in LANGUAGE_CONFIGS:
        language = "tk"
    return [field for field in fields if field.language in ("", language)]


def _any_field_contains(fields, word):
    contains = Q()
    for field in fields:
        contains |= Q(**{f"{field.name}__icontains": word})
    return contains


def _vector(fields):
    vector = None
    for field in fields:
        part = SearchVector(field.name, config=field.config, weight=field.weight)
        vector = part if vector is None else vector + part
    return vector


def _query(words, config):
    # Letters and digits only reach the raw syntax, so no query is malformed.
    return SearchQuery(" & ".join(f"{word}:*" for word in words), config=config, search_type="raw")


def _joined(fields):
    parts = []
    for field in fields:
        parts += [F(field.name), Value(" · ")]
    return Concat(*parts[:-1], output_field=TextField()) if len(parts) > 2 else parts[0]


def _cut(text, words):
    lowered = text.lower()
    found = [(lowered.find(word.lower()), word) for word in words if word.lower() in lowered]
    if not found:
        return text[:EXCERPT_LENGTH]
    first = min(position for position, _word in found)
    start = max(0, first - EXCERPT_LENGTH // 4)
    shown = text[start : start + EXCERPT_LENGTH]
    pattern = re.compile("|".join(re.escape(word) for _p, word in found), re.IGNORECASE)
    return pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", shown)
