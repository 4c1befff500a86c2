"""Copies of one text in several files: ranked once, cited where the question points."""

from __future__ import annotations

from assistant.retrieve.hybrid import HybridRetriever

TEXT = "a written offer, valid for at least three years"


def _found() -> dict[str, tuple[str, str, dict[str, object]]]:
    return {
        "gpl": ("c1", TEXT, {"source": "GPL", "ordinal": 4}),
        "gpl-3": ("c2", TEXT, {"source": "GPL-3", "ordinal": 4}),
        "other": ("c3", "Apache License, Version 2.0", {"source": "Apache-2.0", "ordinal": 0}),
    }


def test_a_copied_text_ranks_once_at_its_first_file_by_name() -> None:
    fused = {"gpl-3": 0.9, "gpl": 0.8, "other": 0.5}
    ranked = HybridRetriever._without_copies(fused, _found())
    assert ranked == ["gpl", "other"]
    assert fused["gpl"] == 0.9  # the best copy's score


def test_a_copied_text_is_cited_in_the_document_the_question_names() -> None:
    fused = {"gpl": 0.9, "gpl-3": 0.8, "other": 0.5}
    ranked = HybridRetriever._without_copies(fused, _found(), {"GPL-3"})
    assert ranked == ["gpl-3", "other"]
    assert fused["gpl-3"] == 0.9
