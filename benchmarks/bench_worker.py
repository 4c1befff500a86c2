"""One benchmark phase per process: `bench_worker.py PHASE [options]` prints one JSON line.

Run by run.py (through bench_common.worker) so each phase starts cold and its peak memory is
its own. Imports are inside the phases so a phase pays only for what it uses.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

# The sentence the no-op/edit phase changes in the shipped 001 document.
EDIT_FILE = "001_bc4c9ae94d1ba09a.txt"
EDIT_FROM = "The most important indicator is the GDP growth target"
EDIT_TO = "The single most important indicator is the GDP growth target"


def _load_model(batch_size: int | None = None) -> tuple[Any, float, float]:
    """Import the stack and load the embedding model before anything is timed."""
    started = time.perf_counter()
    from assistant.config import Settings
    from assistant.store.embeddings import get_embeddings

    imported = time.perf_counter() - started
    settings = Settings()
    embeddings = get_embeddings(
        settings.embedding_model,
        batch_size or settings.embedding_batch_size,
        1,
        settings.embedding_backend,
        settings.onnx_export_dir,
    )
    started = time.perf_counter()
    embeddings.encode(["load the model and warm it up"])
    return embeddings, imported, time.perf_counter() - started


def phase_index(args: argparse.Namespace) -> dict[str, Any]:
    """Pipeline from empty (reps), model alone on the same chunk texts, no-op, one edit."""
    from bench_common import load_average

    embeddings, import_s, load_s = _load_model()
    from assistant.config import Settings
    from assistant.ingest.indexer import Indexer
    from assistant.store.chroma import open_store

    out: dict[str, Any] = {"import_s": import_s, "model_load_s": load_s}
    cache = Path(args.cache_from) if args.cache_from else None
    if cache:
        started = time.perf_counter()
        recording = _recording(embeddings, cache, keep=False)
        out["cache"] = {"load_s": time.perf_counter() - started, "file": str(cache)}
    else:
        recording = _recording(embeddings, None, keep=args.model_alone or bool(args.save_record))
    corpus, root = Path(args.corpus), Path(args.index)
    pipeline_runs, model_runs = [], []
    # CPU seconds of this process (all its threads) and the load as each run ends: on a
    # shared machine they tell a slow run that waited for the CPU from one that did more.
    pipeline_cpu, model_cpu, pipeline_load, model_load = [], [], [], []
    pipeline_model = []  # of each pipeline run, the seconds spent in the model's calls
    store = settings = None
    for rep in range(args.reps):
        index_dir = root if rep == args.reps - 1 else root.with_name(f"{root.name}-rep{rep}")
        settings = Settings(corpus_dir=corpus, index_dir=index_dir)
        store, _ = open_store(settings)
        type(recording).inputs, type(recording).outputs = [], []
        type(recording).count, type(recording).distinct = 0, set()
        type(recording).model_s = 0.0
        started, cpu = time.perf_counter(), time.process_time()
        report = Indexer(settings, store, recording, progress=False).run()
        seconds = time.perf_counter() - started
        pipeline_runs.append(seconds)
        pipeline_model.append(recording.model_s)
        pipeline_cpu.append(time.process_time() - cpu)
        pipeline_load.append(load_average())
        out |= {
            "documents": len(report.added),
            "skipped": [f"{s.source}: {s.reason}" for s in report.skipped],
            "chunks": report.chunks_total,
            "chunks_embedded": report.chunks_embedded,
            "tokens_embedded": report.tokens_embedded,
            "texts_embedded": recording.count,
            "distinct_texts": len(recording.distinct),
            "example_input": recording.inputs[1][:300] if len(recording.inputs) > 1 else "",
        }
        if args.model_alone:  # exactly the texts the pipeline gave the model, one call
            from assistant.text.token_count import count_tokens

            out["input_tokens"] = sum(count_tokens(text) for text in recording.inputs)
            started, cpu = time.perf_counter(), time.process_time()
            embeddings.embed_documents(list(recording.inputs))
            model_runs.append(time.perf_counter() - started)
            model_cpu.append(time.process_time() - cpu)
            model_load.append(load_average())
        if index_dir != root:
            del store
            shutil.rmtree(index_dir, ignore_errors=True)
    out["pipeline_s"] = pipeline_runs
    out["model_alone_s"] = model_runs
    out["pipeline_in_model_s"] = pipeline_model
    out["pipeline_cpu_s"] = pipeline_cpu
    out["model_alone_cpu_s"] = model_cpu
    out["load_after_pipeline"] = pipeline_load
    out["load_after_model_alone"] = model_load
    if cache:
        out["cache"] |= {"hits": recording.hits, "misses": recording.misses}
    if args.save_record:
        _save_record(recording, Path(args.save_record))
    assert store is not None and settings is not None
    if args.noop:
        noops = []
        for _ in range(5):
            started = time.perf_counter()
            report = Indexer(settings, store, embeddings, progress=False).run()
            noops.append(time.perf_counter() - started)
            assert not report.changed and report.chunks_embedded == 0
        out["noop_s"] = noops
    if args.edit:
        path = corpus / EDIT_FILE
        path.write_text(path.read_text(encoding="utf-8").replace(EDIT_FROM, EDIT_TO, 1))
        started = time.perf_counter()
        report = Indexer(settings, store, embeddings, progress=False).run()
        out["edit"] = {
            "seconds": time.perf_counter() - started,
            "updated": report.updated,
            "chunks_embedded": report.chunks_embedded,
            "tokens_embedded": report.tokens_embedded,
            "chunks_removed": report.chunks_removed,
        }
    return out


def _recording(embeddings: Any, cache: Path | None, keep: bool) -> Any:
    """The same loaded model, recording every text the pipeline embeds (and its vector).

    The record gives the model-alone measurement exactly the pipeline's inputs (chunks with
    whatever header the indexer adds, and titles), and is saved as a cache for a later run.
    With `cache`, a text recorded by an earlier run gets the vector the same model computed
    for the same text then; every other text is embedded as usual (used at 1000x only).
    Without `keep` only counts are kept, so the record does not inflate the peak memory.
    """
    from assistant.store.embeddings import SentenceTransformerEmbeddings

    rows: dict[str, int] = {}
    matrix = np.zeros((0, 0), dtype=np.float32)
    if cache:
        rows = {text: i for i, text in enumerate(json.loads(cache.read_text()))}
        matrix = np.load(cache.with_suffix(".npy"))

    class Recording(SentenceTransformerEmbeddings):
        inputs: ClassVar[list[str]] = []
        outputs: ClassVar[list[np.ndarray]] = []
        hits = 0
        misses = 0
        count = 0
        model_s = 0.0  # wall time inside the model (chunk and sentence vectors)
        distinct: ClassVar[set[int]] = set()

        def encode_with_sentences(
            self, texts: Sequence[str], sentences: Sequence[Sequence[Any]]
        ) -> list[tuple[list[float], list[Any], np.ndarray]]:
            # A cached text gets its vector and no sentence vectors: the cache holds chunk
            # vectors only, and the runs that use it measure indexing, not answers.
            missing = [i for i, t in enumerate(texts) if t not in rows]
            started = time.perf_counter()
            computed = super().encode_with_sentences(
                [texts[i] for i in missing], [sentences[i] for i in missing]
            )
            Recording.model_s += time.perf_counter() - started
            fresh = dict(zip(missing, computed, strict=True))
            none = np.zeros((0, 0), dtype=np.float32)
            results = [
                fresh[i] if i in fresh else (matrix[rows[t]].tolist(), [], none)
                for i, t in enumerate(texts)
            ]
            Recording.hits += len(texts) - len(missing)
            Recording.misses += len(missing)
            Recording.count += len(texts)
            Recording.distinct.update(hash(t) for t in texts)
            if keep:
                Recording.inputs += list(texts)
                Recording.outputs.append(np.asarray([r[0] for r in results], dtype=np.float32))
            return results

    recording = Recording(
        embeddings.model_name,
        embeddings.batch_size,
        backend=embeddings.backend,
        onnx_cache_dir=embeddings._onnx_cache_dir,
    )
    loaded = "_onnx" if embeddings.backend == "onnx" else "_model"
    recording.__dict__[loaded] = getattr(embeddings, loaded)  # share the loaded model
    return recording


def _save_record(recording: Any, path: Path) -> None:
    """Texts as JSON and vectors as .npy beside it: the cache a later run can load."""
    unique: dict[str, int] = {}
    for i, text in enumerate(recording.inputs):
        unique.setdefault(text, i)
    vectors = np.concatenate(recording.outputs) if recording.outputs else np.zeros((0, 384))
    path.write_text(json.dumps(list(unique)))
    np.save(path.with_suffix(".npy"), vectors[list(unique.values())])


def _questions(golden: str | None) -> list[tuple[str, list[dict[str, str]]]]:
    """What the query phases ask, each with its conversation so far: the shipped corpus's
    list from bench_common, or every case of a golden file (follow-ups with their history,
    as `assistant eval` asks them), so another corpus is timed on its own questions."""
    if not golden:
        from bench_common import QUESTIONS

        return [(question, []) for question in QUESTIONS]
    from assistant.evaluation.golden import parse_case

    lines = Path(golden).read_text(encoding="utf-8").splitlines()
    cases = [parse_case(json.loads(line)) for line in lines if line.strip()]
    return [(case.question, list(case.history)) for case in cases]


def phase_query(args: argparse.Namespace) -> dict[str, Any]:
    """Warm `ask` latency per stage over the question list, repeated."""
    from assistant.config import Settings
    from assistant.service import Assistant

    questions = _questions(args.golden)
    started = time.perf_counter()
    assistant = Assistant(Settings(corpus_dir=Path(args.corpus), index_dir=Path(args.index)))
    construct_s = time.perf_counter() - started
    started = time.perf_counter()
    first = assistant.ask(*questions[0])
    first_ask_s = time.perf_counter() - started  # model load + BM25 build happen here
    for question, history in questions[1:4]:
        assistant.ask(question, history)
    stages: dict[str, list[float]] = {}
    wall: list[float] = []
    abstained = 0
    for _ in range(args.reps):
        for question, history in questions:
            started = time.perf_counter()
            result = assistant.ask(question, history)
            wall.append((time.perf_counter() - started) * 1000)
            abstained += result.abstained
            for stage, ms in result.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
    return {
        "construct_s": construct_s,
        "first_ask_s": first_ask_s,
        "first_answer": first.answer[:200],
        "wall_ms": wall,
        "stages_ms": stages,
        "abstained": abstained,
        "asked": len(wall),
    }


def phase_profile_query(args: argparse.Namespace) -> dict[str, Any]:
    """cProfile of warm asks: the functions that cost the most, cumulative."""
    import cProfile
    import io
    import pstats

    from assistant.config import Settings
    from assistant.service import Assistant

    questions = _questions(args.golden)
    assistant = Assistant(Settings(corpus_dir=Path(args.corpus), index_dir=Path(args.index)))
    for question, history in questions[:4]:
        assistant.ask(question, history)
    profile = cProfile.Profile()
    profile.enable()
    for question, history in questions:
        assistant.ask(question, history)
    profile.disable()
    stream = io.StringIO()
    pstats.Stats(profile, stream=stream).sort_stats("cumulative").print_stats(45)
    return {"profile": stream.getvalue()}


def phase_embed_probe(args: argparse.Namespace) -> dict[str, Any]:
    """Model throughput on the shipped chunks and single-query latency, for thread settings."""
    import torch
    from bench_common import QUESTIONS

    from assistant.config import Settings
    from assistant.ingest.chunking import ChunkSizes, chunk_text
    from assistant.ingest.loaders import LoadedDocument, load_corpus

    embeddings, _, _ = _load_model()
    settings = Settings()
    sizes = ChunkSizes(
        settings.chunk_tokens, settings.chunk_overlap_tokens, settings.min_chunk_tokens
    )
    texts = [
        chunk.text
        for document in load_corpus(Path(args.corpus), settings.load_limits)
        if isinstance(document, LoadedDocument)
        for chunk in chunk_text(document.source, document.text, sizes)
    ]
    batch = []
    for _ in range(3):
        started = time.perf_counter()
        embeddings.embed_documents(texts)
        batch.append(time.perf_counter() - started)
    single = []
    for _ in range(3):
        for question in QUESTIONS:
            started = time.perf_counter()
            embeddings.embed_query(question)
            single.append((time.perf_counter() - started) * 1000)
    return {"threads": torch.get_num_threads(), "batch_s": batch, "query_ms": single}


def phase_baseline(args: argparse.Namespace) -> dict[str, Any]:
    """The plain LangChain recipe: split 1000/200, Chroma, similarity_search k=4."""
    import chromadb
    from bench_common import QUESTIONS
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.config import Settings
    from assistant.ingest.loaders import LoadedDocument, load_corpus
    from assistant.text.token_count import count_tokens

    embeddings, import_s, load_s = _load_model()
    corpus = Path(args.corpus)
    client = chromadb.PersistentClient(
        path=args.index, settings=ChromaSettings(anonymized_telemetry=False)
    )
    runs = []
    for rep in range(3):  # like ours: several runs from empty, the fastest is reported
        if rep:
            client.delete_collection("baseline")
        started = time.perf_counter()
        documents = [
            d for d in load_corpus(corpus, Settings().load_limits) if isinstance(d, LoadedDocument)
        ]
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        chunks = splitter.create_documents(
            [d.text for d in documents], [{"source": d.source} for d in documents]
        )
        store = Chroma(collection_name="baseline", embedding_function=embeddings, client=client)
        store.add_documents(chunks)
        runs.append(time.perf_counter() - started)
    index_s = min(runs)
    tokens = sum(count_tokens(c.page_content) for c in chunks)
    for question in QUESTIONS[:4]:
        store.similarity_search(question, k=4)
    wall = []
    for _ in range(args.reps):
        for question in QUESTIONS:
            started = time.perf_counter()
            store.similarity_search(question, k=4)
            wall.append((time.perf_counter() - started) * 1000)
    return {
        "import_s": import_s,
        "model_load_s": load_s,
        "index_s": index_s,
        "index_runs_s": runs,
        "chunks": len(chunks),
        "tokens": tokens,
        "wall_ms": wall,
    }


def phase_baseline_ask(args: argparse.Namespace) -> dict[str, Any]:
    """A new process answering one question the baseline way (cold start)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    from assistant.config import Settings
    from assistant.store.embeddings import get_embeddings

    settings = Settings()
    embeddings = get_embeddings(settings.embedding_model, settings.embedding_batch_size)
    client = chromadb.PersistentClient(
        path=args.index, settings=ChromaSettings(anonymized_telemetry=False)
    )
    store = Chroma(collection_name="baseline", embedding_function=embeddings, client=client)
    found = store.similarity_search(args.question, k=4)
    return {"sources": [d.metadata.get("source") for d in found]}


