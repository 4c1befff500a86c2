"""Hybrid retrieval: dense (Chroma) and lexical (BM25) candidates, fused into one ranking."""

from __future__ import annotations

from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.config import Settings
from assistant.retrieve.fusion import rrf, weighted
from assistant.retrieve.scope import NAMED_SCOPE_KEY, named_by_parts, names_a_subject, narrowed
from assistant.store.bm25 import LexicalIndex
from assistant.store.chroma import Store, first_occurrence
from assistant.store.embeddings import SentenceTransformerEmbeddings
from assistant.store.sentence_vectors import sentence_similarities
from assistant.text.compound_questions import question_parts
from assistant.text.question_kinds import asks_for_identity, overviews_documents


class HybridRetriever(BaseRetriever):
    """Returns chunk `Document`s with metadata: chunk_id, source, title, offsets and scores."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Store
    embeddings: SentenceTransformerEmbeddings
    lexical: LexicalIndex
    settings: Settings
    k: int | None = None
    sources: list[str] | None = None

    def _similarities(self, query: list[float], ids: list[str]) -> dict[str, float]:
        """Cosine similarity of the query to texts the dense search did not return, from
        their stored vectors: a lexical hit is not "far in meaning" just because the
        approximate nearest-neighbour search missed it (many near-identical vectors crowd
        it out of HNSW's candidates)."""
        if not ids:
            return {}
        stored = self.store.vectors(ids)
        query_vector = np.asarray(query)
        return {vid: float(np.dot(query_vector, vector)) for vid, vector in stored.items()}

    def _with_feedback(self, vector: list[float], sources: list[str] | None) -> list[float]:
        """The query vector moved toward its nearest passages (Rocchio pseudo-relevance
        feedback): a paraphrase lands near the passages that say it in the documents' own
        words, which then lead the search. Weight and depth: `Settings.dense_feedback_*`."""
        weight = self.settings.dense_feedback_weight
        if not weight:
            return vector
        nearest = self.store.query(vector, self.settings.dense_feedback_passages, sources)
        stored = self.store.vectors(
            [str(meta.get("vector_id", cid)) for cid, _, meta, _ in nearest]
        )
        if not stored:
            return vector
        moved = np.asarray(vector) + weight * np.mean(list(stored.values()), axis=0)
        return (moved / np.linalg.norm(moved)).tolist()

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        k = kwargs.get("k") or self.k or self.settings.top_k
        sources = kwargs.get("sources", self.sources)
        mode = kwargs.get("mode") or self.settings.retrieval_mode
        wide = max(self.settings.candidate_k, k)
        found: dict[str, tuple[str, str, dict[str, Any]]] = {}  # chunk id, text, metadata
        dense: dict[str, float] = {}
        lexical: dict[str, float] = {}
        vector: list[float] = []  # the question's own vector: its sentences' similarities
        searched: list[float] = []  # the vector searched with, moved by feedback
        named = self._scope(query, sources)
        # The named documents are searched on their own too, so their passages are candidates
        # however many other documents say similar things.
        searches = [sources, *([sorted(named)] if named else [])]
        if mode in ("hybrid", "dense"):
            vector = self.embeddings.embed_query(query)
            searched = self._with_feedback(vector, sources)
            for within in searches:
                for chunk_id, text, meta, score in self.store.query(searched, wide, within):
                    key = str(meta.get("vector_id", chunk_id))  # one entry per distinct text
                    found.setdefault(key, (chunk_id, text, meta))
                    dense[key] = score
        if mode in ("hybrid", "lexical"):
            for within in searches:
                for hit in self.lexical.search(query, wide, within):
                    key = self.lexical.ids[hit.index]
                    if key not in found:
                        chunk_id, meta = self.lexical.occurrence(hit.index, within)
                        found[key] = (chunk_id, self.lexical.texts[hit.index], meta)
                    lexical[key] = max(lexical.get(key, 0.0), hit.score)
        similarity = dict(dense)
        if mode == "hybrid":
            similarity |= self._similarities(searched, [c for c in lexical if c not in dense])
            # In fusion a lexical hit ranks no lower than the least similar dense result,
            # so the dense results' own normalised scores do not move.
            floor = min(dense.values(), default=0.0)
            dense |= {cid: max(floor, score) for cid, score in similarity.items()}
        if mode == "dense":
            fused = dense
        elif mode == "lexical":
            fused = lexical
        elif self.settings.fusion == "rrf":
            fused = rrf(
                [
                    sorted(dense, key=dense.__getitem__, reverse=True),
                    sorted(lexical, key=lexical.__getitem__, reverse=True),
                ],
                self.settings.rrf_k,
            )
        else:
            weight = self.settings.dense_weight
            fused = weighted([dense, lexical], [weight, 1 - weight])
        if named:
            boost = self.settings.scope_boost
            fused = {
                key: score + (boost if found[key][2].get("source") in named else 0.0)
                for key, score in fused.items()
            }
        ranked = self._without_copies(fused, found, named)
        ranked = self._with_named(ranked, named, found, k, self.settings.scope_reserved_passages)
        if named and asks_for_identity(query):
            ranked = self._with_openings(ranked, sorted(named), found, fused, k)
        elif (
            named
            and overviews_documents(query)
            and not names_a_subject(query, self.lexical.identity_carriers())
        ):
            opening = self.settings.overview_opening_chunks
            ranked = self._with_openings(ranked, sorted(named), found, fused, k, opening)
        if vector:  # the openings added are scored like the passages found
            unscored = [key for key in ranked if key not in similarity]
            similarity |= self._similarities(searched, unscored)
        sentences = self._sentence_similarities(vector, ranked) if vector else {}
        meant = narrowed(
            named, query, self.lexical.identities(), self.settings.answerer.naming_word_max_zipf
        )
        if vector and searched is not vector:
            # Feedback moved the search: features read the question's own similarity.
            similarity = self._similarities(vector, ranked)
        return [
            Document(
                page_content=found[key][1],
                metadata={
                    **found[key][2],
                    "chunk_id": found[key][0],
                    "score": fused[key],
                    "dense_score": similarity.get(key),
                    "lexical_score": lexical.get(key),
                    "sentence_similarities": sentences.get(key, []),
                    **({NAMED_SCOPE_KEY: found[key][2].get("source") in meant} if named else {}),
                },
            )
            for key in ranked
        ]

    def _with_openings(
        self,
        ranked: list[str],
        named: list[str],
        found: dict[str, tuple[str, str, dict[str, Any]]],
        fused: dict[str, float],
        k: int,
        per_document: int = 1,
    ) -> list[str]:
        """The ranking with the named documents' first chunks in its last places: who wrote
        a document is stated where it opens ("Author: A. M. Kuchling"), and what it is about
        in its introduction, passages the question's words seldom rank high."""
        openings = []
        for source in named[:k]:
            for row in self.lexical.openings(source, per_document):
                key = self.lexical.ids[row]
                if key in ranked or key in openings:
                    continue
                chunk_id, meta = self.lexical.occurrence(row, [source])
                found.setdefault(key, (chunk_id, self.lexical.texts[row], meta))
                fused.setdefault(key, min((fused[r] for r in ranked), default=0.0))
                openings.append(key)
        return ranked[: max(0, k - len(openings))] + openings[:k]

    @staticmethod
    def _with_named(
        ranked: list[str],
        named: set[str],
        found: dict[str, tuple[str, str, dict[str, Any]]],
        k: int,
        reserved: int,
    ) -> list[str]:
        """The first `k` of the ranking, with at least `reserved` of them from the named
        documents when it has that many: their best passages take the places of the lowest
        others, and the ranking's order is kept."""
        top = ranked[:k]
        reserved = min(reserved, k)
        if not named or not reserved:
            return top
        of_named = [key for key in ranked if found[key][2].get("source") in named][:reserved]
        missing = [key for key in of_named if key not in top]
        if not missing:
            return top
        others = [key for key in top if found[key][2].get("source") not in named]
        dropped = set(others[len(others) - len(missing) :])
        kept = set(top) - dropped | set(missing)
        return [key for key in ranked if key in kept]

    @staticmethod
    def _without_copies(
        fused: dict[str, float],
        found: dict[str, tuple[str, str, dict[str, Any]]],
        named: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> list[str]:
        """The ranking with each text once: copies of a text in several files embed apart
        (each under its own document's identity) but must not fill the top passages. A text
        ranks by its best copy and is cited at its first occurrence (by file name) in the
        documents the question names, if any has it, else in all ("GPL-3", not its copy
        "GPL", for a question on GPL version 3); that copy takes the best copy's score."""
        copies: dict[str, list[str]] = {}
        for key in sorted(fused, key=fused.__getitem__, reverse=True):
            copies.setdefault(found[key][1], []).append(key)
        ranked = []
        for keys in copies.values():
            first = min(
                keys,
                key=lambda key: (
                    found[key][2].get("source") not in named,
                    first_occurrence(found[key][2]),
                ),
            )
            fused[first] = fused[keys[0]]
            ranked.append(first)
        return ranked

    def _scope(self, query: str, sources: list[str] | None) -> set[str]:
        """The documents the question names by identity, within `sources` when given; none
        when it names no document in particular (`named_by_parts`)."""
        self.lexical.refresh()
        identities = self.lexical.identities()
        if sources:
            identities = {s: terms for s, terms in identities.items() if s in set(sources)}
        titles = {s: t for s, t in self.lexical.titles().items() if s in identities}
        tuned = self.settings.answerer
        parts = question_parts(query, tuned.min_question_part_words)
        return named_by_parts(parts, identities, tuned.distinctive_max_zipf, titles)

    def _sentence_similarities(
        self, query: list[float], vector_ids: list[str]
    ) -> dict[str, list[tuple[int, int, float]]]:
        """Each returned passage's sentences as (start, end, similarity to the query),
        offsets in the passage text: the answerer's measure of which sentence says what
        was asked, from vectors stored at indexing (no model call here)."""
        stored = self.store.sentence_vectors(vector_ids)
        return {
            vid: [
                (span.start, span.end, score)
                for span, score in sentence_similarities(encoded, query).items()
            ]
            for vid, encoded in stored.items()
        }
