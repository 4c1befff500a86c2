"""A re-index costs a stat per unchanged file: files are hashed only when their stat moved
and read by their extractor only when their bytes (or listing, or site) changed. Real
model, real Chroma; a spy counts the files the loader reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import build_index, copy_corpus, make_settings, run_cli

from assistant.ingest import loaders, manifest
from assistant.ingest.indexer import Indexer
from assistant.service import Assistant
from assistant.store import chroma

TXT = "003_13730679fda5be95.txt"
TAGLINE = "<div><p>Small. Fast. Reliable.</p></div>"


def page(n: int, tagline: bool = True) -> str:
    return (
        f"<html><body><h1>Port {n}</h1><p>Harbour {n} handles {n + 2} million containers "
        f"a year.</p>{TAGLINE if tagline else ''}</body></html>"
    )


class Spy:
    """Records the sources passed to a function and calls it."""

    def __init__(self, function, source_of) -> None:
        self.function, self.source_of, self.sources = function, source_of, []

    def __call__(self, *args):
        self.sources.append(self.source_of(*args))
        return self.function(*args)

    def take(self) -> list[str]:
        taken, self.sources = sorted(self.sources), []
        return taken


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> tuple[Spy, Spy]:
    """(files read by their extractor, files hashed by the manifest)."""
    read = Spy(loaders.load_file, lambda path, source, *_: source)
    hashed = Spy(manifest.file_hash, lambda path: path.name)
    monkeypatch.setattr(loaders, "load_file", read)
    monkeypatch.setattr(manifest, "file_hash", hashed)
    # The files were all written a moment ago: trust their stat as a later run would.
    monkeypatch.setattr(manifest, "TIMESTAMP_SLACK_NS", 0)
    return read, hashed


def touch(path: Path) -> None:
    """A new modification time, the same bytes."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


@pytest.mark.slow
def test_a_re_index_reads_only_what_changed(tmp_path: Path, spies: tuple[Spy, Spy]) -> None:
    read, hashed = spies
    corpus = copy_corpus(tmp_path / "corpus")
    site = corpus / "manual"
    site.mkdir()
    for n in range(8):
        (site / f"port{n}.html").write_text(page(n))
    (corpus / "empty.txt").write_text("")
    settings = make_settings(tmp_path)
    store, embeddings, first = build_index(settings)
    assert len(first.added) == 13 and [s.source for s in first.skipped] == ["empty.txt"]
    assert len(read.take()) == 14
    index = Indexer(settings, store, embeddings, progress=False)

    noop = manifest.up_to_date(settings)  # what `assistant index` asks before opening the store
    assert (
        noop is not None and len(noop.unchanged) == 13 and noop.chunks_total == first.chunks_total
    )
    assert [(s.source, s.reason) for s in noop.skipped] == [("empty.txt", "empty file")]
    again = index.run()
    assert not again.changed and len(again.unchanged) == 13 and len(again.skipped) == 1
    assert read.take() == [] and hashed.take() == []

    touch(corpus / TXT)
    touch(site / "port3.html")
    assert manifest.up_to_date(settings) is not None, "touched files are still unchanged"
    assert hashed.take() == [TXT, "port3.html"] and read.take() == []
    assert manifest.up_to_date(settings) is not None
    assert hashed.take() == [], "their new stat was recorded"
    touch(corpus / TXT)
    assert not index.run().changed
    assert hashed.take() == [TXT] and read.take() == []

    (corpus / TXT).write_text((corpus / TXT).read_text() + "\nA closing line about ports.\n")
    assert manifest.up_to_date(settings) is None
    edited = index.run()
    assert edited.updated == [TXT] and read.take() == [TXT]

    # Fewer than half the pages keep the tagline: it is no longer the site's furniture, so
    # the pages that kept it change too, though their bytes did not.
    for n in range(5):
        (site / f"port{n}.html").write_text(page(n, tagline=False))
    furnished = index.run()
    assert sorted(furnished.updated) == [f"manual/port{n}.html" for n in range(8)]
    assert read.take() == [f"manual/port{n}.html" for n in range(8)]
    assert "Small. Fast. Reliable." in store.document_text("manual/port6.html")

    (corpus / "sources.toml").write_text(
        (corpus / "sources.toml").read_text().replace("Local Two Sessions Conclude", "Renamed")
    )
    retitled = index.run()
    assert retitled.updated == ["004_b50e778ab4cb29c7.txt"]
    assert read.take() == ["004_b50e778ab4cb29c7.txt"]

    (corpus / "empty.txt").write_text("Qingdao's harbour handled a record tonnage in 2025.\n")
    (site / "port7.html").unlink()
    changed = index.run()
    assert changed.added == ["empty.txt"] and changed.removed == ["manual/port7.html"]
    assert read.take() == ["empty.txt", *(f"manual/port{n}.html" for n in range(7))]
    assert manifest.up_to_date(settings) is not None and read.take() == []


@pytest.mark.slow
def test_after_a_write_elsewhere_the_store_decides_but_files_are_not_read_again(
    tmp_path: Path, spies: tuple[Spy, Spy]
) -> None:
    read, _ = spies
    copy_corpus(tmp_path / "corpus")
    settings = make_settings(tmp_path)
    store, embeddings, _ = build_index(settings)
    read.take()
    manifest.forget(settings)  # as an upload or an interrupted run leaves it
    assert manifest.up_to_date(settings) is None
    rerun = Indexer(settings, store, embeddings, progress=False).run()
    assert len(rerun.unchanged) == 5 and read.take() == []
    assert manifest.up_to_date(settings) is not None

    store.delete_document(TXT)  # the store lost a document the manifest recorded
    manifest.forget(settings)
    restored = Indexer(settings, store, embeddings, progress=False).run()
    assert restored.added == [TXT] and read.take() == [TXT]

    rechunked = settings.model_copy(update={"chunk_overlap_tokens": 29})
    assert manifest.up_to_date(rechunked) is None, "settings that change chunks re-index"
    assert len(Indexer(rechunked, store, embeddings, progress=False).run().updated) == 5
    assert len(read.take()) == 5


@pytest.mark.slow
def test_a_no_op_index_beside_a_running_server_costs_the_server_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's freshness check is the store's: its database files' stat, then the
    generation. A no-op `assistant index` in another process leaves both alone, so the
    server neither reopens the store nor rebuilds its lexical index."""
    corpus = copy_corpus(tmp_path / "corpus")
    assert run_cli("index", "--quiet", cwd=tmp_path).returncode == 0
    server = Assistant(make_settings(tmp_path))
    calls = {"reads": 0, "opens": 0}
    read, make_client = chroma.Store.all_chunks, chroma.make_client

    def counted_read(store: chroma.Store):
        calls["reads"] += 1
        return read(store)

    def counted_open(settings):
        calls["opens"] += 1
        return make_client(settings)

    monkeypatch.setattr(chroma.Store, "all_chunks", counted_read)
    monkeypatch.setattr(chroma, "make_client", counted_open)
    question = "What GDP growth target did Ningbo set for 2025?"
    first = server.ask(question)
    assert calls == {"reads": 1, "opens": 0}
    for path in corpus.iterdir():
        touch(path)
    noop = run_cli("index", "--quiet", cwd=tmp_path)
    assert "Nothing to do" in noop.stdout, noop.stdout + noop.stderr
    assert server.ask(question).answer == first.answer
    assert calls == {"reads": 1, "opens": 0}
