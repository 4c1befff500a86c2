"""A comparison's passages: each side's documents take turns at the first places."""

from __future__ import annotations

from assistant.retrieve.hybrid import HybridRetriever


def test_each_sides_documents_take_turns_then_the_rest() -> None:
    sources = {"a1": "GPL-3", "a2": "GPL-3", "a3": "GPL-3", "b1": "GPL-2", "x": "Apache-2.0"}
    found = {key: ("c", "text", {"source": source}) for key, source in sources.items()}
    ranked = ["a1", "a2", "x", "a3", "b1"]
    by_sides = HybridRetriever._by_sides(ranked, [{"GPL-2"}, {"GPL-3"}], found)
    assert by_sides == ["b1", "a1", "a2", "a3", "x"]
    assert by_sides[:2] != ranked[:2]  # GPL 3 no longer fills the first places
