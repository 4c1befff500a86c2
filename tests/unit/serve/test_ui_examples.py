"""Example questions for the welcome screen come from each document's own frequent phrases."""

from __future__ import annotations

from assistant.serve.ui.examples import example_questions, key_phrases, topics


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
        "Give an overview of Coral reef restoration.",
    ]
    assert example_questions(docs, texts, limit=1) == questions[:1]
    titled = [{**docs[1], "title": "Battery recycling plants"}]
    assert example_questions(titled, texts, limit=1) == []
    assert example_questions(docs, texts, limit=0) == []
    counts, spelling = key_phrases("Open-source models. Open-source models. 5 per cent, per cent")
    assert counts[("open-source", "models")] == 2 and spelling[("open-source", "models")]
    assert ("per", "cent") not in counts


TARGETS = {
    "cities.txt": (
        "Ningbo set a GDP growth target of 5.5 percent. Ningbo also plans new ports. "
        "Wuhan aims for growth of 6 percent. Wuhan hosts car makers. "
        "The provincial budget grew. The provincial budget funds ports."
    ),
    "chips.txt": (
        "Chip exports rose to 20 billion dollars. Chip exports are taxed. "
        "Memory makers invested. Memory makers hired."
    ),
    "rivers.txt": "River dredging began in spring. River dredging clears silt; it is slow.",
}
LIBRARY = [
    {"source": "cities.txt", "title": "City targets for the Two Sessions", "published": "2025"},
    {"source": "chips.txt", "title": "Trade before the Two Sessions", "published": "2024"},
    {"source": "rivers.txt", "title": "Rivers", "published": "2023"},
]


def test_examples_are_of_different_kinds_not_one_template() -> None:
    """What the documents say, a figure, a comparison, an overview: each asks about
    something one document states (the figure's phrase in a sentence with an amount)."""
    questions = example_questions(LIBRARY, TARGETS, limit=4)
    assert questions == [
        "What do the documents say about provincial budget?",
        "What figures are given for Chip exports?",
        "Compare Ningbo and Wuhan.",
        "Give an overview of River dredging.",
    ]
    assert len({" ".join(q.split()[:2]) for q in questions}) == 4  # not one template
    assert example_questions(LIBRARY, TARGETS, limit=2) == questions[:2]


def test_topics_are_names_the_titles_share() -> None:
    assert topics(LIBRARY, TARGETS) == ["Two Sessions"]
    assert topics(LIBRARY[:1], TARGETS) == []


def test_the_figure_example_asks_about_the_phrase_most_often_given_with_figures() -> None:
    library = [
        {"source": "new.txt", "title": "New", "published": "2025"},
        {"source": "mid.txt", "title": "Mid", "published": "2022"},
        {"source": "old.txt", "title": "Old", "published": "2020"},
    ]
    texts = {
        "new.txt": "Port tariffs were debated. Port tariffs fell.",
        "mid.txt": "Rail freight rose 2 percent. Rail freight was slow.",
        "old.txt": "Wheat harvests hit 5 million tons. Wheat harvests fell 3 percent in May.",
    }
    questions = example_questions(library, texts, limit=2)
    assert questions[1] == "What figures are given for Wheat harvests?"
