"""Example questions for the welcome screen come from each document's own frequent phrases."""

from __future__ import annotations

from assistant.serve.ui.examples import example_questions, key_phrases


def test_example_questions_come_from_each_documents_own_phrases() -> None:
    docs = [
        {"source": "old.txt", "title": "Old", "published": "2020"},
        {"source": "new.txt", "title": "New", "published": "2024"},
        {"source": "mid.txt", "title": "Mid", "published": "2022"},
    ]
    texts = {
        "old.txt": "Coral reef restoration is slow. Coral reef restoration needs funding.",
        "new.txt": "Battery recycling plants grew. The battery recycling plants employ many.",
        "mid.txt": "Nothing repeats here at all.",
    }
    questions = example_questions(docs, texts, limit=5)
    assert questions == [
        "What do the documents say about battery recycling plants?",
        "What do the documents say about Coral reef restoration?",
    ]
    assert example_questions(docs, texts, limit=1) == questions[:1]
    titled = [{**docs[1], "title": "Battery recycling plants"}]
    assert example_questions(titled, texts, limit=1) == []
    assert example_questions(docs, texts, limit=0) == []
    counts, spelling = key_phrases("Open-source models. Open-source models. 5 per cent, per cent")
    assert counts[("open-source", "models")] == 2 and spelling[("open-source", "models")]
    assert ("per", "cent") not in counts
