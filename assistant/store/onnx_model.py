"""A sentence-transformers model run by ONNX Runtime: exported once from the local weights,
cached as a `.onnx` file, then loaded without torch or sentence-transformers.

Only the usual text-embedding shape is taken: a Transformer whose token embeddings are
mean-pooled (then normalised, as every vector of the assistant is). `onnx_support` says
why another model is left to PyTorch.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Encoding, Tokenizer

log = logging.getLogger(__name__)

# Part of the cached file's name: a change to the export below must produce a new file.
EXPORT_VERSION = "1"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
MEAN_POOLING = {"pooling_mode_mean_tokens": True}
TRANSFORMER = "sentence_transformers.models.Transformer"
POOLING = "sentence_transformers.models.Pooling"
NORMALIZE = "sentence_transformers.models.Normalize"


def onnx_support(model_dir: Path) -> str | None:
    """None when the model in `model_dir` can run on ONNX Runtime here, else the reason."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "not a local sentence-transformers model folder"
    kinds = [module.get("type", "") for module in modules]
    if kinds not in ([TRANSFORMER, POOLING], [TRANSFORMER, POOLING, NORMALIZE]):
        return f"modules {kinds}, not Transformer + Pooling (+ Normalize)"
    pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text())
    modes = {key: value for key, value in pooling.items() if key.startswith("pooling_mode")}
    if {key for key, value in modes.items() if value} != set(MEAN_POOLING):
        return f"pooling {modes}, not mean pooling"
    if not (model_dir / "tokenizer.json").is_file():
        return "no tokenizer.json (a fast tokenizer) to tokenize without transformers"
    return None


def cached_onnx_path(model_dir: Path, cache_dir: Path) -> Path:
    """Where the export of this model is kept: named by the model's files (their names,
    sizes and modification times, not their bytes, which would cost a read of the weights
    at every start) and this module's export version."""
    parts = [str(model_dir.resolve()), EXPORT_VERSION]
    for path in sorted(model_dir.rglob("*")):
        if path.is_file():
            status = path.stat()
            parts.append(f"{path.relative_to(model_dir)}:{status.st_size}:{status.st_mtime_ns}")
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return cache_dir / f"{model_dir.name}-{digest}.onnx"


def export_onnx(model_dir: Path, target: Path) -> Path:
    """Export the model's Transformer (token embeddings) with torch's exporter
    (`torch.export` based, dynamic batch and sequence axes), written beside `target` and
    renamed into place, so a reader never sees half a file and two exporting processes do
    not collide."""
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, transformer: torch.nn.Module) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    transformers_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    transformer = AutoModel.from_pretrained(str(model_dir)).eval()
    sample = tokenizer(
        ["An example sentence.", "A second, longer example sentence to pad the first one."],
        padding=True,
        return_tensors="pt",
    )
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence", max=512)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
    exporter_log = logging.getLogger("torch.onnx")
    level = exporter_log.level
    exporter_log.setLevel(logging.ERROR)
    try:
        # The exporter reports its steps on stdout (which `assistant ask --json` owns) and
        # warns about its internals: neither is the user's business.
        with (
            contextlib.redirect_stdout(io.StringIO()),
            warnings.catch_warnings(),
            torch.inference_mode(False),
            torch.no_grad(),
        ):
            warnings.simplefilter("ignore")
            torch.onnx.export(
                TokenEmbeddings(transformer),
                tuple(sample[name] for name in INPUTS),
                str(partial),
                input_names=list(INPUTS),
                output_names=["token_embeddings"],
                dynamic_shapes={name: {0: batch, 1: sequence} for name in INPUTS},
                dynamo=True,
                external_data=False,
                optimize=True,
                verbose=False,
            )
        partial.replace(target)
    finally:
        exporter_log.setLevel(level)
        partial.unlink(missing_ok=True)
    return target


class OnnxSentenceModel:
    """Tokenizer and ONNX Runtime sessions for one exported model; `forward` gives the
    token embeddings of a batch with its attention mask (and character offsets)."""

    def __init__(self, model_dir: Path, onnx_path: Path) -> None:
        from tokenizers import Tokenizer

        config = _read_json(model_dir / "sentence_bert_config.json")
        tokenizer_config = _read_json(model_dir / "tokenizer_config.json")
        self.max_seq_length = int(
            config.get("max_seq_length") or min(tokenizer_config.get("model_max_length", 512), 512)
        )
        self.lower_case = bool(config.get("do_lower_case", False))
        self.tokenizer: Tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        pad_token = tokenizer_config.get("pad_token") or "[PAD]"
        pad_id = self.tokenizer.token_to_id(pad_token)
        self.tokenizer.enable_padding(pad_id=pad_id or 0, pad_token=pad_token)
        self.onnx_path = onnx_path
        self._sessions: dict[int, onnxruntime.InferenceSession] = {}
        # From the pooling config when it says, so that a process embedding only batches
        # (indexing) never opens the one-thread session: each session holds the weights.
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
        pooling = _read_json(model_dir / modules[1]["path"] / "config.json")
        self.dimension = int(
            pooling.get("word_embedding_dimension") or self.session(1).get_outputs()[0].shape[-1]
        )

    def session(self, threads: int) -> onnxruntime.InferenceSession:
        """A session running on `threads` intra-op threads (made on first use: one thread
        for questions, every core for batches of documents)."""
        if threads not in self._sessions:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            self._sessions[threads] = onnxruntime.InferenceSession(
                str(self.onnx_path), options, providers=["CPUExecutionProvider"]
            )
        return self._sessions[threads]

    def encodings(self, texts: list[str]) -> list[Encoding]:
        return self.tokenizer.encode_batch([t.lower() if self.lower_case else t for t in texts])

    def forward(self, encodings: list[Encoding], threads: int) -> tuple[np.ndarray, np.ndarray]:
        """Token embeddings (batch, tokens, dimension) and the attention mask."""
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        session = self.session(threads)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        wanted = {node.name for node in session.get_inputs()}
        tokens = session.run(None, {k: v for k, v in feeds.items() if k in wanted})[0]
        return tokens, mask


def mean_pooled(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' mean pooling, normalised."""
    weights = mask[..., None].astype(np.float32)
    pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return pooled / np.clip(norms, 1e-12, None)


def load_onnx_model(model_dir: Path, cache_dir: Path) -> OnnxSentenceModel:
    """The cached export of the model, exported first when missing (a few seconds)."""
    path = cached_onnx_path(model_dir, cache_dir)
    if not path.is_file():
        log.info("exporting %s to ONNX at %s", model_dir, path)
        export_onnx(model_dir, path)
    return OnnxSentenceModel(model_dir, path)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
