"""Asks while a large upload is indexed: does `POST /api/documents` hold up `POST /api/ask`?

    .venv/bin/python benchmarks/bench_upload_asks.py [--upload-mb 2] [--baseline-s 20] [--keep]

The security audit found that an upload indexed in-process blocked every ask until it was
done (a 2 MB file: asks waited up to 81 s). Target: ask p95 < 500 ms during that upload, on
2 cores. Since then uploads are embedded by a model instance of their own
(`Assistant._indexing_model`), so asks do not wait for the upload's embedding lock.

The shipped corpus is copied to a temporary folder and indexed by `assistant index` (a child
process); `assistant serve` then runs on a free loopback port, and this process sends:

1. warm-up: a round of the questions, not counted (model load, BM25 build);
2. baseline: sequential asks for `--baseline-s` seconds with nothing else running;
3. upload: one thread posts a generated plain-text file of `--upload-mb` MB to
   /api/documents while this thread sends the same sequential asks until the upload returns;
4. after: `--after` asks once it returned (the first one rebuilds BM25 over the new chunks);
   reported beside the others, not part of the target.

The questions are ten answerable ones of evals/golden.jsonl (the first two per source file),
cycled. Latency is measured by the client, so it includes HTTP, queueing and any wait in the
server; `server_ms` is the chain's own `timings_ms.total`. Every loop is bounded by a time
limit, each request too. Prints the figures and writes
benchmarks/results/<time>-upload-asks.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from bench_common import (
    BENCH,
    BIN,
    CORPUS,
    REPO,
    assistant_server,
    load_average,
    machine,
    peak_rss_mb,
    run_child,
    summarize,
)
from bench_synth import PLACES

RESULTS_DIR = BENCH / "results"
GOLDEN = REPO / "evals" / "golden.jsonl"
TARGET_P95_MS = 500.0
UPLOAD_NAME = "upload_benchmark_prose.txt"
MAX_PARAGRAPH_CHARS = 900  # one paragraph is one line; the loader refuses lines over 100,000
SEED = 20261123


def golden_questions(per_source: int = 2) -> list[str]:
    """The first `per_source` answerable questions about each single source file, in file
    order (ten for the five shipped files)."""
    taken: dict[str, int] = {}
    questions = []
    for line in GOLDEN.read_text().splitlines():
        case = json.loads(line)
        source = case.get("source")
        if case["kind"] != "answerable" or not isinstance(source, str):
            continue  # multi-document cases name a list of sources
        if taken.get(source, 0) < per_source:
            taken[source] = taken.get(source, 0) + 1
            questions.append(case["question"])
    return questions


def prose(target_bytes: int, seed: int = SEED) -> str:
    """Deterministic plain text of about `target_bytes`: paragraphs of 3-7 sentences of 8-26
    words drawn from the shipped corpus's vocabulary (with its word frequencies), some with a
    place name or a figure, one paragraph per line, blank lines between them."""
    text = " ".join(path.read_text() for path in sorted(CORPUS.glob("*.txt")))
    words = [w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)]
    rng = random.Random(seed)
    paragraphs = ["Provincial development notes, collected for the upload benchmark"]
    size = len(paragraphs[0])
    while size < target_bytes:
        sentences: list[str] = []
        length = 0
        for _ in range(rng.randint(3, 7)):
            picked = rng.choices(words, k=rng.randint(8, 26))
            if rng.random() < 0.3:
                picked.insert(rng.randrange(1, len(picked)), rng.choice(PLACES))
            if rng.random() < 0.2:
                figure = f"{rng.randint(1, 99)}.{rng.randint(0, 9)} per cent"
                picked.insert(rng.randrange(1, len(picked)), figure)
            if len(picked) > 12 and rng.random() < 0.5:
                picked[rng.randrange(4, len(picked) - 4)] += ","
            sentence = " ".join(picked)
            sentence = sentence[0].upper() + sentence[1:] + "."
            if length + len(sentence) + 1 > MAX_PARAGRAPH_CHARS:
                break
            sentences.append(sentence)
            length += len(sentence) + 1
        paragraphs.append(" ".join(sentences))
        size += length + 1
    out = "\n\n".join(paragraphs) + "\n"
    assert max(map(len, out.splitlines())) < 1000
    return out


def never() -> bool:
    return False


def ask_loop(
    http: httpx.Client,
    url: str,
    questions: list[str],
    origin: float,
    stop: Callable[[], bool],
    limit_s: float,
    max_asks: int | None = None,
) -> list[dict[str, Any]]:
    """Sequential asks, cycling the questions, until `stop()`, `limit_s` or `max_asks`.

    Each record: when it was sent (seconds after `origin`), client ms, status, server ms."""
    records: list[dict[str, Any]] = []
    deadline = time.perf_counter() + limit_s
    while not stop() and time.perf_counter() < deadline:
        if max_asks is not None and len(records) >= max_asks:
            break
        question = questions[len(records) % len(questions)]
        started = time.perf_counter()
        server_ms = None
        try:
            reply = http.post(url, json={"question": question})
            status = str(reply.status_code)
            if reply.status_code == 200:
                server_ms = reply.json().get("timings_ms", {}).get("total")
        except httpx.HTTPError as error:
            status = type(error).__name__
        records.append(
            {
                "at_s": round(started - origin, 3),
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "status": status,
                "server_ms": server_ms,
            }
        )
    return records


class Upload(threading.Thread):
    """POST /api/documents with one file; the response, its time and any error are kept."""

    def __init__(self, url: str, name: str, data: bytes, limit_s: float) -> None:
        super().__init__(daemon=True)
        self.url, self.name, self.data, self.limit_s = url, name, data, limit_s
        self.started = self.finished = 0.0
        self.status: int | None = None
        self.body: dict[str, Any] = {}
        self.error: str | None = None

    def run(self) -> None:
        self.started = time.perf_counter()
        try:
            with httpx.Client(timeout=self.limit_s) as http:
                reply = http.post(self.url, files={"files": (self.name, self.data, "text/plain")})
            self.status = reply.status_code
            self.body = reply.json()
        except Exception as error:  # reported, never raised in the thread
            self.error = repr(error)
        finally:
            self.finished = time.perf_counter()

    @property
    def seconds(self) -> float:
        return self.finished - self.started


def latencies(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Client latency summary, server-side summary and statuses of a list of ask records."""
    statuses: dict[str, int] = {}
    for record in records:
        statuses[record["status"]] = statuses.get(record["status"], 0) + 1
    server = [r["server_ms"] for r in records if r["server_ms"] is not None]
    return {
        "ms": summarize([r["ms"] for r in records]),
        "server_ms": summarize(server) if server else None,
        "statuses": statuses,
    }


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    corpus = tmp / "corpus"
    index = tmp / "index"
    shutil.copytree(CORPUS, corpus)
    assistant = str(BIN / "assistant")
    print("[upload-asks] assistant index ...", flush=True)
    indexed = run_child(
        [assistant, "index", f"--corpus={corpus}", f"--index={index}", "--quiet"],
        timeout=900,
        env={"PYTHONPATH": str(REPO)},
    )
    if indexed.returncode != 0 or indexed.timed_out:
        raise RuntimeError(f"assistant index failed: {indexed.stderr[-2000:]}")
    text = prose(int(args.upload_mb * 1_000_000))
    data = text.encode()
    questions = golden_questions()
    out: dict[str, Any] = {
        "index_s": round(indexed.seconds, 1),
        "questions": questions,
        "upload_file": {
            "bytes": len(data),
            "lines": text.count("\n"),
            "paragraphs": text.count("\n\n") + 1,
            "longest_line": max(map(len, text.splitlines())),
            "seed": SEED,
        },
        "load": {"start": load_average()},
    }
    log = tmp / "serve.log"
    print("[upload-asks] starting assistant serve ...", flush=True)
    with (
        assistant_server(corpus, index, log, env={"PYTHONPATH": str(REPO)}) as server,
        httpx.Client(timeout=120) as http,
    ):
        out["server_ready_s"] = round(server.ready_s, 1)
        url = f"{server.base}/api/ask"
        warm = ask_loop(http, url, questions, time.perf_counter(), never, 120, len(questions))
        out["warm_up"] = latencies(warm)

        print(f"[upload-asks] baseline, {args.baseline_s:.0f} s (load {load_average()})")
        origin = time.perf_counter()
        baseline = ask_loop(http, url, questions, origin, never, args.baseline_s)
        out["load"]["after_baseline"] = load_average()

        print(f"[upload-asks] upload of {len(data) / 1e6:.2f} MB with asks (load {load_average()})")
        upload = Upload(f"{server.base}/api/documents", UPLOAD_NAME, data, args.upload_limit_s)
        origin = time.perf_counter()
        upload.start()
        during = ask_loop(
            http, url, questions, origin, lambda: not upload.is_alive(), args.upload_limit_s + 30
        )
        upload.join(timeout=60)
        out["load"]["after_upload"] = load_average()
        after = ask_loop(http, url, questions, time.perf_counter(), never, 120, args.after)
        out["server_peak_rss_mb"] = round(peak_rss_mb(server.process.pid), 1)
    out["load"]["end"] = load_average()
    if upload.error or upload.status != 200:
        raise RuntimeError(f"upload failed: {upload.status} {upload.error or upload.body}")
    if upload.body.get("skipped") or UPLOAD_NAME not in upload.body.get("added", []):
        raise RuntimeError(f"the upload was not indexed: {upload.body}")
    out["upload"] = {
        "seconds": round(upload.seconds, 2),
        "server_seconds": upload.body.get("seconds"),
        "chunks_embedded": upload.body.get("chunks_embedded"),
        "chunks_total": upload.body.get("chunks_total"),
    }
    out["baseline"] = latencies(baseline)
    out["during"] = latencies(during)
    out["after"] = latencies(after)
    out["after_first_ms"] = after[0]["ms"] if after else None
    out["slowest_during"] = sorted(during, key=lambda r: -r["ms"])[:8]
    out["during_by_tenth"] = by_tenth(during, upload.seconds)
    out["ratio_p50"] = round(out["during"]["ms"]["p50"] / out["baseline"]["ms"]["p50"], 2)
    out["ratio_p95"] = round(out["during"]["ms"]["p95"] / out["baseline"]["ms"]["p95"], 2)
    out["target_met"] = out["during"]["ms"]["p95"] < TARGET_P95_MS
    out["during_over_target"] = sum(r["ms"] >= TARGET_P95_MS for r in during)
    out["records"] = {"baseline": baseline, "during": during, "after": after}
    return out


