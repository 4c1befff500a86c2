"""The lexical index a process builds is saved beside the index and loaded by the next
process while the index is unchanged; any change to the index (or to the code that builds
it) means a new build. Real model, real Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_index, copy_corpus, make_settings

from assistant.ingest.indexer import Indexer
from assistant.store import bm25
from assistant.store.bm25 import LEXICAL_DIR, LexicalIndex
from assistant.store.chroma import Store, open_store

QUESTION = "What GDP growth target did Ningbo set for 2025?"


def state(lexical: LexicalIndex) -> tuple:
    """Everything a search, a citation or an answer reads from the lexical index."""
    hits = lexical.search(QUESTION, 10)
    return (
        lexical.ids,
        lexical.texts,
        lexical.metadatas,
        lexical.occurrences,
        lexical.identities(),
        {source: lexical.source_text(source) for source in lexical.identities()},
        [(hit.index, round(hit.score, 9)) for hit in hits],
        [round(lexical.idf(token), 9) for token in ("ningbo", "gdp", "unseen")],
    )


class Builds:
    """Counts how often the store's chunks are read to build the index."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        read = Store.all_chunks

        def counted(store: Store):
            self.count += 1
            return read(store)

        monkeypatch.setattr(Store, "all_chunks", counted)


class Interrupted:
    """Embeddings that fail as soon as a run embeds anything."""

    model_name = "all-MiniLM-L6-v2"

    def encode_with_sentences(self, texts, sentences):
        raise KeyboardInterrupt


@pytest.mark.slow
def test_a_new_process_loads_the_build_until_the_index_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    settings = make_settings(tmp_path)
    store, embeddings, _ = build_index(settings)
    builds = Builds(monkeypatch)
    built = LexicalIndex(store)
    built.refresh()
    assert builds.count == 1 and len(list((settings.index_dir / LEXICAL_DIR).iterdir())) == 1

    loaded = LexicalIndex(open_store(settings)[0])  # as a new process opens it
    loaded.refresh()
    assert builds.count == 1, "loaded, not built"
    assert state(loaded) == state(built) and loaded.search(QUESTION, 5)

    monkeypatch.setattr(bm25, "_code_digest", lambda: "other code")
    LexicalIndex(open_store(settings)[0]).refresh()
    assert builds.count == 2, "a build saved by other code is not used"
    monkeypatch.undo()
    builds = Builds(monkeypatch)

    edited = corpus / "003_13730679fda5be95.txt"
    edited.write_text(edited.read_text() + "\n\nThe Blorptown harbour opened a jellyfish hall.\n")
    Indexer(settings, store, embeddings, progress=False).run()
    after = LexicalIndex(open_store(settings)[0])
    after.refresh()
    assert builds.count == 1 and any("jellyfish hall" in text for text in after.texts)
    assert len(list((settings.index_dir / LEXICAL_DIR).iterdir())) == 1, "older builds go"

    edited.write_text(edited.read_text().replace("jellyfish hall", "seal pool"))
    with pytest.raises(KeyboardInterrupt):
        Indexer(settings, store, Interrupted(), progress=False).run()
    cut_short = LexicalIndex(open_store(settings)[0])
    cut_short.refresh()
    assert builds.count == 2, "a run cut short moved the generation before writing"
