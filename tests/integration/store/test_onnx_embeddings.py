"""The embedding model on ONNX Runtime: exported from the shipped weights at first use,
cached, and giving PyTorch's vectors (the real model, no mocks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, copy_corpus, run_cli

from assistant.config import Settings
from assistant.store.embeddings import SentenceTransformerEmbeddings, resolve_model_location
from assistant.store.onnx_model import onnx_support
from assistant.text.sentences import Span

QUESTIONS = [
    "What growth target did Changsha set for 2025?",
    "Who is Dong Jun?",
    "How much money was earmarked for technological research in 2024?",
]


def _texts() -> list[str]:
    """Questions and paragraphs of the shipped corpus, one longer than the model's input."""
    paragraphs = [
        part.strip()
        for path in sorted(CORPUS.glob("*.txt"))
        for part in path.read_text(encoding="utf-8").split("\n\n")
        if len(part.strip()) > 80
    ]
    return [*QUESTIONS, *paragraphs[:12], " ".join(paragraphs[:10])]


def _cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    x, y = np.asarray(a), np.asarray(b)
    return (x * y).sum(axis=1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SentenceTransformerEmbeddings]:
    """Both backends; the ONNX one exports into a folder of its own (not the shared cache)."""
    cache = tmp_path_factory.mktemp("onnx")
    onnx = SentenceTransformerEmbeddings("all-MiniLM-L6-v2", backend="onnx", onnx_cache_dir=cache)
    onnx.load()
    return {"onnx": onnx, "torch": SentenceTransformerEmbeddings("all-MiniLM-L6-v2")}


@pytest.mark.slow
def test_onnx_vectors_are_pytorchs(models: dict[str, SentenceTransformerEmbeddings]) -> None:
    texts = _texts()
    onnx, torch = models["onnx"], models["torch"]
    assert onnx.backend == "onnx" and torch.backend == "torch"
    assert onnx.dimension == torch.dimension == 384
    assert _cosines(onnx.encode(texts), torch.encode(texts)).min() >= 0.9999
    assert (
        _cosines(
            [onnx.embed_query(q) for q in QUESTIONS], [torch.embed_query(q) for q in QUESTIONS]
        ).min()
        >= 0.9999
    )
    vectors = np.asarray(onnx.encode(texts))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_onnx_sentence_vectors_are_pytorchs(
    models: dict[str, SentenceTransformerEmbeddings],
) -> None:
    texts = _texts()
    spans = [[Span(0, len(text) // 2), Span(len(text) // 2 + 1, len(text))] for text in texts]
    onnx = models["onnx"].encode_with_sentences(texts, spans)
    torch = models["torch"].encode_with_sentences(texts, spans)
    for (o_vector, o_spans, o_pooled), (t_vector, t_spans, t_pooled) in zip(
        onnx, torch, strict=True
    ):
        assert o_spans == t_spans  # the longest text's second half is past the input: left out
        assert _cosines([o_vector], [t_vector]).min() >= 0.9999
        assert _cosines(o_pooled.tolist(), t_pooled.tolist()).min() >= 0.9999
    assert len(onnx[-1][1]) == 1


@pytest.mark.slow
def test_a_cached_export_loads_without_torch(
    models: dict[str, SentenceTransformerEmbeddings],
) -> None:
    """The next process reads the cached file: neither torch nor sentence-transformers is
    imported, which is what makes ONNX Runtime start faster."""
    cache = models["onnx"]._onnx.onnx_path.parent
    probe = (
        "import sys; from pathlib import Path; "
        "from assistant.store.embeddings import SentenceTransformerEmbeddings as E; "
        f"e = E('all-MiniLM-L6-v2', backend='onnx', onnx_cache_dir=Path({str(cache)!r})); "
        "v = e.embed_query('Who is Dong Jun?'); "
        "print(len(v), sorted(m for m in ('torch', 'sentence_transformers', 'transformers') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.strip() == "384 []"
    assert [path.name for path in cache.iterdir()] == [models["onnx"]._onnx.onnx_path.name]


def test_only_mean_pooled_transformers_go_to_onnx(tmp_path: Path) -> None:
    shipped = Path(resolve_model_location("all-MiniLM-L6-v2"))
    assert onnx_support(shipped) is None
    assert onnx_support(tmp_path) is not None  # no modules.json
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "modules.json").write_text(
        json.dumps(
            [
                {"path": "", "type": "sentence_transformers.models.Transformer"},
                {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            ]
        )
    )
    (tmp_path / "1_Pooling" / "config.json").write_text(
        json.dumps({"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False})
    )
    assert "not mean pooling" in (onnx_support(tmp_path) or "")
    model = SentenceTransformerEmbeddings(str(tmp_path), backend="onnx", onnx_cache_dir=tmp_path)
    assert model.backend == "torch"


def test_the_backend_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ASSISTANT_ONNX_CACHE_DIR", raising=False)
    assert Settings().embedding_backend == "onnx"
    assert Settings(index_dir=tmp_path).onnx_export_dir == tmp_path / "onnx"
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "torch")
    monkeypatch.setenv("ASSISTANT_ONNX_CACHE_DIR", str(tmp_path / "elsewhere"))
    settings = Settings(index_dir=tmp_path)
    assert settings.embedding_backend == "torch"
    assert settings.onnx_export_dir == tmp_path / "elsewhere"


@pytest.mark.slow
def test_the_first_ask_exports_quietly(tmp_path: Path) -> None:
    """`assistant ask --json` exporting the model on first use still prints only its JSON."""
    copy_corpus(tmp_path / "corpus")
    env = {"ASSISTANT_ONNX_CACHE_DIR": str(tmp_path / "export")}
    indexed = run_cli("index", "--quiet", cwd=tmp_path, env=env)
    assert indexed.returncode == 0, indexed.stderr
    for path in (tmp_path / "export").iterdir():
        path.unlink()
    asked = run_cli("ask", QUESTIONS[0], "--json", cwd=tmp_path, env=env)
    assert asked.returncode == 0, asked.stderr
    result = json.loads(asked.stdout)
    assert result["citations"] and not result["abstained"]
    assert len(list((tmp_path / "export").glob("*.onnx"))) == 1