def by_tenth(records: list[dict[str, Any]], seconds: float) -> list[dict[str, Any]]:
    """Asks in each tenth of the upload's duration: count, p50, p95, max (where they wait)."""
    tenths = []
    for tenth in range(10):
        low, high = seconds * tenth / 10, seconds * (tenth + 1) / 10
        inside = [
            r["ms"]
            for r in records
            if low <= r["at_s"] < high or (tenth == 9 and r["at_s"] >= high)
        ]
        tenths.append(
            {"from_s": round(low, 1), **summarize(inside)}
            if inside
            else {"from_s": round(low, 1), "n": 0}
        )
    return tenths


def report(result: dict[str, Any]) -> None:
    def row(name: str, stats: dict[str, Any]) -> str:
        ms = stats["ms"]
        server = stats["server_ms"] or {}
        return (
            f"{name:<22} {ms['n']:>6} {ms['p50']:>9.1f} {ms['p95']:>9.1f} {ms['max']:>9.1f}"
            f"   {server.get('p50', float('nan')):>7.1f} {server.get('p95', float('nan')):>7.1f}"
            f"   {stats['statuses']}"
        )

    upload = result["upload"]
    print()
    print(
        f"upload: {result['upload_file']['bytes'] / 1e6:.2f} MB, {upload['seconds']:.1f} s "
        f"(server-side indexing {upload['server_seconds']} s), "
        f"{upload['chunks_embedded']} chunks embedded, {upload['chunks_total']} in the index"
    )
    print(
        f"{'asks (ms)':<22} {'count':>6} {'p50':>9} {'p95':>9} {'max':>9}   "
        f"{'srv p50':>7} {'srv p95':>7}   statuses"
    )
    print(row("baseline", result["baseline"]))
    print(row("during the upload", result["during"]))
    print(row("after the upload", result["after"]))
    print(f"first ask after the upload: {result['after_first_ms']} ms")
    print(f"during / baseline: p50 {result['ratio_p50']}x, p95 {result['ratio_p95']}x")
    print("during, by tenth of the upload (from s: n, p50, p95, max):")
    for tenth in result["during_by_tenth"]:
        if tenth["n"]:
            print(
                f"  {tenth['from_s']:>6.1f} s: {tenth['n']:>4} {tenth['p50']:>8.1f} "
                f"{tenth['p95']:>8.1f} {tenth['max']:>8.1f}"
            )
        else:
            print(f"  {tenth['from_s']:>6.1f} s:    0")
    print(
        f"asks during the upload that took {TARGET_P95_MS:.0f} ms or more: "
        f"{result['during_over_target']} of {result['during']['ms']['n']}"
    )
    print("slowest asks during (s into the upload, client ms, server ms):")
    for record in result["slowest_during"]:
        print(f"  {record['at_s']:>7.1f} s {record['ms']:>9.1f} {record['server_ms']}")
    verdict = "MET" if result["target_met"] else "MISSED"
    print(
        f"target ask p95 < {TARGET_P95_MS:.0f} ms during the upload: {verdict} "
        f"({result['during']['ms']['p95']:.1f} ms)"
    )
    print(f"load average: {result['load']}")


