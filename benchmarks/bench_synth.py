"""Synthetic corpora of N times the shipped one, for the scaling benchmark.

Document j (of 5*N) is shipped document j % 5 in variant v = j // 5: every place name is
swapped through a per-variant permutation, every number except years is perturbed, and two
paragraphs of another shipped document (same variant) are spliced in while one paragraph is
dropped. So each document is new text with the structure, vocabulary and density of the real
ones, and questions keep retrieving passages of the right kind.

`distinct_variants` caps how many different texts a paragraph can take: variant v then
rewrites paragraphs as variant v % distinct_variants does, while the splice still follows v.
The 1000x run uses a cap of 100, so its chunk texts come (almost all) from the 100x corpus;
see RESULTS.md for why and what that does and does not measure.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

PLACES = [
    # in the shipped texts
    "Ningbo",
    "Zhejiang",
    "Changsha",
    "Hunan",
    "Dalian",
    "Liaoning",
    "Sanya",
    "Hainan",
    "Deyang",
    "Sichuan",
    "Wuhan",
    "Hubei",
    "Fujian",
    "Qinghai",
    "Tibet",
    "Jilin",
    "Shanxi",
    "Yunnan",
    "Chongqing",
    "Guangxi",
    "Shanghai",
    "Zhuhai",
    "Jiangsu",
    "Guangdong",
    "Shenzhen",
    "Suzhou",
    "Tianjin",
    "Hebei",
    # others swapped in
    "Hangzhou",
    "Nanjing",
    "Chengdu",
    "Kunming",
    "Guiyang",
    "Harbin",
    "Shenyang",
    "Jinan",
    "Qingdao",
    "Xiamen",
    "Fuzhou",
    "Hefei",
    "Nanchang",
    "Taiyuan",
    "Lanzhou",
    "Nanning",
    "Haikou",
    "Zhengzhou",
    "Changchun",
    "Yinchuan",
    "Xining",
    "Anhui",
    "Jiangxi",
    "Henan",
    "Shandong",
    "Shaanxi",
    "Gansu",
    "Guizhou",
    "Ningxia",
    "Xinjiang",
    "Heilongjiang",
    "Wenzhou",
    "Foshan",
    "Dongguan",
    "Wuxi",
    "Yantai",
    "Luoyang",
    "Zhuzhou",
    "Yichang",
    "Mianyang",
    "Baoding",
    "Tangshan",
    "Weifang",
]
SHIPPED_PLACES = PLACES[:28]
_PLACE = re.compile(r"\b(" + "|".join(SHIPPED_PLACES) + r")\b")
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)")


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    paragraphs: list[str]


def _read_sources(corpus: Path) -> list[Source]:
    toml = (corpus / "sources.toml").read_text(encoding="utf-8")
    titles = dict(re.findall(r'^\["(.+?)"\]\ntitle = "(.*)"$', toml, re.MULTILINE))
    sources = []
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paragraphs = [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
        sources.append(Source(path.name, titles.get(path.name, path.stem), paragraphs))
    return sources


def _perturb(match: re.Match[str], rng: random.Random) -> str:
    raw = match[1]
    value = float(raw.replace(",", ""))
    if "." not in raw and 1900 <= value <= 2100:
        return raw  # a year: keep the timeline intact
    new = value * rng.uniform(0.7, 1.4)
    if "." in raw:
        decimals = len(raw.split(".")[1])
        return f"{new:.{decimals}f}"
    text = str(max(1, round(new)))
    return f"{int(text):,}" if "," in raw else text


def _rewrite(text: str, variant: int, salt: str) -> str:
    """Swap place names by the variant's permutation and perturb the numbers."""
    if variant == 0:
        return text
    names = random.Random(f"names-{variant}").sample(PLACES, len(SHIPPED_PLACES))
    mapping = dict(zip(SHIPPED_PLACES, names, strict=True))
    text = _PLACE.sub(lambda m: mapping[m[1]], text)
    rng = random.Random(f"numbers-{variant}-{salt}")
    return _NUMBER.sub(lambda m: _perturb(m, rng), text)


def document(sources: list[Source], j: int, distinct_variants: int | None) -> tuple[str, str]:
    """The title and text of synthetic document j."""
    source = sources[j % len(sources)]
    variant = j // len(sources)
    text_variant = variant % distinct_variants if distinct_variants else variant
    rng = random.Random(f"splice-{j}")
    paragraphs = [
        _rewrite(p, text_variant, f"{source.name}-{i}") for i, p in enumerate(source.paragraphs)
    ]
    if variant:
        other = sources[(j + 1 + rng.randrange(len(sources) - 1)) % len(sources)]
        picks = rng.sample(range(len(other.paragraphs)), 2)
        for pick in picks:
            paragraph = _rewrite(other.paragraphs[pick], text_variant, f"{other.name}-{pick}")
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), paragraph)
        paragraphs.pop(rng.randrange(1, len(paragraphs)))
    title = _rewrite(source.title, text_variant, f"{source.name}-title")
    return title, "\n\n".join(paragraphs) + "\n"


def generate(
    corpus: Path, target: Path, factor: int, distinct_variants: int | None = None
) -> dict[str, int]:
    """Write 5*factor documents and their sources.toml under target (replaced if present)."""
    sources = _read_sources(corpus)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    entries = []
    total = 0
    for j in range(len(sources) * factor):
        title, text = document(sources, j, distinct_variants)
        name = f"{j // 100:03d}/doc_{j:05d}.txt"
        path = target / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        total += len(text.encode())
        entries.append(f'["{name}"]\ntitle = {_toml_string(title)}\npublished = "2025"\n')
    (target / "sources.toml").write_text("\n".join(entries), encoding="utf-8")
    return {"documents": len(sources) * factor, "bytes": total}


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
