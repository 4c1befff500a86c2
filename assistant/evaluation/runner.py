"""`assistant eval`: run every mode over the golden cases, report, and gate on thresholds.

Each mode answers every case through its public `ask`; the passages its retriever returned
inside that call are recorded by a LangChain callback (a configure hook, so no stage of the
chain changes), so retrieval is scored on exactly what the answerer saw, without retrieving
twice.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.tracers.context import register_configure_hook
from tqdm import tqdm

from assistant.config import Settings
from assistant.evaluation import metrics
from assistant.evaluation.golden import (
    ANALYST_TAGS,
    GoldenCase,
    GoldenError,
    case_part,
    load_golden,
    read_corpus,
)
from assistant.evaluation.loco_table import loco_table
from assistant.ingest.document import LoadedDocument
from assistant.schema import AskResult

DEFAULT_MODES = ("hybrid", "dense", "lexical", "baseline")
PARTS = ("tuning", "test")
HIT_DEPTHS = (1, 3, 5)
# (key, label) of every reported metric, in table order.
METRICS: tuple[tuple[str, str], ...] = (
    ("hit_at_1", "retrieval hit@1"),
    ("hit_at_3", "retrieval hit@3"),
    ("hit_at_5", "retrieval hit@5"),
    ("recall_at_k", "evidence recall@k"),
    ("mrr", "MRR"),
    ("fact_recall", "fact recall (answerable)"),
    ("followup_accuracy", "follow-up accuracy"),
    ("citation_precision", "citation precision"),
    ("citation_validity", "citation validity"),
    ("abstention_accuracy", "abstention accuracy (unanswerable)"),
    ("false_abstention_rate", "false abstentions (answerable)"),
)
# (key, tag, label) of the analyst questions' metrics (issue 27), each over its tag's cases;
# the single-fact figures above leave those cases out (citation validity excepted).
ANALYST_METRICS: tuple[tuple[str, str, str], ...] = (
    ("list_recall", "list", "list: item recall"),
    ("list_exclusion", "list", "list: no excluded item"),
    ("timeline_recall", "timeline", "timeline: item recall"),
    ("timeline_order", "timeline", "timeline: pairs in date order"),
    ("overview_coverage", "overview", "overview: point coverage"),
    ("overview_documents", "overview", "overview: cites enough documents"),
    ("overview_answered", "overview", "overview: answered"),
    ("comparison_sides", "comparison", "comparison: sides present"),
    ("mismatch_stated", "mismatch", "mismatch: said first, facts given"),
    ("followup_lead", "followup-lead", "follow-up: leads with its subject"),
)


class Subject(Protocol):
    """What a mode must offer: `Assistant` and `LangChainBaseline` both do."""

    retriever: BaseRetriever

    def ask(self, question: str, history: Sequence[dict[str, str]]) -> AskResult: ...


class PassageRecorder(BaseCallbackHandler):
    """Keeps the documents of the last retriever run (the passages handed to the answerer)."""

    def __init__(self) -> None:
        self.passages: list[Document] = []

    def on_retriever_end(self, documents: Sequence[Document], **kwargs: Any) -> None:
        self.passages = list(documents)


# While set, every LangChain run in this context reports to the recorder.
_recorder: ContextVar[PassageRecorder | None] = ContextVar("eval_passages", default=None)
register_configure_hook(_recorder, inheritable=True)


@dataclass
class CaseOutcome:
    """One case under one mode: what came back, its scores and what went wrong."""

    id: str
    kind: str
    part: str
    question: str
    tags: list[str]
    history: list[dict[str, str]]
    expected_facts: list[str]
    answer: str
    abstained: bool
    standalone_question: str
    cited: list[dict[str, Any]]
    retrieved: list[dict[str, Any]]
    scores: dict[str, float | None]
    problems: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    analyst: dict[str, Any] = field(default_factory=dict)  # an analyst case's own fields


def score_case(
    case: GoldenCase,
    result: AskResult,
    passages: Sequence[Document],
    documents: Mapping[str, str],
) -> CaseOutcome:
    """Score one answer and list its problems (the report's per-case failures)."""
    problems = metrics.citation_problems(
        result.answer, result.citations, documents, result.abstained
    )
    scores: dict[str, float | None] = {"citation_valid": 0.0 if problems else 1.0}
    matches = metrics.evidence_matches([p.page_content for p in passages], case.evidence)
    if case.kind == "unanswerable":
        scores["abstained"] = float(result.abstained)
        if not result.abstained:
            problems.insert(0, "answered instead of abstaining")
    else:
        scores |= {f"hit_at_{k}": metrics.hit_at(matches, k) for k in HIT_DEPTHS}
        scores["recall_at_k"] = metrics.recall_at(matches, len(case.evidence), len(passages))
        scores["mrr"] = metrics.reciprocal_rank(matches)
        missing = (
            list(case.facts)
            if result.abstained
            else metrics.missing_facts(result.answer, case.facts)
        )
        scores["fact_recall"] = 1 - len(missing) / len(case.facts)
        scores["abstained"] = float(result.abstained)
        scores["citation_precision"] = metrics.citation_precision(
            [c.text for c in result.citations], case.evidence
        )
        if scores["hit_at_3"] == 0:
            rank = next((r for r, found in enumerate(matches, 1) if found), None)
            where = f"first at rank {rank}" if rank else f"not in the top {len(passages)}"
            problems.append(f"retrieval: no evidence in the top 3 ({where})")
        if result.abstained:
            problems.insert(0, "abstained on an answerable question")
        elif missing and not (case.items or case.points or case.sides):
            problems.insert(0, "missing facts: " + "; ".join(map(str, missing)))
        if scores["citation_precision"] == 0:
            problems.append("no cited passage holds the evidence")
        analyst_scores, analyst_problems = score_analyst(case, result)
        scores |= analyst_scores
        problems[int(result.abstained) : int(result.abstained)] = analyst_problems
    return CaseOutcome(
        id=case.id,
        kind=case.kind,
        part=case_part(case.id),
        question=case.question,
        tags=list(case.tags),
        history=list(case.history),
        expected_facts=[str(fact) for fact in case.facts],
        answer=result.answer,
        abstained=result.abstained,
        standalone_question=result.standalone_question,
        cited=[
            {key: getattr(c, key) for key in ("n", "source", "chunk_id", "start", "end", "quote")}
            for c in result.citations
        ],
        retrieved=[
            {
                "rank": rank,
                "source": p.metadata.get("source"),
                "chunk_id": p.metadata.get("chunk_id"),
                "evidence": sorted(found),
            }
            for rank, (p, found) in enumerate(zip(passages, matches), 1)
        ],
        scores=scores,
        problems=problems,
        timings_ms=dict(result.timings_ms),
        analyst=_analyst_fields(case),
    )


def score_analyst(case: GoldenCase, result: AskResult) -> tuple[dict[str, float | None], list[str]]:
    """The metric of an analyst case's tag (`ANALYST_METRICS`) and what it missed; nothing for
    a single-fact case. An abstention scores 0 on every one: these questions are answerable."""
    tag, answer, abstained = case.analyst_tag, result.answer, result.abstained
    scores: dict[str, float | None] = {}
    problems: list[str] = []

    def missing(facts: Sequence[metrics.Fact]) -> list[metrics.Fact]:
        return list(facts) if abstained else metrics.missing_facts(answer, facts)

    if tag in ("list", "timeline"):
        lacking = missing(case.items)
        scores[f"{tag}_recall"] = 1 - len(lacking) / len(case.items)
        if lacking:
            problems.append(f"{tag}: missing items: " + "; ".join(map(str, lacking)))
    if tag == "list" and case.exclude:
        named = [fact for fact in case.exclude if metrics.fact_present(answer, fact)]
        scores["list_exclusion"] = float(not abstained and not named)
        if named:
            problems.append("list: names what the question excludes: " + "; ".join(map(str, named)))
    if tag == "timeline":
        order = metrics.timeline_order(answer, case.items, case.dates)
        scores["timeline_order"] = 0.0 if abstained else order
        if not abstained and order is not None and order < 1:
            problems.append(f"timeline: {order:.2f} of the pairs of dates in date order")
    if tag == "overview":
        lacking = missing(case.points)
        cited = metrics.cited_sources(answer, result.citations) & set(case.sources)
        scores["overview_coverage"] = 1 - len(lacking) / len(case.points)
        scores["overview_documents"] = float(not abstained and len(cited) >= case.min_documents)
        scores["overview_answered"] = float(not abstained)
        if lacking:
            problems.append("overview: missing points: " + "; ".join(map(str, lacking)))
        if not abstained and len(cited) < case.min_documents:
            problems.append(
                f"overview: cites {len(cited)} of its documents, needs {case.min_documents}"
            )
    if tag == "comparison":
        absent = [s for s in case.sides if abstained or not metrics.side_present(answer, s)]
        scores["comparison_sides"] = 1 - len(absent) / len(case.sides)
        problems += [
            f"comparison: no sentence says the documents do not answer {side.name}"
            if side.unanswered
            else f"comparison: side {side.name} lacks " + "; ".join(map(str, missing(side.facts)))
            for side in absent
        ]
    if tag == "mismatch" and case.unstated is not None:
        said = not abstained and metrics.opens_with_not_stated(answer, case.unstated)
        scores["mismatch_stated"] = float(said and not missing(case.facts))
        if not said and not abstained:
            problems.append(f"mismatch: does not open saying the documents lack {case.unstated}")
    if tag == "followup-lead" and case.subject is not None:
        leads = not abstained and metrics.leads_with(answer, case.subject)
        scores["followup_lead"] = float(leads)
        if not leads and not abstained:
            problems.append(f"follow-up: the first cited sentence does not name {case.subject}")
    return scores, problems


def _analyst_fields(case: GoldenCase) -> dict[str, Any]:
    """An analyst case's own fields for the report (what its metric checked)."""
    if case.analyst_tag is None:
        return {}
    fields: dict[str, Any] = {
        "items": [str(item) for item in case.items],
        "dates": list(case.dates),
        "exclude": [str(item) for item in case.exclude],
        "points": [str(point) for point in case.points],
        "min_documents": case.min_documents,
        "sides": [
            {"name": str(s.name), "facts": [str(f) for f in s.facts], "unanswered": s.unanswered}
            for s in case.sides
        ],
        "unstated": str(case.unstated) if case.unstated else None,
        "subject": str(case.subject) if case.subject else None,
    }
    return {key: value for key, value in fields.items() if value}


def is_analyst(outcome: CaseOutcome) -> bool:
    return any(tag in ANALYST_TAGS for tag in outcome.tags)


def summarise(outcomes: Sequence[CaseOutcome]) -> dict[str, float | None]:
    """Mode-level metrics; None (n/a) where no case applies. The single-fact figures leave
    the analyst questions out, so adding those cases changes none of them; every citation
    must be valid whatever was asked."""
    single = [o for o in outcomes if not is_analyst(o)]

    def average(key: str, kinds: tuple[str, ...]) -> float | None:
        return metrics.mean(o.scores.get(key) for o in single if o.kind in kinds)

    evidence_kinds = ("answerable", "followup")
    return {
        **{f"hit_at_{k}": average(f"hit_at_{k}", evidence_kinds) for k in HIT_DEPTHS},
        "recall_at_k": average("recall_at_k", evidence_kinds),
        "mrr": average("mrr", evidence_kinds),
        "fact_recall": average("fact_recall", ("answerable",)),
        "followup_accuracy": average("fact_recall", ("followup",)),
        "citation_precision": average("citation_precision", evidence_kinds),
        "citation_validity": metrics.mean(o.scores.get("citation_valid") for o in outcomes),
        "abstention_accuracy": average("abstained", ("unanswerable",)),
        "false_abstention_rate": average("abstained", ("answerable",)),
        **{
            key: metrics.mean(o.scores.get(key) for o in outcomes if key in o.scores)
            for key, _, _ in ANALYST_METRICS
        },
    }


def by_tag(outcomes: Sequence[CaseOutcome]) -> dict[str, dict[str, dict[str, Any]]]:
    """Fact recall of the answerable cases per tag ("untagged" too) and part, with counts:
    paraphrases and PDFs are where an answerer that does not generalise shows it first. An
    analyst case counts under its analyst tag only, with that tag's metrics as well."""
    tags: dict[str, dict[str, list[dict[str, float | None]]]] = {}
    for outcome in outcomes:
        analyst = [tag for tag in outcome.tags if tag in ANALYST_TAGS]
        if outcome.kind != "answerable" and not analyst:
            continue
        for tag in analyst or outcome.tags or ["untagged"]:
            tags.setdefault(tag, {part: [] for part in PARTS})[outcome.part].append(outcome.scores)
    return {
        tag: {
            part: {
                "fact_recall": metrics.mean(float(s["fact_recall"] or 0.0) for s in scores),
                "cases": len(scores),
                **{
                    key: metrics.mean(s.get(key) for s in scores)
                    for key, owner, _ in ANALYST_METRICS
                    if owner == tag
                },
            }
            for part, scores in parts.items()
        }
        for tag, parts in sorted(tags.items())
    }


def check_thresholds(
    parts: Mapping[str, Mapping[str, Mapping[str, float | None]]], thresholds: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    """(passed, failed) lines for every bound of every mode that was run.

    `min` and `max` bound the test part, which nothing was fitted to; `max_gap` bounds how
    far the tuning part is ahead of the test part (overfitting shows as tuning > test; a
    test part ahead of its tuning part is reported, not failed).
    """
    passed: list[str] = []
    failed: list[str] = []
    known = {key for key, _ in METRICS} | {key for key, _, _ in ANALYST_METRICS}
    for mode, bounds in thresholds.items():
        if mode not in parts:
            continue
        test, tuning = parts[mode]["test"], parts[mode]["tuning"]
        for side in ("min", "max", "max_gap"):
            for key, limit in bounds.get(side, {}).items():
                if key not in known:
                    failed.append(f"{mode} {key}: unknown metric in the thresholds file")
                    continue
                value, label = test.get(key), f"test part {key}"
                if side == "max_gap":
                    pair = (tuning.get(key), test.get(key))
                    value = None if None in pair else pair[0] - pair[1]  # type: ignore[operator]
                    label = f"tuning minus test in {key}"
                sign = ">=" if side == "min" else "<="
                ok = value is not None and (value >= limit if side == "min" else value <= limit)
                line = f"{mode} {label} = {_fmt(value)} (needs {sign} {limit:g})"
                (passed if ok else failed).append(line)
    return passed, failed


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _build(mode: str, settings: Settings, documents: Sequence[LoadedDocument]) -> Subject:
    from assistant.service import Assistant

    if mode == "baseline":
        from assistant.evaluation.baseline import LangChainBaseline

        reference = Assistant(settings)
        return LangChainBaseline(documents, reference.embeddings, reference.extractive)
    if mode == "llm":
        assistant = Assistant(settings.model_copy(update={"answer_mode": "llm"}))
        if not assistant.llm_configured:
            raise RuntimeError(
                "mode llm needs an LLM: set ASSISTANT_LLM_BASE_URL or ASSISTANT_LLM_GGUF_PATH"
            )
        return assistant
    return Assistant(settings.model_copy(update={"retrieval_mode": mode}))


def index_problems(settings: Settings, documents: Sequence[LoadedDocument]) -> list[str]:
    """Why the index does not match the corpus the golden set is checked against."""
    from assistant.ingest.embedding_input import pipeline_signature
    from assistant.store.chroma import open_store

    store, _ = open_store(settings)
    records = store.document_records()
    pipeline = pipeline_signature(settings)
    problems = []
    for document in documents:
        record = records.get(document.source)
        if record is None:
            problems.append(f"{document.source} is not indexed")
        elif not record.ready or (record.content_hash, record.pipeline) != (
            document.content_hash,
            pipeline,
        ):
            problems.append(f"{document.source} changed since it was indexed")
    corpus = {document.source for document in documents}
    problems += [f"{source} is indexed but not in the corpus" for source in records.keys() - corpus]
    return problems


def run_mode(
    subject: Subject,
    cases: Sequence[GoldenCase],
    documents: Mapping[str, str],
    progress: tqdm,
) -> list[CaseOutcome]:
    """Ask every case (after one untimed warm-up, so model loading is not a latency)."""
    recorder = PassageRecorder()
    subject.retriever.invoke("warm-up")
    token = _recorder.set(recorder)
    try:
        return [_run_case(subject, case, documents, recorder, progress) for case in cases]
    finally:
        _recorder.reset(token)


def _run_case(
    subject: Subject,
    case: GoldenCase,
    documents: Mapping[str, str],
    recorder: PassageRecorder,
    progress: tqdm,
) -> CaseOutcome:
    """Ask one case; an exception is a failure to report, not a crash of the whole run."""
    recorder.passages = []
    try:
        result = subject.ask(case.question, history=list(case.history))
    except Exception as error:
        outcome = score_case(case, AskResult(answer=""), [], documents)
        outcome.problems.insert(0, f"error: {type(error).__name__}: {error}")
    else:
        outcome = score_case(case, result, recorder.passages, documents)
    progress.update()
    return outcome


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool) -> str:
    if markdown:
        lines = [header, ["---"] * len(header), *rows]
        return "\n".join("| " + " | ".join(row) + " |" for row in lines)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths))
        )
        for row in [header, ["-" * w for w in widths], *rows]
    )