def to_json(data: dict[str, Any]) -> str:
    """The results with indentation, and every ask's record on one line per phase as columns
    (seconds after the phase began, client ms, status, server ms), to keep the file small."""
    records = data.pop("records", None)
    text = json.dumps(data, indent=1)
    data["records"] = records
    if not records:
        return text + "\n"
    lines = []
    for phase, items in records.items():
        columns = {
            field: [r[field] for r in items] for field in ("at_s", "ms", "status", "server_ms")
        }
        lines.append(f'  "{phase}": {json.dumps(columns, separators=(",", ":"))}')
    return text[:-2] + ',\n "records": {\n' + ",\n".join(lines) + "\n }\n}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upload-mb", type=float, default=2.0, help="size of the upload (MB)")
    parser.add_argument("--baseline-s", type=float, default=20.0, help="baseline asks (s)")
    parser.add_argument("--after", type=int, default=20, help="asks after the upload")
    parser.add_argument("--upload-limit-s", type=float, default=900.0, help="upload time limit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    started = dt.datetime.now()
    data: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python", "benchmarks/bench_upload_asks.py", *sys.argv[1:]]),
        "machine": machine(),
        "target_p95_ms": TARGET_P95_MS,
    }
    try:
        data |= measure(args, tmp)
    finally:
        data["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"{started.strftime('%Y-%m-%dT%H%M')}-upload-asks.json"
        path.write_text(to_json(data))
        if args.keep:
            print(f"[upload-asks] kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report(data)
    print(f"[upload-asks] wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
