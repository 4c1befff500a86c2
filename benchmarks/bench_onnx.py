"""Issue 29: the embedding model on ONNX Runtime against PyTorch, in one run.

    .venv/bin/python benchmarks/bench_onnx.py [--rounds 3] [--reps 5] [--chunks 400]

1. Vectors: every question of evals/golden*.jsonl and a few hundred chunk texts (as they are
   embedded: under their document's identity; the shipped corpus's and, when built, the eval
   corpora's beside the repository), embedded by each backend in batches and one by one, and
   each chunk's sentence vectors (`encode_with_sentences`); the cosine of each pair.
2. One question's embedding (`embed_query`), the backends taking turns question by question.
3. Indexing's model work: `encode_with_sentences` over the chunk texts, rounds alternating.
4. In-process `Assistant.ask` on the shipped corpus (indexed into a temporary folder), one
   Assistant per backend in the same process, taking turns question by question; and whether
   their answers are the same.
5. Cold start: `assistant ask "..." --json` as a new process with each backend, and the floor
   of each (a new Python loading the model its way and embedding the question), taking turns.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_common import (
    BIN,
    CORPUS,
    ONNX_FLOOR,
    QUESTIONS,
    REPO,
    TORCH_FLOOR,
    run_child,
    write_result,
)

BACKENDS = ("torch", "onnx")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [1000 * s for s in seconds]
    return {
        "p50": round(statistics.median(ms), 2),
        "p95": round(percentile(ms, 0.95), 2),
        "mean": round(statistics.fmean(ms), 2),
        "n": len(ms),
    }


def golden_questions() -> list[str]:
    questions: list[str] = []
    for path in sorted((REPO / "evals").glob("golden*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(json.loads(line)["question"])
    return list(dict.fromkeys(questions))


def chunk_texts(limit: int) -> tuple[list[str], list[list]]:
    """Embedding inputs and sentence spans: all of the shipped corpus's chunks, then every
    n-th chunk of the eval corpora (when built) up to `limit`."""
    from assistant.config import Settings
    from assistant.ingest.chunking import ChunkSizes, chunk_text
    from assistant.ingest.document import LoadedDocument
    from assistant.ingest.embedding_input import embedding_input
    from assistant.ingest.indexer import sentence_spans_of
    from assistant.ingest.loaders import load_corpus

    settings = Settings()
    sizes = ChunkSizes(
        settings.chunk_tokens, settings.chunk_overlap_tokens, settings.min_chunk_tokens
    )

    def chunks_of(folder: Path) -> list[tuple[str, list]]:
        out = []
        for document in load_corpus(folder, settings.load_limits):
            if isinstance(document, LoadedDocument):
                for chunk in chunk_text(document.source, document.text, sizes, document.blocks):
                    out.append((embedding_input(document, chunk), sentence_spans_of(chunk)))
        return out

    shipped = chunks_of(CORPUS)
    others: list[tuple[str, list]] = []
    for name in ("debian", "python-docs", "release-notes"):
        folder = REPO.parent / "corpora" / name
        if folder.is_dir():
            others += chunks_of(folder)
    wanted = max(0, limit - len(shipped))
    step = max(1, len(others) // wanted) if wanted and others else 1
    picked = shipped + others[::step][:wanted]
    return [text for text, _ in picked], [spans for _, spans in picked]


def cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    return (x * y).sum(axis=1)


def cosine_summary(values: np.ndarray) -> dict[str, float]:
    return {
        "n": len(values),
        "min": round(float(values.min()), 9),
        "median": round(float(np.median(values)), 9),
        "below 0.9999": int((values < 0.9999).sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=5, help="cold starts of each command")
    parser.add_argument("--chunks", type=int, default=400)
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    loads = {"start": os.getloadavg()}
    work = Path(tempfile.mkdtemp(prefix="bench-onnx-"))
    os.environ["ASSISTANT_INDEX_DIR"] = str(work / "index")
    os.environ["ASSISTANT_CORPUS_DIR"] = str(work / "corpus")
    os.environ["ASSISTANT_DATA_DIR"] = str(work / "data")
    shutil.copytree(CORPUS, work / "corpus")

    from assistant.config import Settings
    from assistant.store.embeddings import SentenceTransformerEmbeddings

    settings = Settings()
    models = {
        backend: SentenceTransformerEmbeddings(
            settings.embedding_model,
            settings.embedding_batch_size,
            backend=backend,
            onnx_cache_dir=settings.onnx_export_dir,
        )
        for backend in BACKENDS
    }
    load_s = {}
    for backend, model in models.items():  # the ONNX model is exported here, then loaded
        begun = time.perf_counter()
        model.load()
        load_s[backend] = round(time.perf_counter() - begun, 2)
    export = next(settings.onnx_export_dir.glob("*.onnx"))
    questions = golden_questions()
    texts, spans = chunk_texts(args.chunks)
    result: dict[str, object] = {
        "date": started.isoformat(timespec="seconds"),
        "machine": {"nproc": os.cpu_count(), "python": sys.version.split()[0]},
        "first load in this process_s (onnx: export + load)": load_s,
        "onnx file": {"name": export.name, "mb": round(export.stat().st_size / 2**20, 1)},
        "texts": {"questions": len(questions), "chunks": len(texts)},
    }

    # 1. Vectors.
    batch = {b: m.encode(questions + texts) for b, m in models.items()}
    alone = {b: [m.encode([q])[0] for q in questions] for b, m in models.items()}
    with_sentences = {b: m.encode_with_sentences(texts, spans) for b, m in models.items()}
    sentence_pairs = [
        (t[2], o[2])
        for t, o in zip(with_sentences["torch"], with_sentences["onnx"], strict=True)
        if t[2].size and t[1] == o[1]
    ]
    same_spans = sum(
        t[1] == o[1] for t, o in zip(with_sentences["torch"], with_sentences["onnx"], strict=True)
    )
    result["cosine, onnx vs torch"] = {
        "questions and chunks, in batches": cosine_summary(cosines(batch["torch"], batch["onnx"])),
        "questions one by one": cosine_summary(cosines(alone["torch"], alone["onnx"])),
        "chunk vectors of encode_with_sentences": cosine_summary(
            cosines([t[0] for t in with_sentences["torch"]], [o[0] for o in with_sentences["onnx"]])
        ),
        "sentence vectors": cosine_summary(
            cosines(
                np.vstack([t for t, _ in sentence_pairs]).tolist(),
                np.vstack([o for _, o in sentence_pairs]).tolist(),
            )
        ),
        "chunks with the same sentence spans kept": f"{same_spans} of {len(texts)}",
    }
    loads["vectors"] = os.getloadavg()
    print(json.dumps(result, indent=2), flush=True)

    # 2. One question's embedding, taking turns.
    timings: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for _ in range(args.rounds):
        for question in questions:
            for backend, model in models.items():
                begun = time.perf_counter()
                model.embed_query(question)
                timings[backend].append(time.perf_counter() - begun)
    result["embed_query ms"] = {b: summary_ms(t) for b, t in timings.items()}
    result["embed_query torch / onnx, p50"] = round(
        statistics.median(timings["torch"]) / statistics.median(timings["onnx"]), 2
    )
    loads["embed_query"] = os.getloadavg()
    print(json.dumps(result["embed_query ms"]), flush=True)

    # 3. Indexing's model work, rounds alternating.
    passes: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for _ in range(args.rounds):
        for backend, model in models.items():
            begun = time.perf_counter()
            model.encode_with_sentences(texts, spans)
            passes[backend].append(time.perf_counter() - begun)
    result["encode_with_sentences over the chunks s"] = {
        b: {"median": round(statistics.median(t), 3), "runs": [round(x, 3) for x in t]}
        for b, t in passes.items()
    }
    loads["encode_with_sentences"] = os.getloadavg()
    print(json.dumps(result["encode_with_sentences over the chunks s"]), flush=True)
    del models, batch, alone, with_sentences

    # 4. In-process asks on the shipped corpus.
    from assistant.ingest.indexer import Indexer
    from assistant.service import Assistant
    from assistant.store.chroma import open_store

    store, embeddings = open_store(settings)
    Indexer(settings, store, embeddings, progress=False).run()
    assistants = {
        b: Assistant(Settings(embedding_backend=b)) for b in BACKENDS
    }  # each with its own model: get_embeddings is keyed on the backend
    shipped_questions = [
        json.loads(line)["question"]
        for line in (REPO / "evals" / "golden.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for assistant in assistants.values():
        assistant.ask(QUESTIONS[0])  # loads the lexical index and the model
    asks: dict[str, list[float]] = {b: [] for b in BACKENDS}
    differing: list[str] = []
    for round_ in range(args.rounds):
        for question in shipped_questions:
            answers = {}
            for backend, assistant in assistants.items():
                begun = time.perf_counter()
                answered = assistant.ask(question)
                asks[backend].append(time.perf_counter() - begun)
                answers[backend] = (answered.answer, [c.source for c in answered.citations])
            if round_ == 0 and answers["torch"] != answers["onnx"]:
                differing.append(question)
    result["ask ms (shipped corpus, golden.jsonl questions)"] = {
        b: summary_ms(t) for b, t in asks.items()
    }
    result["ask answers that differ between backends"] = {
        "count": len(differing),
        "of": len(shipped_questions),
        "questions": differing,
    }
    loads["ask"] = os.getloadavg()
    print(json.dumps(result["ask ms (shipped corpus, golden.jsonl questions)"]), flush=True)
    del assistants

    # 5. Cold start, new processes taking turns.
    if not args.skip_cold:
        python, assistant_bin = sys.executable, str(BIN / "assistant")
        where = ["--corpus", str(work / "corpus"), "--index", str(work / "index")]
        question = QUESTIONS[0]
        commands = {
            "torch floor": ([python, "-c", TORCH_FLOOR, question], {}),
            "torch ask": (
                [assistant_bin, "ask", question, "--json", *where],
                {"ASSISTANT_EMBEDDING_BACKEND": "torch"},
            ),
            "onnx floor": ([python, "-c", ONNX_FLOOR, question, str(settings.onnx_export_dir)], {}),
            "onnx ask": (
                [assistant_bin, "ask", question, "--json", *where],
                {"ASSISTANT_EMBEDDING_BACKEND": "onnx"},
            ),
        }
        # No peak RSS here: a child forked from this process (gigabytes, with two models
        # and their asks) reports the parent's pages as its own (benchmarks/RESULTS.md).
        runs: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.reps):
            for name, (argv, env) in commands.items():
                child = run_child(argv, timeout=600, env=env)
                if child.returncode != 0:
                    sys.exit(f"{name} failed: {child.stderr[-2000:]}")
                runs[name].append(child.seconds)
        medians = {name: statistics.median(values) for name, values in runs.items()}
        result["cold start s"] = {
            name: {"median": round(medians[name], 3), "runs": [round(x, 3) for x in values]}
            for name, values in runs.items()
        }
        result["cold start ratios"] = {
            "torch ask / torch floor": round(medians["torch ask"] / medians["torch floor"], 3),
            "onnx ask / onnx floor": round(medians["onnx ask"] / medians["onnx floor"], 3),
            "onnx ask / torch floor": round(medians["onnx ask"] / medians["torch floor"], 3),
            "onnx ask / torch ask": round(medians["onnx ask"] / medians["torch ask"], 3),
        }
        loads["cold start"] = os.getloadavg()
    result["load average (1, 5, 15 min) after each phase"] = {
        phase: [round(x, 2) for x in load] for phase, load in loads.items()
    }
    write_result(result, "onnx", started)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