def _tables(report: dict[str, Any], markdown: bool) -> str:
    modes = list(report["modes"])
    summary = [
        [label, *(_fmt(report["modes"][m]["metrics"][key]) for m in modes)]
        for key, label in METRICS
    ]
    summary.append(["failing cases", *(str(report["modes"][m]["failing"]) for m in modes)])
    stages = list(dict.fromkeys(s for m in modes for s in report["modes"][m]["latency_ms"]))
    latency = [
        [
            f"{stage} ms p50 / p95",
            *(
                "{p50:.1f} / {p95:.1f}".format(**report["modes"][m]["latency_ms"][stage])
                if stage in report["modes"][m]["latency_ms"]
                else "n/a"
                for m in modes
            ),
        ]
        for stage in stages
    ]
    all_cases = _table(["metric (all cases)", *modes], summary + latency, markdown)
    by_part = [
        [
            label,
            *(
                " / ".join(_fmt(report["modes"][m]["parts"][part][key]) for part in PARTS)
                for m in modes
            ),
        ]
        for key, label in METRICS
    ]
    header = ["metric (tuning / test)", *modes]
    tags = sorted({tag for m in modes for tag in report["modes"][m]["tags"]})

    def tag_part(mode: str, tag: str, part: str) -> dict[str, Any]:
        return report["modes"][mode]["tags"].get(tag, {}).get(part, {})

    by_tags = [
        [
            f"{tag} ({'/'.join(str(tag_part(modes[0], tag, p).get('cases', 0)) for p in PARTS)})",
            *(
                " / ".join(_fmt(tag_part(m, tag, p).get("fact_recall")) for p in PARTS)
                for m in modes
            ),
        ]
        for tag in tags
    ]
    tag_header = ["fact recall by tag (tuning / test)", *modes]

    def scored(key: str, part: str) -> int:
        return sum(
            key in c["scores"] and c["part"] == part for c in report["modes"][modes[0]]["cases"]
        )

    analyst = [
        [
            f"{label} ({'/'.join(str(scored(key, p)) for p in PARTS)})",
            *(
                " / ".join(_fmt(report["modes"][m]["parts"][p].get(key)) for p in PARTS)
                for m in modes
            ),
        ]
        for key, _, label in ANALYST_METRICS
        if any(scored(key, p) for p in PARTS)
    ]
    tables = [all_cases, _table(header, by_part, markdown), _table(tag_header, by_tags, markdown)]
    if analyst:
        tables.append(_table(["analyst questions (tuning / test)", *modes], analyst, markdown))
    return "\n\n".join(tables)


