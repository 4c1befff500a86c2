"""Indexing through the real stack: the bundled model and a persistent Chroma store on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_index, make_settings

from assistant.ingest.indexer import Indexer
from assistant.ingest.loaders import load_corpus
from assistant.service import Assistant
from assistant.store.chroma import ModelMismatchError, Store, open_store
from assistant.text.sentences import sentence_spans


def store_chunks(store) -> dict[str, dict]:
    ids, texts, metas = store.all_chunks()
    return {cid: {**meta, "text": text} for cid, text, meta in zip(ids, texts, metas)}


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a text layer, assembled by hand with correct xref offsets."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


@pytest.mark.slow
def test_every_chunk_equals_its_source_slice(shipped_index) -> None:
    store, _ = open_store(shipped_index)
    documents = {
        d.source: d.text for d in load_corpus(shipped_index.corpus_dir, shipped_index.load_limits)
    }
    chunks = store_chunks(store)
    assert len(chunks) > 50
    assert {c["source"] for c in chunks.values()} == set(documents)
    for chunk in chunks.values():
        assert documents[chunk["source"]][chunk["start"] : chunk["end"]] == chunk["text"]
    for source, text in documents.items():
        assert store.document_text(source) == text


def _vector_ids(store: Store) -> set[str]:
    """The unique vectors the stored chunks have."""
    return {str(meta["vector_id"]) for meta in store.chunks.get(include=["metadatas"])["metadatas"]}


@pytest.mark.slow
def test_incremental_runs(tmp_path: Path, corpus_copy: Path) -> None:
    settings = make_settings(tmp_path)
    store, embeddings, first = build_index(settings)
    assert len(first.added) == 5 and first.chunks_embedded == first.chunks_total
    before = store_chunks(store)

    rerun = Indexer(settings, store, embeddings, progress=False).run()
    assert (rerun.chunks_embedded, rerun.added, rerun.updated, rerun.removed) == (0, [], [], [])
    assert len(rerun.unchanged) == 5

    edited = corpus_copy / "003_13730679fda5be95.txt"
    edited.write_text(edited.read_text() + "\n\nA new closing paragraph about Ningbo's port.\n")
    after_edit = Indexer(settings, store, embeddings, progress=False).run()
    assert after_edit.updated == ["003_13730679fda5be95.txt"]
    assert 1 <= after_edit.chunks_embedded <= 2, "only the new text is embedded"
    chunks = store_chunks(store)
    untouched = {cid for cid, c in before.items() if c["source"] != "003_13730679fda5be95.txt"}
    assert untouched <= set(chunks), "ids of chunks in untouched files do not change"
    assert any("Ningbo's port" in c["text"] for c in chunks.values())

    sources = corpus_copy / "sources.toml"
    sources.write_text(sources.read_text().replace("Local Two Sessions Conclude", "Renamed"))
    retitled = Indexer(settings, store, embeddings, progress=False).run()
    assert retitled.updated == ["004_b50e778ab4cb29c7.txt"]
    assert retitled.chunks_embedded == len(
        [c for c in store_chunks(store).values() if c["source"] == "004_b50e778ab4cb29c7.txt"]
    ), "the title is embedded with each chunk, so a new title re-embeds them"
    # Each chunk keeps its id under its new vector; its old vector goes with no chunk left
    # to it, or it would take a place in every dense search and return nothing.
    assert store.unique_vectors.count() == len(_vector_ids(store))

    # A store written before that held such vectors: the next pipeline change sweeps them.
    store.unique_vectors.upsert(ids=["orphan"], embeddings=[[0.1] * embeddings.dimension])
    rechunked = settings.model_copy(update={"chunk_overlap_tokens": 29})
    changed_pipeline = Indexer(rechunked, store, embeddings, progress=False).run()
    assert len(changed_pipeline.updated) == 5
    assert changed_pipeline.chunks_embedded == changed_pipeline.chunks_total, (
        "a new pipeline (chunking, model or embedding input) reuses no stored vector"
    )
    assert not store.unique_vectors.get(ids=["orphan"])["ids"]
    assert store.unique_vectors.count() == len(_vector_ids(store))

    (corpus_copy / "004_b50e778ab4cb29c7.txt").unlink()
    after_delete = Indexer(rechunked, store, embeddings, progress=False).run()
    assert after_delete.removed == ["004_b50e778ab4cb29c7.txt"]
    remaining = store_chunks(store)
    assert not any(c["source"] == "004_b50e778ab4cb29c7.txt" for c in remaining.values())
    assert "004_b50e778ab4cb29c7.txt" not in store.document_records()


@pytest.mark.slow
def test_bad_files_are_reported_and_the_rest_indexed(tmp_path: Path, corpus_copy: Path) -> None:
    (corpus_copy / "empty.txt").write_text("")
    (corpus_copy / "blank.md").write_text("   \n\n  ")
    (corpus_copy / "binary.txt").write_bytes(b"abc\x00\x01\x02" * 100)
    (corpus_copy / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (corpus_copy / "huge.txt").write_text("x" * 300_000)
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (corpus_copy / "notes.docx").write_bytes(b"PK\x03\x04")  # a broken Word file
    (corpus_copy / "slides.pptx").write_bytes(b"PK\x03\x04")
    (corpus_copy / "page.html").write_text(
        "<html><head><title>Harbour note</title><script>var x = 'hidden';</script></head>"
        "<body><p>Qingdao expanded its container harbour in 2025.</p></body></html>"
    )
    (corpus_copy / "scan.pdf").write_bytes(minimal_pdf("Tianjin opened a hydrogen hub."))
    (corpus_copy / "notes.md").write_text("# Harbour notes\n\nXiamen widened its channel.\n")
    (corpus_copy / "deep.html").write_text("<html><body>" + "<div>" * 5000 + "Deep.</body></html>")
    settings = make_settings(tmp_path, max_file_mb=0.2)
    store, _, report = build_index(settings)
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.md"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "too large" in reasons["huge.txt"]
    assert "broken PDF" in reasons["broken.pdf"]
    assert "not a readable Word document" in reasons["notes.docx"]
    assert "unsupported" in reasons["slides.pptx"]
    assert reasons["deep.html"] == "its markup is nested too deeply to read"
    assert len(reasons) == 9
    assert set(report.added) == {
        *(p.name for p in corpus_copy.glob("0*.txt")),
        "page.html",
        "scan.pdf",
        "notes.md",
    }
    records = store.document_records()
    assert records["page.html"].metadata["title"] == "Harbour note"
    assert records["notes.md"].metadata["title"] == "Harbour notes"
    assert "hidden" not in store.document_text("page.html")
    assert "Tianjin opened a hydrogen hub." in store.document_text("scan.pdf")


@pytest.mark.slow
def test_a_broken_edit_keeps_the_indexed_version(tmp_path: Path, corpus_copy: Path) -> None:
    settings = make_settings(tmp_path)
    store, embeddings, _ = build_index(settings)
    before = store_chunks(store)
    (corpus_copy / "003_13730679fda5be95.txt").write_bytes(b"\xff\xfe broken")
    report = Indexer(settings, store, embeddings, progress=False).run()
    assert [s.source for s in report.skipped] == ["003_13730679fda5be95.txt"]
    assert report.removed == []
    assert store_chunks(store) == before


class FailingEmbeddings:
    """Delegates to the real model, then fails, as a crash in the middle of a run would."""

    def __init__(self, real, fail_after_calls: int) -> None:
        self.real, self.calls, self.fail_after = real, 0, fail_after_calls
        self.model_name = real.model_name

    def encode_with_sentences(self, texts, sentences):
        self.calls += 1
        if self.calls > self.fail_after:
            raise KeyboardInterrupt
        return self.real.encode_with_sentences(texts, sentences)


@pytest.mark.slow
def test_an_interrupted_run_leaves_a_usable_index(tmp_path: Path, corpus_copy: Path) -> None:
    settings = make_settings(tmp_path)
    store, embeddings, _ = build_index(settings)
    changed = [p for p in sorted(corpus_copy.glob("0*.txt")) if "Two Sessions" in p.read_text()]
    for path in changed:
        path.write_text(path.read_text().replace("Two Sessions", "Two-Sessions meetings"))
    interrupted = Indexer(settings, store, FailingEmbeddings(embeddings, 2), progress=False)
    interrupted.embed_group_chunks = 1  # one embedding call per document
    with pytest.raises(KeyboardInterrupt):
        interrupted.run()
    hits = store.query(embeddings.embed_query("provincial work reports GDP targets"), k=3)
    assert hits, "the store still answers queries after an interrupted run"
    finished = Indexer(settings, store, embeddings, progress=False).run()
    assert len(changed) >= 3
    assert len(finished.updated) == len(changed) - 2, "only unfinished documents are redone"
    texts = [c["text"] for c in store_chunks(store).values()]
    assert not any("Two Sessions" in t for t in texts)
    assert all(r.ready for r in store.document_records().values())


@pytest.mark.slow
def test_copied_sentence_finds_its_document_first(shipped_index) -> None:
    store, embeddings = open_store(shipped_index)
    for source in sorted(store.document_records()):
        text = store.document_text(source)
        span = max(sentence_spans(text), key=lambda s: s.end - s.start)
        best = store.query(embeddings.embed_query(text[span.start : span.end]), k=1)[0]
        assert best[2]["source"] == source
        assert best[2]["start"] <= span.start < best[2]["end"], "the chunk holding the sentence"


@pytest.mark.slow
def test_refuses_to_mix_embedding_models(shipped_index) -> None:
    other = shipped_index.model_copy(update={"embedding_model": "paraphrase-MiniLM-L3-v2"})
    with pytest.raises(ModelMismatchError, match="--rebuild"):
        open_store(other)


@pytest.mark.slow
def test_interrupted_rebuild_leaves_the_index_whole(tmp_path: Path, corpus_copy: Path) -> None:
    settings = make_settings(tmp_path, corpus=corpus_copy)
    store, _, first = build_index(settings)
    before = store_chunks(store)
    generation = store.generation

    class Interrupted(Exception):
        pass

    def interrupt(done: float, source: str) -> None:
        raise Interrupted(source)

    staging, embeddings = open_store(settings, rebuild=True)
    with pytest.raises(Interrupted):
        Indexer(settings, staging, embeddings, progress=False).run(on_progress=interrupt)
    reopened, _ = open_store(settings)
    assert store_chunks(reopened) == before
    assert Assistant(settings).ask("What GDP growth target did Ningbo set for 2025?").citations

    rebuilt, embeddings = open_store(settings, rebuild=True)
    report = Indexer(settings, rebuilt, embeddings, progress=False).run()
    assert report.chunks_total == first.chunks_total == len(before)
    reopened, _ = open_store(settings)
    assert store_chunks(reopened).keys() == before.keys()
    assert reopened.generation > generation, "caches built on the old index must rebuild"
    names = {collection.name for collection in reopened.client.list_collections()}
    assert names == {settings.collection + suffix for suffix in ("", "_documents", "_vectors")}


@pytest.mark.slow
def test_the_next_run_removes_what_an_interrupted_rebuild_left(
    tmp_path: Path, corpus_copy: Path
) -> None:
    settings = make_settings(tmp_path, corpus=corpus_copy)
    build_index(settings)

    def interrupt(done: float, source: str) -> None:
        raise KeyboardInterrupt

    staging, embeddings = open_store(settings, rebuild=True)
    with pytest.raises(KeyboardInterrupt):
        Indexer(settings, staging, embeddings, progress=False).run(on_progress=interrupt)
    left = {c.name for c in staging.client.list_collections()} - {settings.collection}
    assert any(name.endswith("_rebuild") for name in left)

    store, embeddings = open_store(settings)
    report = Indexer(settings, store, embeddings, progress=False).run()

    assert sorted(report.staging_dropped) == sorted(n for n in left if n.endswith("_rebuild"))
    names = {collection.name for collection in store.client.list_collections()}
    assert names == {settings.collection + suffix for suffix in ("", "_documents", "_vectors")}
    assert "interrupted --rebuild" in report.summary()


@pytest.mark.slow
def test_identical_chunks_in_several_files_are_met_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (Path(__file__).resolve().parents[3] / "corpus" / "003_13730679fda5be95.txt").read_text()
    for name in ("a.txt", "b.txt", "c.txt"):
        (corpus / name).write_text(text)
    settings = make_settings(tmp_path)
    store, embeddings, report = build_index(settings)
    per_file = report.chunks_total // 3
    # Each copy embeds under its own document's identity (its file name), so the copies are
    # vectors of their own; a question still meets the text once.
    assert store.chunks.count() == 3 * per_file == store.unique_vectors.count()

    assistant = Assistant(settings)
    question = "What GDP growth target did Ningbo set for 2025?"
    assert assistant.ask(question).citations[0].source == "a.txt", "the first occurrence"
    assert assistant.ask(question, sources=["c.txt"]).citations[0].source == "c.txt"
    passages = assistant.retrieve(question, k=5)
    assert len({p.page_content for p in passages}) == 5, "copies do not fill the top passages"

    (corpus / "a.txt").unlink()
    Indexer(settings, store, embeddings, progress=False).run()
    assert store.unique_vectors.count() == 2 * per_file, "b and c keep their vectors"
    assert Assistant(settings).ask(question).citations[0].source == "b.txt"
    (corpus / "b.txt").unlink()
    (corpus / "c.txt").unlink()
    Indexer(settings, store, embeddings, progress=False).run()
    assert store.chunks.count() == store.unique_vectors.count() == 0


@pytest.mark.slow
def test_a_sites_repeated_tagline_reaches_no_chunk_and_a_rerun_changes_nothing(
    tmp_path: Path,
) -> None:
    site = tmp_path / "corpus" / "manual"
    site.mkdir(parents=True)
    for n in range(8):
        (site / f"port{n}.html").write_text(
            f"<html><body><h1>Port {n}</h1><p>Harbour {n} handles {n + 2} million "
            "containers a year.</p><div><p>Small. Fast. Reliable.</p></div></body></html>"
        )
    settings = make_settings(tmp_path)
    store, embeddings, report = build_index(settings)
    assert len(report.added) == 8
    chunks = store_chunks(store)
    assert not [c for c in chunks.values() if "Reliable" in c["text"]]
    assert "Harbour 5 handles 7 million containers a year." in store.document_text(
        "manual/port5.html"
    )
    again = Indexer(settings, store, embeddings, progress=False).run()
    assert len(again.unchanged) == 8 and not again.changed


@pytest.mark.slow
def test_every_sentence_of_a_retrieved_passage_has_its_similarity(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text(
        "The festival draws large crowds every spring. Files kept in the archive folder "
        "survive when the machine is switched off and on again. The committee meets on "
        "Tuesdays in the old library.\n"
    )
    settings = make_settings(tmp_path)
    build_index(settings)
    (passage,) = Assistant(settings).retrieve("Which data is preserved across reboots?", k=1)
    text = passage.page_content
    scores = {text[a:b]: score for a, b, score in passage.metadata["sentence_similarities"]}
    assert len(scores) == 3, "one similarity per sentence"
    assert max(scores, key=scores.__getitem__).startswith("Files kept in the archive folder")


@pytest.mark.slow
def test_chunks_an_edit_leaves_unchanged_keep_their_sentence_vectors(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    source = Path(__file__).resolve().parents[3] / "corpus" / "003_13730679fda5be95.txt"
    (corpus / "a.txt").write_text(source.read_text())
    settings = make_settings(tmp_path)
    store, embeddings, first = build_index(settings)

    def sentences_stored() -> dict[str, str]:
        stored = store.unique_vectors.get(include=["metadatas"])
        return {vid: str(m["sentences"]) for vid, m in zip(stored["ids"], stored["metadatas"])}

    before = sentences_stored()
    with (corpus / "a.txt").open("a") as text:
        text.write("\n\nA paragraph added later says the weather in May was mild.\n")
    report = Indexer(settings, store, embeddings, progress=False).run()
    after = sentences_stored()
    assert 0 < report.chunks_embedded < first.chunks_total, "most chunks were reused"
    assert all(after.values()), "reused and new chunks alike have sentence vectors"
    assert {vid: after[vid] for vid in before if vid in after} == {
        vid: before[vid] for vid in before if vid in after
    }
