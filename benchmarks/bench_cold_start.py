"""Issue 29, items 3 and 4: cold start against its floor, and a no-op re-index, each
measured in one run as new processes.

    .venv/bin/python benchmarks/bench_cold_start.py [--reps 5] [--folder /tmp/issue29]

Cold start: `assistant ask "..." --json` in a new process, against the floor of today's
design (a new Python importing sentence-transformers, loading the model and embedding the
question), on the shipped corpus and on a large folder. No-op re-index: `assistant index`
on that folder with nothing changed, after `touch` on every file (each is hashed, none is
extracted), and the floor of any `assistant` command (Python importing the CLI and the
settings). The large folder combines the Debian, Python documentation and release-notes
eval corpora (built beside the repository by `make eval-all`) into one folder with one
`sources.toml`; it is built and indexed once (several minutes on 2 cores) and kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tomllib
from pathlib import Path

import tomlkit
from bench_common import (
    BIN,
    CORPUS,
    ONNX_FLOOR,
    QUESTIONS,
    REPO,
    TORCH_FLOOR,
    ChildRun,
    run_child,
    write_result,
)

EVAL_CORPORA = ("debian", "python-docs", "release-notes")
METADATA_FILE = "sources.toml"
# The floor of any `assistant` command: Python, the CLI and the typed settings.
COMMAND_FLOOR = "import assistant.cli, assistant.config; assistant.config.Settings()"


def combined_corpus(target: Path) -> Path:
    """The eval corpora side by side in one folder, their metadata in one `sources.toml`
    (each entry under its corpus's folder). Built once; an existing folder is kept."""
    if target.is_dir():
        return target
    building = target.with_name(target.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    metadata = tomlkit.document()
    for name in EVAL_CORPORA:
        source = REPO.parent / "corpora" / name
        if not source.is_dir():
            sys.exit(f"{source} is missing: build it with `make eval-all` first")
        shutil.copytree(source, building / name, ignore=shutil.ignore_patterns(METADATA_FILE))
        listed = source / METADATA_FILE
        if listed.is_file():
            for key, table in tomllib.loads(listed.read_text(encoding="utf-8")).items():
                metadata[f"{name}/{key}"] = table
    (building / METADATA_FILE).write_text(tomlkit.dumps(metadata), encoding="utf-8")
    building.rename(target)
    return target


def median(values: list[float]) -> float:
    return statistics.median(values)


def touch_all(corpus: Path) -> int:
    """A new modification time on every file, the same bytes (as a checkout or a copy
    that keeps contents does): each is hashed once, none read by its extractor."""
    count = 0
    for path in corpus.rglob("*"):
        if path.is_file():
            status = path.stat()
            os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
            count += 1
    return count


def interleaved(
    commands: dict[str, list[str] | tuple[list[str], dict[str, str]]], reps: int
) -> dict[str, list[ChildRun]]:
    """Each command (argv, or argv and added environment) `reps` times, taking turns, so a
    change in the machine's load weighs on all of them alike."""
    runs: dict[str, list[ChildRun]] = {name: [] for name in commands}
    for _ in range(reps):
        for name, command in commands.items():
            argv, env = command if isinstance(command, tuple) else (command, {})
            child = run_child(argv, timeout=600, env=env)
            if child.returncode != 0:
                raise RuntimeError(f"{name} failed ({child.returncode}): {child.stderr[-2000:]}")
            runs[name].append(child)
    return runs


def figures(runs: dict[str, list[ChildRun]], floor: str) -> dict[str, dict[str, object]]:
    """Median seconds of each command, each run's seconds, and its ratio to the floor."""
    base = median([child.seconds for child in runs[floor]])
    return {
        name: {
            "median_s": round(median([child.seconds for child in children]), 3),
            "runs_s": [round(child.seconds, 3) for child in children],
            "max_rss_mb": round(max(child.max_rss_mb for child in children)),
            "over_floor": round(median([child.seconds for child in children]) / base, 3),
        }
        for name, children in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/issue29"))
    parser.add_argument("--shipped-only", action="store_true", help="no large folder")
    args = parser.parse_args()
    python, assistant = sys.executable, str(BIN / "assistant")
    shipped = args.folder / "shipped"
    if not shipped.is_dir():
        shutil.copytree(CORPUS, shipped / "corpus")
    shipped_where = ["--corpus", str(shipped / "corpus"), "--index", str(shipped / "index")]
    large = None if args.shipped_only else combined_corpus(args.folder / "corpus")
    large_where = ["--corpus", str(large), "--index", str(args.folder / "index")]
    loads = {"start": os.getloadavg()}
    reports = []
    wheres = [shipped_where] if large is None else [large_where, shipped_where]
    for where in wheres:  # the first build of the large folder takes minutes on 2 cores
        indexed = run_child([assistant, "index", "--quiet", *where], timeout=7200)
        if indexed.returncode != 0:
            sys.exit(f"assistant index failed: {indexed.stderr[-2000:]}")
        reports.append(indexed.stdout.strip())
    cold: dict[str, object] = {}
    if large is None:
        cold["shipped corpus"] = cold_start(shipped_where, QUESTIONS[0], args.reps)
        save({"cold start": cold, "index": reports}, loads)
        return
    files = sum(1 for path in large.rglob("*") if path.is_file())

    # A no-op re-index as a new process, against the floor of any command.
    noop = [assistant, "index", "--quiet", *large_where]
    touched = touch_all(large)
    after_touch = run_child(noop, timeout=600)
    if " 0 added, 0 updated" not in after_touch.stdout:
        sys.exit(f"a touched corpus was re-indexed: {after_touch.stdout}")
    reindex = figures(
        interleaved({"floor": [python, "-c", COMMAND_FLOOR], "no-op index": noop}, args.reps),
        "floor",
    )
    reindex["after touching every file"] = {"seconds": round(after_touch.seconds, 3)}
    loads["no-op index"] = os.getloadavg()

    # A cold `ask` against the floor, on the shipped corpus and on the large folder. The
    # first ask after indexing builds and saves the lexical index; it is timed apart.
    large_question = "According to the Debian FAQ, how often are the Debian archives updated?"
    for name, where, question in (
        ("shipped corpus", shipped_where, QUESTIONS[0]),
        ("large folder", large_where, large_question),
    ):
        cold[name] = cold_start(where, question, args.reps)
        loads[name] = os.getloadavg()
    save(
        {
            "large folder": {"files": files, "touched": touched, "index": reports[0]},
            "no-op re-index": reindex,
            "cold start": cold,
        },
        loads,
    )


def cold_start(where: list[str], question: str, reps: int) -> dict[str, object]:
    """A cold `ask` against both floors, taking turns: the default (the model on ONNX
    Runtime) and on PyTorch. The first ask after indexing builds and saves the lexical index
    (and exports the model when it is not cached yet); it is timed apart."""
    python, assistant = sys.executable, str(BIN / "assistant")
    index = Path(where[where.index("--index") + 1])
    ask = [assistant, "ask", question, "--json", *where]
    first = run_child(ask, timeout=600)
    runs = interleaved(
        {
            "floor": [python, "-c", TORCH_FLOOR, question],
            "onnx floor": [python, "-c", ONNX_FLOOR, question, str(index / "onnx")],
            "ask": ask,
            "ask, torch": ([*ask], {"ASSISTANT_EMBEDDING_BACKEND": "torch"}),
        },
        reps,
    )
    torch_floor = figures(runs, "floor")
    onnx_floor = figures(runs, "onnx floor")
    return {
        name: {**torch_floor[name], "over_onnx_floor": onnx_floor[name]["over_floor"]}
        for name in runs
    } | {"first ask after indexing_s": first.seconds}


def save(parts: dict[str, object], loads: dict[str, tuple[float, float, float]]) -> None:
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"nproc": os.cpu_count(), "python": sys.version.split()[0]},
        **parts,
        "load average (1, 5, 15 min) after each phase": {
            phase: [round(x, 2) for x in load] for phase, load in loads.items()
        },
    }
    write_result(result, "cold-start", dt.datetime.now())


if __name__ == "__main__":
    main()
