"""Ask latency on long documents against the shipped corpus, in one run (issue 29, item 2).

    .venv/bin/python benchmarks/bench_long_documents.py [--rounds 5] [--profile] [--keep DIR]

Builds the long-document collection (`build_long_documents.py`: 75 documents named
`YEAR-Author-N.txt`), indexes it and the shipped corpus, then asks each collection its
questions in alternating rounds in one process (so both meet the same load), after warm-up
asks. Prints p50 / p95 of `Assistant.ask` for each and the ratio of the p95s (target: at most
2), the load average, and each collection's serving memory: the peak RSS of a fresh process
that opens it and answers every question once. `--profile` prints cProfile's top functions
over one round on the long collection.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import build_long_documents
from bench_common import BIN, CHILD_ENV, CORPUS, QUESTIONS, load_average, summarize

COLLECTIONS = {"shipped": QUESTIONS, "long": build_long_documents.QUESTIONS}


def assistant_for(root: Path, corpus: Path) -> Any:
    from assistant import Assistant
    from assistant.config import Settings

    return Assistant(Settings(corpus_dir=corpus, index_dir=root / "index", data_dir=root / "data"))


def index(root: Path, corpus: Path) -> None:
    subprocess.run(
        [str(BIN / "assistant"), "index", f"--corpus={corpus}", f"--index={root / 'index'}"],
        check=True,
        env={**os.environ, **CHILD_ENV},
        stdout=subprocess.DEVNULL,
    )


def serving_rss(root: Path, corpus: Path, name: str) -> float:
    """Resident memory (MB) of a fresh process that opened the collection and answered each
    question (its peak is the model's load, the same for every collection)."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import bench_long_documents as b; "
        "from pathlib import Path; a = b.assistant_for(Path(sys.argv[2]), Path(sys.argv[3])); "
        "[a.ask(q) for q in b.COLLECTIONS[sys.argv[4]]]; import psutil; "
        "print(psutil.Process().memory_info().rss / 1e6)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(root), str(corpus), name],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **CHILD_ENV},
    ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", type=Path, help="build and keep the collections here")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="bench-long-")
    base = args.keep or Path(tmp.name)
    corpora = {"shipped": CORPUS, "long": base / "long" / "corpus"}
    if not any(corpora["long"].glob("*.txt")):
        build_long_documents.build(corpora["long"])
    for name, corpus in corpora.items():
        index(base / name, corpus)
    assistants = {name: assistant_for(base / name, corpus) for name, corpus in corpora.items()}
    chunks = {name: a.store.chunks.count() for name, a in assistants.items()}
    for name, assistant in assistants.items():
        for question in COLLECTIONS[name][:4]:
            assistant.ask(question)  # warm-up: model, BM25, per-document caches
    times: dict[str, list[float]] = {name: [] for name in assistants}
    for _ in range(args.rounds):
        for name, assistant in assistants.items():
            for question in COLLECTIONS[name]:
                started = time.perf_counter()
                assistant.ask(question)
                times[name].append((time.perf_counter() - started) * 1000)
    load = load_average()
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for question in COLLECTIONS["long"]:
            assistants["long"].ask(question)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    rss = {name: serving_rss(base / name, corpus, name) for name, corpus in corpora.items()}
    figures = {
        name: {"chunks": chunks[name], "ask_ms": summarize(times[name]), "rss_mb": rss[name]}
        for name in assistants
    }
    ratio = figures["long"]["ask_ms"]["p95"] / figures["shipped"]["ask_ms"]["p95"]
    print("| collection | documents | chunks | asks | ask p50 / p95 ms | RSS after the asks |")
    print("|---|---|---|---|---|---|")
    for name, f in figures.items():
        documents = len(assistants[name].store.document_records())
        print(
            f"| {name} | {documents} | {f['chunks']} | {len(times[name])} | "
            f"{f['ask_ms']['p50']:.1f} / {f['ask_ms']['p95']:.1f} | {f['rss_mb']:.0f} MB |"
        )
    print(f"\nlong / shipped p95: **{ratio:.2f}x**; load average after the asks: {load}")
    print(
        f"this process's peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )
    if args.out:
        args.out.write_text(json.dumps({"figures": figures, "ratio": ratio, "load": load}))


if __name__ == "__main__":
    main()
