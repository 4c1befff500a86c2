"""The Debian corpus (web pages of a manual and PDFs from five tool chains), as CI builds it:
rebuilt from Debian's packages by evals/build_debian_corpus.py --subset, indexed, checked."""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, build_index, make_settings

from assistant.config import Settings
from assistant.evaluation.runner import main
from assistant.ingest.formats.pdf import extract_pdf
from assistant.store.chroma import open_store

pytestmark = pytest.mark.slow
GOLDEN = REPO / "evals" / "golden-debian-ci.jsonl"
THRESHOLDS = REPO / "evals" / "thresholds-debian.toml"


@pytest.fixture(scope="module")
def debian(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("debian")
    built = subprocess.run(
        [sys.executable, str(REPO / "evals" / "build_debian_corpus.py"), "--subset"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    corpus = REPO.parent / "corpora" / "debian-subset"
    settings = make_settings(tmp, corpus=corpus)
    build_index(settings)
    return settings


def test_the_debian_golden_cases_meet_their_thresholds(debian: Settings, tmp_path: Path) -> None:
    args = argparse.Namespace(
        golden=GOLDEN, thresholds=THRESHOLDS, mode=["hybrid"], report=tmp_path
    )
    code = main(args, debian)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert code == 0, "\n".join(["below thresholds:", *report["gate"]["failed"]])


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_pdf_text_is_pdftotext_word_for_word(debian: Settings) -> None:
    """No words glued together or split, in pdftotext's order; what is left out is running
    headers and footers and table-of-contents lines."""
    pdfs = sorted(debian.corpus_dir.glob("**/*.pdf"))
    assert len(pdfs) >= 3
    for pdf in pdfs:
        ours = _words(extract_pdf(pdf.read_bytes()).text)
        reference_text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode()
        reference = _words(reference_text)
        assert set(ours) <= set(reference), (pdf.name, sorted(set(ours) - set(reference))[:10])
        matcher = difflib.SequenceMatcher(None, reference, ours, autojunk=False)
        kept = sum(block.size for block in matcher.get_matching_blocks())
        assert kept >= 0.9 * len(reference), (pdf.name, kept / len(reference))


def test_no_passage_holds_the_pages_navigation(debian: Settings) -> None:
    """Text that stands on most pages of the manual (its menus, links and footers, found
    from the pages themselves) is in no chunk of the index."""
    pages = sorted(debian.corpus_dir.glob("**/*.html"))
    counts: Counter[str] = Counter()
    for page in pages:
        soup = BeautifulSoup(page.read_bytes(), "html.parser")
        elements = (" ".join(tag.get_text(" ").split()) for tag in soup.body.find_all(True))
        counts.update({text for text in elements if re.search(r"[^\W\d_]{2,}", text)})
    furniture = {text for text, count in counts.items() if count >= 0.5 * len(pages)}
    assert furniture, "the pages share navigation text"
    store, _ = open_store(debian)
    _, texts, metadatas = store.all_chunks()
    found = [
        (meta["source"], text)
        for text, meta in zip(texts, metadatas, strict=True)
        for line in text.splitlines()
        if " ".join(line.split()) in furniture
    ]
    assert found == []