def phase_profile_index(args: argparse.Namespace) -> dict[str, Any]:
    """cProfile of one pipeline run from empty (model loaded first)."""
    import cProfile
    import io
    import pstats

    from assistant.config import Settings
    from assistant.ingest.indexer import Indexer
    from assistant.store.chroma import open_store

    embeddings, _, _ = _load_model()
    settings = Settings(corpus_dir=Path(args.corpus), index_dir=Path(args.index))
    store, _ = open_store(settings)
    profile = cProfile.Profile()
    profile.enable()
    Indexer(settings, store, embeddings, progress=False).run()
    profile.disable()
    stream = io.StringIO()
    pstats.Stats(profile, stream=stream).sort_stats("cumulative").print_stats(40)
    return {"profile": stream.getvalue()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("phase")
    parser.add_argument("--corpus")
    parser.add_argument("--index")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--model-alone", action="store_true")
    parser.add_argument("--noop", action="store_true")
    parser.add_argument("--edit", action="store_true")
    parser.add_argument("--cache-from", help="texts JSON written by --save-record")
    parser.add_argument("--save-record", help="write the embedded texts and vectors here")
    parser.add_argument("--question")
    parser.add_argument("--golden", help="query phases: ask this golden file's questions")
    args = parser.parse_args()
    phases = {
        "index": phase_index,
        "query": phase_query,
        "profile-query": phase_profile_query,
        "profile-index": phase_profile_index,
        "baseline": phase_baseline,
        "baseline-ask": phase_baseline_ask,
        "embed-probe": phase_embed_probe,
    }
    result = phases[args.phase](args)
    result["median"] = {
        key: statistics.median(value)
        for key, value in result.items()
        if isinstance(value, list) and value and isinstance(value[0], float)
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
