"""The release-notes corpus as CI builds it (evals/build_release_notes_corpus.py, from
Debian's packages, into a temporary folder), indexed and evaluated against its gate: the
single-fact bounds and those of the analyst questions (lists, timelines, comparisons ...)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, build_index, make_settings

from assistant.config import Settings
from assistant.evaluation.runner import main

pytestmark = pytest.mark.slow
GOLDEN = REPO / "evals" / "golden-release-notes.jsonl"
THRESHOLDS = REPO / "evals" / "thresholds-release-notes.toml"


@pytest.fixture(scope="module")
def release_notes(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("release-notes")
    corpus = tmp / "corpus"
    built = subprocess.run(
        [sys.executable, str(REPO / "evals" / "build_release_notes_corpus.py"), "--out", corpus],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    settings = make_settings(tmp, corpus=corpus)
    build_index(settings)
    return settings


def test_the_release_notes_cases_meet_their_thresholds(
    release_notes: Settings, tmp_path: Path
) -> None:
    args = argparse.Namespace(
        golden=GOLDEN, thresholds=THRESHOLDS, mode=["hybrid"], report=tmp_path
    )
    code = main(args, release_notes)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert code == 0, "\n".join(["below thresholds:", *report["gate"]["failed"]])
    gated = " ".join(report["gate"]["passed"])
    assert "timeline_order" in gated and "comparison_sides" in gated


def test_a_named_release_is_read_though_its_look_alikes_say_the_words_more(
    release_notes: Settings,
) -> None:
    """grep's other releases say "bug" and "fixed" more often than 3.8's notes: a boost
    alone leaves 3.8 out of the passages read; the place kept for a named document does
    not."""
    from assistant.service import Assistant

    question = "How many bugs did grep 3.8 fix?"
    named = "grep/2022-09-02_v3.8.txt"
    kept = Assistant(release_notes).retrieve(question)
    boosted = Assistant(release_notes.model_copy(update={"scope_reserved_passages": 0}))
    assert named in {p.metadata["source"] for p in kept}
    assert named not in {p.metadata["source"] for p in boosted.retrieve(question)}
