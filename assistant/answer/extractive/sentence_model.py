"""The fitted models of the extractive answerer: a candidate sentence's score, and whether
the passages answer at all.

Each is a logistic regression over standardised features, fitted on the tuning part of the
golden sets (`assistant.evaluation.sentence_training`, `...answerability_training`) and
shipped as JSON beside this module (`sentence_model.json`, `answerability_model.json`) with
the leave-one-corpus-out figures that chose it. Scoring needs only the numbers in that
file, not the library that fitted them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("sentence_model.json")
ANSWERABILITY_MODEL_FILE = Path(__file__).with_name("answerability_model.json")
MODEL_FORMAT = 1


@dataclass(frozen=True)
class SentenceModel:
    """Weights per feature name over standardised features; `probability` is the score."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    version: str = ""
    measurement: Mapping[str, Any] = field(default_factory=dict)
    threshold: float = 0.5  # a yes/no model says yes from this probability on

    def probability(self, values: Mapping[str, float]) -> float:
        """How likely the sentence states the answer (0-1); absent features count as 0."""
        logit = self.intercept + sum(
            weight * (values.get(name, 0.0) - mean) / scale
            for name, weight, mean, scale in zip(self.features, self.coef, self.mean, self.scale)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, logit))))

    def to_json(self) -> str:
        data = {
            "format": MODEL_FORMAT,
            "version": self.version,
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "measurement": dict(self.measurement),
        }
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> SentenceModel:
        data = json.loads(text)
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"sentence model format {data.get('format')!r}, not {MODEL_FORMAT}")
        columns: Sequence[str] = ("features", "mean", "scale", "coef")
        if len({len(data[name]) for name in columns}) != 1:
            raise ValueError("sentence model: features, mean, scale and coef differ in length")
        return cls(
            features=tuple(data["features"]),
            mean=tuple(map(float, data["mean"])),
            scale=tuple(float(s) or 1.0 for s in data["scale"]),
            coef=tuple(map(float, data["coef"])),
            intercept=float(data["intercept"]),
            version=str(data.get("version", "")),
            measurement=data.get("measurement", {}),
            threshold=float(data.get("threshold", 0.5)),
        )


@lru_cache(maxsize=4)
def load_sentence_model(path: Path = MODEL_FILE) -> SentenceModel:
    """The shipped sentence model (or another file of the same format)."""
    return SentenceModel.from_json(path.read_text(encoding="utf-8"))
