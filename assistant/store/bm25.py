"""The lexical index: BM25 over every chunk in the store, with IDF and per-document text.

The BM25 index is built from the chunks in the store (never from the files), and rebuilt
whenever the store's generation counter moves, so it cannot drift from the vectors. Each
chunk is indexed with its document's title and date in front, as it is embedded.

What a build makes is saved beside the index (`lexical-index/`, keyed on the collection,
its generation and the code that builds it), so a new process (a cold `assistant ask`, a
second server worker) loads it instead of reading every chunk and tokenizing it again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import threading
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from assistant.store.chroma import Store, first_occurrence
from assistant.text.document_heading import heading, identity, with_heading
from assistant.text.identity import identity_tokens
from assistant.text.names_figures import occurs
from assistant.text.normalise import normalise_for_matching, without_trailing_zeros
from assistant.text.terms import tokenize

LEXICAL_DIR = "lexical-index"
_ROWS_FILE = "rows.json"
_TEXT_HELPERS = Path(__file__).resolve().parent.parent / "text"


@dataclass(frozen=True)
class LexicalHit:
    index: int
    score: float


# The packages whose code or data decide the terms: BM25 itself, the stemmer and the
# British-to-American word list the tokenizer reads.
_TERM_PACKAGES = ("bm25s", "PyStemmer", "breame")


def _code_digest() -> str:
    """The code that decides what a build holds (this module, the text helpers it
    tokenizes and normalises with, the packages they use): a saved index from other code
    is not used."""
    versions = " ".join(f"{name}=={version(name)}" for name in _TERM_PACKAGES)
    digest = hashlib.sha256(versions.encode())
    for path in [*sorted(_TEXT_HELPERS.glob("*.py")), Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# A word's other forms share at least this many first letters of its stem.
_FORM_KEPT_LETTERS = 5


class LexicalIndex:
    """BM25 over every distinct chunk text in the store (one row per unique vector: copies
    of a text are one row, so they cannot fill the top hits), with each row's occurrences,
    texts and metadata kept alongside."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self.ids: list[str] = []  # the rows' vector ids
        self.texts: list[str] = []
        self.metadatas: list[dict[str, Any]] = []  # each row's first occurrence
        self.occurrences: list[list[tuple[str, dict[str, Any]]]] = []  # (chunk id, metadata)
        self._bm25: bm25s.BM25 | None = None
        self._document_frequency: dict[str, int] = {}
        self._source_text: dict[str, str] = {}
        self._identity: dict[str, frozenset[str]] = {}
        self._rows_by_source: tuple[list[Any], dict[Any, list[int]]] | None = None
        self._identity_carriers: tuple[dict[str, frozenset[str]], Counter[str]] | None = None
        self._titles: tuple[list[dict[str, Any]], dict[str, str]] | None = None
        self._shared_dates: tuple[list[dict[str, Any]], frozenset[str]] | None = None

    def refresh(self) -> None:
        """Rebuild (or load the saved build) if the store changed since the last build."""
        generation = self.store.generation
        if generation == self._generation and self._bm25 is not None:
            return
        with self._lock:
            if generation == self._generation and self._bm25 is not None:
                return
            folder = self.store.settings.index_dir / LEXICAL_DIR
            key = f"{self.store.chunks.id}-{generation}-{_code_digest()}"
            if not self._load(folder / key):
                self._build()
                self._save(folder, key)
            self._generation = generation

    def _build(self) -> None:
        """Read every chunk from the store and index it."""
        chunk_ids, chunk_texts, chunk_metadatas = self.store.all_chunks()
        row_of: dict[str, int] = {}
        ids: list[str] = []
        texts: list[str] = []
        occurrences: list[list[tuple[str, dict[str, Any]]]] = []
        for cid, text, meta in zip(chunk_ids, chunk_texts, chunk_metadatas, strict=True):
            vid = str(meta.get("vector_id", cid))
            if vid not in row_of:
                row_of[vid] = len(ids)
                ids.append(vid)
                texts.append(text)
                occurrences.append([])
            occurrences[row_of[vid]].append((cid, meta))
        for found in occurrences:
            found.sort(key=lambda occurrence: first_occurrence(occurrence[1]))
        metadatas = [found[0][1] for found in occurrences]
        corpus_tokens = [tokenize(with_heading(text, meta)) for text, meta in zip(texts, metadatas)]
        bm25 = bm25s.BM25()
        if corpus_tokens:
            bm25.index(corpus_tokens, show_progress=False)
        frequency: dict[str, int] = {}
        for tokens in corpus_tokens:
            for token in set(tokens):
                frequency[token] = frequency.get(token, 0) + 1
        by_source: dict[str, list[str]] = {}
        identities: dict[str, frozenset[str]] = {}
        for text, meta in zip(chunk_texts, chunk_metadatas, strict=True):
            source = str(meta.get("source"))
            # The site a page is of ("Python 3.11.2 documentation") says which collection
            # it belongs to: part of its identity, though not of its heading.
            site = str(meta.get("site") or "")
            if source not in by_source:
                makers = [str(meta.get(key) or "") for key in ("author", "publisher")]
                identities[source] = identity_tokens(f"{identity(meta)} {site}", makers)
            by_source.setdefault(source, [heading(meta), site]).append(text)
        self._identity = identities
        self._source_text = {
            source: normalise_for_matching(" ".join(parts)) for source, parts in by_source.items()
        }
        self.ids, self.texts, self.metadatas = ids, texts, metadatas
        self.occurrences = occurrences
        self._bm25, self._document_frequency = bm25, frequency

    def _save(self, folder: Path, key: str) -> None:
        """Save this build as `folder/key` (written aside, then renamed into place, so a
        reader never sees half of it) and drop every other build (of older generations,
        or left by a process that stopped while saving)."""
        building = folder / f".building-{os.getpid()}-{threading.get_ident()}"
        try:
            building.mkdir(parents=True)
            if self._bm25 is not None and self.ids:  # bm25s cannot save an empty index
                self._bm25.save(building, show_progress=False)
            occurrences = [[[cid, meta] for cid, meta in found] for found in self.occurrences]
            rows = {
                "ids": self.ids,
                "texts": self.texts,
                "occurrences": occurrences,
                "document_frequency": self._document_frequency,
                "source_text": self._source_text,
                "identity": {source: sorted(terms) for source, terms in self._identity.items()},
            }
            (building / _ROWS_FILE).write_text(json.dumps(rows), encoding="utf-8")
            os.rename(building, folder / key)
            for stale in folder.iterdir():
                if stale.name != key:
                    shutil.rmtree(stale, ignore_errors=True)
        except OSError:  # another process saved it first, or the folder is read-only
            pass
        finally:
            shutil.rmtree(building, ignore_errors=True)

    def _load(self, saved: Path) -> bool:
        """Take a saved build; False when there is none (or it cannot be read)."""
        try:
            rows = json.loads((saved / _ROWS_FILE).read_text(encoding="utf-8"))
            bm25 = bm25s.BM25.load(saved, mmap=True) if rows["ids"] else bm25s.BM25()
        except (OSError, ValueError, KeyError):
            return False
        occurrences = [[(cid, meta) for cid, meta in found] for found in rows["occurrences"]]
        self.ids, self.texts = rows["ids"], rows["texts"]
        self.occurrences = occurrences
        self.metadatas = [found[0][1] for found in occurrences]
        self._bm25, self._document_frequency = bm25, rows["document_frequency"]
        self._source_text = rows["source_text"]
        self._identity = {source: frozenset(terms) for source, terms in rows["identity"].items()}
        return True

    def occurrence(self, row: int, sources: list[str] | None = None) -> tuple[str, dict[str, Any]]:
        """The chunk (id, metadata) a row's hit is cited at: its first occurrence, or the
        first in the allowed documents."""
        found = self.occurrences[row]
        allowed = set(sources or ())
        return next((o for o in found if o[1].get("source") in allowed), found[0])

    def source_text(self, source: str) -> str:
        """A document's heading and text (its chunks joined), normalised for
        `names_figures.occurs`."""
        return self._source_text.get(source, "")

    def identities(self) -> dict[str, frozenset[str]]:
        """Each document's identity (title, author, publisher, date, file name) as terms."""
        return self._identity

    def _field_by_source(self, key: str) -> dict[str, str]:
        """One metadata field of each document, from its first chunk in the index."""
        values: dict[str, str] = {}
        for found in self.occurrences:
            for _, meta in found:
                values.setdefault(str(meta.get("source")), str(meta.get(key) or ""))
        return values

    def titles(self) -> dict[str, str]:
        """Each document's title: read once per build, not per question."""
        made = self._titles
        if made is None or made[0] is not self.metadatas:
            made = self._titles = (self.metadatas, self._field_by_source("title"))
        return made[1]

    def shared_dates(self) -> frozenset[str]:
        """The dates that more than half of the documents carry (a documentation set's
        build date, a handbook's edition): such a date tells no document from another."""
        made = self._shared_dates
        if made is None or made[0] is not self.metadatas:
            dates = self._field_by_source("published")
            counted = Counter(date for date in dates.values() if date)
            shared = frozenset(d for d, n in counted.items() if n > len(dates) / 2)
            made = self._shared_dates = (self.metadatas, shared)
        return made[1]

    def identity_carriers(self) -> Counter[str]:
        """How many documents' identities carry each term: counted once per build, not per
        question (each answer asks it of several passages)."""
        made = self._identity_carriers
        if made is None or made[0] is not self._identity:
            carried = Counter(term for terms in self._identity.values() for term in terms)
            made = self._identity_carriers = (self._identity, carried)
        return made[1]

    def mentions(self, term: str, normalised_text: str) -> bool:
        """`names_figures.occurs`, without scanning the text when some word of the term is
        in no chunk at all: then no document has it (a scan costs milliseconds per
        document)."""
        known = all(
            token in self._document_frequency
            or without_trailing_zeros(token) in self._document_frequency  # "GPL-3.0", "GPL 3"
            for token in tokenize(term)
        )
        return known and occurs(term, normalised_text)

    def mentioned_anywhere(self, term: str) -> bool:
        """Whether any document (its identity included) mentions the term."""
        return any(self.mentions(term, text) for text in self._source_text.values())

    def knows(self, token: str) -> bool:
        """Whether any chunk (its heading included) has the term, in this form or another
        sharing all but its stem's last two letters ("priorit" for "prioriti")."""
        if token in self._document_frequency:
            return True
        stem = token[: max(_FORM_KEPT_LETTERS, len(token) - 2)]
        return any(known.startswith(stem) for known in self._document_frequency)

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency; unseen tokens weigh the most."""
        total = len(self.ids) or 1
        return math.log(1 + (total + 0.5) / (self._document_frequency.get(token, 0) + 0.5))

    def _rows_of(self, sources: list[str]) -> list[int]:
        """The rows with an occurrence in these documents, from a map made once per build (a
        look at every row's occurrences cost 9 ms per scoped search over 4,400 chunks)."""
        occurrences = self.occurrences
        made = self._rows_by_source
        if made is None or made[0] is not occurrences:
            by_source: dict[Any, list[int]] = {}
            for row, found in enumerate(occurrences):
                for source in dict.fromkeys(meta.get("source") for _, meta in found):
                    by_source.setdefault(source, []).append(row)
            made = self._rows_by_source = (occurrences, by_source)
        return sorted({row for source in set(sources) for row in made[1].get(source, ())})

    def proper_name(self, word: str, source: str) -> bool:
        """Whether the document uses the word as a proper name: never in lower case and never
        defined in quotes. "Zhejiang" is one; "the Program" of a licence that speaks of "a
        program" is not, nor its "Contribution", which it defines as ("Contribution" shall
        mean ...)."""
        escaped = re.escape(word)
        lower = re.compile(rf"(?<![\w-]){escaped.lower()}(?![\w-])")
        defined = re.compile(rf"[\"“']{escaped}[\"”']")
        return not any(
            lower.search(text) or defined.search(text)
            for text in (self.texts[row] for row in self._rows_of([source]))
        )

    def openings(self, source: str, count: int) -> list[int]:
        """The rows of a document's first `count` chunks, in reading order (a row the
        document holds twice is placed where it first occurs): where a byline or "Author:"
        field stands, and an introduction."""
        starts: dict[int, int] = {}
        for row in self._rows_of([source]):
            for _, meta in self.occurrences[row]:
                if meta.get("source") == source:
                    start = int(meta.get("start", 0))
                    starts[row] = min(start, starts.get(row, start))
        return sorted(starts, key=starts.__getitem__)[:count]

    def search(self, query: str, k: int, sources: list[str] | None = None) -> list[LexicalHit]:
        """The best rows for a query (row index and BM25 score), within `sources` if given."""
        self.refresh()
        tokens = tokenize(query)
        if not tokens or not self.ids or self._bm25 is None:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=float)
        if sources:
            mask = np.zeros(len(scores), dtype=bool)
            mask[self._rows_of(sources)] = True
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [LexicalHit(int(i), float(scores[i])) for i in top if scores[i] > 0]