def _markdown(report: dict[str, Any]) -> str:
    counts = ", ".join(f"{n} {kind}" for kind, n in report["counts"].items())
    lines = [
        "# Eval report",
        "",
        f"Golden set `{report['golden']}` ({counts}); generated {report['generated']} "
        f"in {report['seconds']:.1f} s. Retrieval depth k: "
        + ", ".join(f"{m} {v['depth']}" for m, v in report["modes"].items())
        + ".",
        "",
        _tables(report, markdown=True),
        "",
        f"## Gate ({report['thresholds']})",
        "",
        *(f"- FAIL {line}" for line in report["gate"]["failed"]),
        *(f"- pass {line}" for line in report["gate"]["passed"]),
    ]
    for mode, data in report["modes"].items():
        failing = [case for case in data["cases"] if case["problems"]]
        lines += ["", f"## Failures: {mode} ({len(failing)} of {len(data['cases'])} cases)"]
        for case in failing:
            lines += ["", *_case_lines(case)]
    return "\n".join(lines) + "\n"


def _case_lines(case: dict[str, Any]) -> list[str]:
    """One failing case: question, expected facts, the answer, cited and retrieved sources."""
    tags = "".join(f", {tag}" for tag in case["tags"])
    lines = [f"### {case['id']} ({case['kind']}{tags})", f"- question: {case['question']}"]
    if case["history"]:
        lines.append(f"- standalone query: {case['standalone_question']}")
    if case["expected_facts"]:
        lines.append("- expected facts: " + "; ".join(f"`{f}`" for f in case["expected_facts"]))
    lines += [f"- {key}: `{value}`" for key, value in case.get("analyst", {}).items()]
    lines.append(f"- answer: {' '.join(case['answer'].split()) or '(empty)'}")
    lines += [
        f"- cited [{c['n']}]: {c['source']} chars {c['start']}-{c['end']}, chunk {c['chunk_id']}"
        for c in case["cited"]
    ]
    if case["retrieved"]:
        lines.append(
            "- retrieved: "
            + ", ".join(
                f"{p['rank']}. {p['source']}{' (evidence)' if p['evidence'] else ''}"
                for p in case["retrieved"]
            )
        )
    return lines + [f"- problem: {problem}" for problem in case["problems"]]


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run the modes, print the table, write the reports; 1 below thresholds, 2 on bad input."""
    started = time.perf_counter()
    modes = list(dict.fromkeys(args.mode or DEFAULT_MODES))
    try:
        thresholds = tomllib.loads(Path(args.thresholds).read_text(encoding="utf-8"))
        loaded = read_corpus(settings.corpus_dir, settings.load_limits)
        texts = {source: document.text for source, document in loaded.items()}
        published = {s: d.metadata.get("published", "") for s, d in loaded.items()}
        cases = load_golden(Path(args.golden), texts, published)
    except (OSError, tomllib.TOMLDecodeError, GoldenError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    stale = index_problems(settings, list(loaded.values()))
    if stale:
        print("error: the index does not match the corpus; run `assistant index`:", file=sys.stderr)
        print("\n".join(f"  {line}" for line in stale), file=sys.stderr)
        return 2
    report: dict[str, Any] = {
        "golden": str(args.golden),
        "thresholds": str(args.thresholds),
        "counts": {
            kind: sum(c.kind == kind for c in cases)
            for kind in ("answerable", "unanswerable", "followup")
        },
        "modes": {},
    }
    with tqdm(total=len(cases) * len(modes), desc="eval", unit="case") as progress:
        for mode in modes:
            progress.set_description(mode)
            try:
                subject = _build(mode, settings, list(loaded.values()))
            except RuntimeError as error:
                progress.close()
                print(f"error: {error}", file=sys.stderr)
                return 2
            outcomes = run_mode(subject, cases, texts, progress)
            report["modes"][mode] = {
                "depth": max((len(o.retrieved) for o in outcomes), default=0),
                "metrics": summarise(outcomes),
                "parts": {
                    part: summarise([o for o in outcomes if o.part == part])
                    for part in ("tuning", "test")
                },
                "tags": by_tag(outcomes),
                "latency_ms": metrics.latency_summary(o.timings_ms for o in outcomes),
                "failing": sum(bool(o.problems) for o in outcomes),
                "cases": [asdict(o) for o in outcomes],
            }
    passed, failed = check_thresholds(
        {mode: data["parts"] for mode, data in report["modes"].items()}, thresholds
    )
    report |= {
        "gate": {"passed": passed, "failed": failed},
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": time.perf_counter() - started,
    }
    out = Path(args.report)
    out.mkdir(parents=True, exist_ok=True)
    report_json = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    (out / "report.json").write_text(report_json, encoding="utf-8")
    (out / "report.md").write_text(_markdown(report), encoding="utf-8")
    print(_tables(report, markdown=False))
    print(f"\n{loco_table()}\n")
    for line in failed:
        print(f"FAIL {line}")
    verdict = "below thresholds" if failed else "all thresholds met"
    print(
        f"{verdict}; {len(cases)} cases x {len(modes)} modes in {report['seconds']:.1f} s; "
        f"per-case failures in {out / 'report.md'}"
    )
    return 1 if failed else 0
