"""One typed settings object for the whole assistant.

Values come, highest priority first, from keyword arguments, `ASSISTANT_*` environment
variables, a TOML file (`ASSISTANT_CONFIG`, default `assistant.toml` in the working
directory, if present) and the defaults below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

MIN_API_TOKEN_CHARS = 16  # a shorter token could be guessed through the UI's login form


@dataclass(frozen=True)
class LoadLimits:
    """What a file may be: at most `max_bytes`, and (plain text) no line longer than
    `max_line_chars`: a single enormous line is data (minified, base64), not prose, and
    would cost minutes of embedding."""

    max_bytes: int
    max_line_chars: int


class AnswererWeights(BaseModel):
    """Every tuned number of the extractive answerer and the follow-up rewriter, in one place.

    Each note says what chose the value (the golden set of `evals/golden.jsonl` as it was
    when the value was set); change one only with a measurement on the tuning part.
    """

    model_config = ConfigDict(frozen=True)

    # A sentence's features (its score is the fitted model of scoring.py).
    name_in_document_only: float = Field(
        0.5,
        description="credit for a name only the quote's document has (fact recall 0.833 -> "
        "0.865 with the heading terms)",
    )
    heading_capitalised_share: float = Field(
        0.6, description="share of capitalised words that makes an unpunctuated line a heading"
    )
    min_sentence_words: int = Field(4, description="shorter sentences are never quoted")
    earlier_question_weight: float = Field(
        0.5,
        description="in a follow-up joined to the question before it, what weight a term only "
        "the earlier question has keeps (a sentence must answer what was asked now, not "
        "repeat the last answer). Leave-one-corpus-out over the five sets' follow-ups (fact "
        "recall summed; 1.0 / 0.75 / 0.5 / 0.25 / 0): shipped 14 / 14 / 14 / 14 / 14 of 14, "
        "Debian 4 of 5 at every value, Python 4 of 4, release notes 7.5 / 7.5 / 8.5 / 8.5 / "
        "7.5 of 9, licences 1 / 2 / 2 / 2 / 1 of 3; four folds choose 0.5, the release notes' "
        "fold 0.75 (ties go to the larger weight). No other answer's facts change",
    )
    # Choosing sentences.
    companion_score_ratio: float = Field(
        0.3,
        description="a further sentence joins the answer at this share of the best score "
        "(the model's probability). Tuning parts, shipped / Debian fact recall and median "
        "words: 0.2 -> 0.885 / 0.660, 63 words; 0.3 -> 0.885 / 0.638, 53; 0.5 -> 0.885 / "
        "0.617, 41; 0.7 -> 0.865 / 0.617, 38. 0.3: the most recall within 60 words. "
        "Re-checked with the 15-feature model and dense weight 0.5: 0.2 to 0.5 -> 0.885 / "
        "0.809 (63 / 53 down to 49 / 35 words); 0.6 -> 0.885 / 0.787; 0.7 -> 0.865 / 0.787. "
        "0.3 kept, inside the plateau. With companions judged by what they add "
        "(`companion_novel_share`) and the sentence-similarity model, shipped / Debian / "
        "Python: 0.25 -> 0.947 / 0.830 / 0.609, median 62 / 62.5 / 70 words; 0.3 -> 0.947 / "
        "0.830 / 0.609, 55 / 60 / 59; 0.35 -> 0.928 / 0.830 / 0.609, 48 / 49 / 59. 0.3 kept: "
        "the most recall within 60 words",
    )
    companion_novel_share: float = Field(
        0.5,
        description="a further sentence joins only when at least this share of its terms is "
        "in none of the chosen quotes (it says something they do not), or it gives another "
        "figure. It replaced 'brings a question term the chosen lack', which kept out a "
        "sentence stating the answer in the question's words once another had them (tuning "
        "parts at companion ratio 0.3, shipped / Debian / Python fact recall: that rule 0.904 "
        "/ 0.809 / 0.565; no rule 0.947 / 0.851 / 0.565 but 62 / 62.5 / 59 median words; "
        "share 0.3 -> 0.947 / 0.851 / 0.609, 56 / 62.5 / 59 words; 0.5 -> 0.947 / 0.830 / "
        "0.609, 55 / 60 / 59; 0.7 -> 0.947 / 0.745 / 0.565). 0.5: the most recall within 60 "
        "words; 0.947 / 0.851 / 0.609 once companions no longer count as support",
    )
    long_companion_words: int = Field(
        15,
        ge=0,
        description="a companion longer than this many words joins only at "
        "`long_companion_score_ratio` of the best score (legal texts' long sentences made "
        "three-sentence answers of 80 words)",
    )
    long_companion_score_ratio: float = Field(
        0.5,
        ge=0,
        description="the share of the best score a long companion needs. Chosen with "
        "`long_companion_words` by leave-one-corpus-out over the five sets: the most mean "
        "tuning fact recall whose median answer stays within 60 words (the issue's bound) "
        "on every training corpus. Tuning parts, fact recall and median words shipped / "
        "release notes / licenses / Python / Debian: no rule .885/.814/.875/.609/.851, "
        "50.5/48/83/70/61; (0.5, 15 words) the same recall, 43/44.5/59/56/39; (0.4, 15) "
        "Python 67 words; (0.45, 15) Python 62; (0.55, 15) Python .565; (0.5, 10) release "
        "notes .786; (0.5, 20) release notes .786; (0.5, 25) licenses 82 words; a ratio of "
        "0.4 for every companion .885/.800/.875/.565/.830. Every fold chooses (0.5, 15). "
        "Test parts: licenses 78.5 -> 57 words; shipped .867 -> .845 (a078's answer was a "
        "long companion)",
    )
    continuation_score_ratio: float = Field(
        0.3,
        description="a chosen sentence takes the next one with it when that one points back "
        'at it ("This avoids ...") and scores at this share of it. Tuning parts, Debian '
        "fact recall: never (above 1) -> 0.745; 0.7 -> 0.766; 0.5, 0.3, 0 -> 0.766 (shipped "
        "0.885 throughout, median words +1). 0.3: inside the plateau",
    )
    supported_score_ratio: float = Field(
        0.5,
        description="a passage having the asked-for name or figure answers at this share of "
        "the best score; tuning parts: 0.5 -> shipped fact recall 0.885, false abstentions "
        "0.019; 0.8 -> 0.865, 0.038 (Debian equal)",
    )
    named_lead_score_ratio: float = Field(
        0.25,
        ge=0,
        description="when the question names documents by identity and the best sentence "
        "is from another, the best from a named one leads if it scores at least this share "
        "of the best ('In rsync's August 2020 release, which new option ...' was answered "
        "from the July release). Leave-one-corpus-out over the five sets, tuning parts, fact "
        "recall shipped / Debian / Python / release notes / licenses: off .885 / .851 / .609 "
        "/ .843 / .875; 0 .865 / .830 / .609 / .871 / .875; 0.1 to 0.25 .885 / .851 / .609 / "
        ".871 / .875; 0.35 and 0.5 as off. Four folds choose 0.1 to 0.25 (the largest kept); "
        "the release notes' fold sees no difference and keeps it off",
    )
    # Abstaining (the decision itself is the answerability model's).
    distinctive_max_zipf: float = Field(
        1.5,
        description="a question's word rarer than this in English (wordfreq's Zipf scale) "
        "must be in the quoted documents, like a name (and is rare enough to scope a "
        "question and to be an identifier). Leave-one-corpus-out over the five sets, tuning "
        "parts, fact recall shipped / release notes / licenses / Python / Debian: 0.5, 1.0 "
        "and 1.5 -> .885/.814/.875/.609/.851; 2.0 -> .885/.771/.875/.609/.851 ('they never "
        "mention clobbering', 1.88); 2.5 -> .865/.757/.875/.609/.830; refused unanswerables "
        "equal at every value. Four folds choose 1.5, the strictest of the best values; the "
        "release-notes fold ties 0.5 to 2.0. Debian's test refusals need 'chrony' and 'zstd' "
        "(0.0)",
    )
    naming_word_max_zipf: float = Field(
        4.0,
        description="a word of a quoted document's identity rarer than this in English (and "
        "carried by fewer than half of the documents) names that document, so a name beside "
        "it in the question qualifies the document's name ('GNU' in 'GNU sed 4.9') and need "
        "not be in it. Below 'report' (5.3), 'letter' (5.0), 'institute' (4.8); above 'sed' "
        "(2.9), 'debian' (2.9), 'truman' (3.6). Release notes: r001 ('they never mention "
        "GNU') answered; no other case of the four sets changes",
    )
    # Analysts' questions beyond one fact (`answer/extractive/analyst.py`). The overview's
    # relevance share and the list ratio are chosen by leave-one-corpus-out over the analyst
    # cases of the four golden sets (evals/README.md, "analyst weights"); the overview's
    # length is the issue's default; MMR and spread are the methods' usual values (0.5 and
    # 0.9 MMR, spread 0 and 0.5 were measured: no fold prefers them).
    overview_words: int = Field(
        150, ge=20, description="an overview's sentences stay within this many words"
    )
    overview_relevance: float = Field(
        0.0,
        ge=0,
        le=1,
        description="an overview sentence's merit: this share its score for the question, "
        "the rest its LexRank centrality among the passages' sentences (the passages are "
        "already the question's). Overview point coverage, tuning parts, shipped / Debian / "
        "Python / release notes: 0.0 .596/.333/.456/.375; 0.25 .388/.400/.522/.375; 0.5 "
        ".225/.333/.578/.375; 0.75 and 1.0 .188/.333/.511/.375. Three folds choose 0.0, the "
        "shipped fold 0.25",
    )
    max_quote_words: int = Field(
        60,
        ge=0,
        description="a quoted sentence longer than this is cut to its clauses that answer "
        "(0: never cut; legal texts run one sentence past 100 words). Tuning parts, fact "
        "recall shipped / release notes / Python / Debian and Debian's median words: 0 -> "
        ".885/.771/.609/.851, 64; 60 -> the same, 63; 45 -> .837/.686/.609/.830, 63. Every "
        "fold ties 0 and 60 on recall and takes 60 for the shorter answers",
    )
    overview_mmr: float = Field(
        0.7, ge=0, le=1, description="MMR: merit against similarity to the sentences chosen"
    )
    overview_spread: float = Field(
        0.2, ge=0, description="added to a sentence from a document the overview lacks yet"
    )
    near_copy_similarity: float = Field(
        0.8, ge=0, le=1, description="TF-IDF cosine from which a sentence repeats another"
    )
    list_score_ratio: float = Field(
        0.1,
        ge=0,
        le=1,
        description="a list item or timeline entry scores at least this share of the best. "
        "List item recall, tuning parts, shipped / Debian / Python / release notes: 0.1 and "
        "0.15 .952/.400/.875/.679; 0.2 and 0.3 .952/.400/.750/.679; 0.5 .952/.300/.750/.536; "
        "timeline recall (shipped, release notes) 0.1 .25/.70, 0.15-0.5 .25/.65; excluded "
        "items the same throughout. Every fold chooses 0.1, the grid's lowest. Re-checked "
        "once a plural question noun made a list (2026-12-07, evening), list recall (tuning) "
        "shipped / Debian / Python / release notes / licenses: 0.1 .952/.400/.875/.793/.583; "
        "0.3 .952/.400/.750/.679/.500; 0.5 .952/.300/.750/.536/.500: every fold keeps 0.1",
    )
    list_items: int = Field(8, ge=1, description="at most this many items in a list")
    comparison_score_ratio: float = Field(
        0.2,
        ge=0,
        le=1,
        description="a comparison's side is answered by a sentence scoring at least this "
        "share of the best, else it is said to be unanswered. Sides present, tuning / test, "
        "shipped / release notes / licenses / Python / Debian: 0 and 0.05 .875/1.0, .75/0, "
        ".5, .5/.25, .667/.5; 0.1 to 0.3 shipped 1.0/1.0 (cm06 no longer quotes an "
        "off-topic sentence for 2025), the rest equal; 0.5 shipped test .75 and release "
        "notes .5; 0.7 release notes .375. Each fold's plateau of best values (training "
        "tuning parts) has its middle at 0.1 to 0.3, where every held-out corpus scores as "
        "at 0.2, the middle of the plateau on all five",
    )
    timeline_term_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="a document joins a timeline when its best sentence names this share of "
        "the question's terms that the candidate sentences name (years aside), however low "
        "it scores. Timeline item recall, shipped and release notes (tuning / test): score "
        "ratio alone .25/.306 and .55/.5; 0.34 and 0.5 .25/.472 and .65/.5; 0.67 .25/.389 "
        "and .55/.5. Each of the two corpora with timelines, held out, gets 0.5 from the other",
    )
    # Compound questions and follow-ups.
    min_question_part_words: int = Field(
        3, description="a shorter fragment of a compound question stays with the part before"
    )
    max_follow_up_words: int = Field(
        14, description="longer questions are taken as standalone, never rewritten"
    )
    condense_history_messages: int = Field(
        6, description="messages of the conversation an LLM sees when rewriting a follow-up"
    )


class Settings(BaseSettings):
    """Every tunable of indexing, retrieval, answering and serving."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore"
    )

    # Where things live
    corpus_dir: Path = Field(Path("corpus"), description="Folder of source documents")
    index_dir: Path = Field(Path("index"), description="Embedded Chroma store location")
    data_dir: Path = Field(
        Path("data"), description="Conversations and ratings (a SQLite file) are kept here"
    )
    database_url: SecretStr | None = Field(
        None,
        description="SQLAlchemy URL of the workspace database (postgresql+psycopg://...) that "
        "replicas share; unset = the SQLite file in data_dir. Secret: it may hold a password",
    )
    collection: str = Field("passages", min_length=3, description="Chroma collection name")
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded")
    chroma_port: int = Field(8000, description="Chroma server port")

    # Loading and chunking
    max_file_mb: float = Field(20.0, gt=0, description="Files larger than this are skipped")
    max_line_chars: int = Field(
        100_000, ge=1000, description="Text files with a longer line are skipped (not prose)"
    )
    chunk_tokens: int = Field(180, ge=32, le=2000, description="Target chunk size in tokens")
    chunk_overlap_tokens: int = Field(30, ge=0, description="Overlap between split chunks")
    min_chunk_tokens: int = Field(40, ge=0, description="Shorter paragraphs join the next one")

    # Embedding
    embedding_model: str = Field(
        "all-MiniLM-L6-v2",
        description="sentence-transformers model name or path; the default is bundled",
    )
    embedding_batch_size: int = Field(64, ge=1)
    embedding_backend: Literal["onnx", "torch"] = Field(
        "onnx",
        description="What runs the embedding model: 'onnx' (ONNX Runtime, on the model "
        "exported from its local weights at first use and cached in index_dir/onnx/; no "
        "torch in the process) or 'torch' (sentence-transformers on PyTorch). A model that "
        "is not Transformer + mean pooling runs on torch whatever this says. Measured "
        "(benchmarks/RESULTS.md, issue 29; same run, 2 cores): vectors of 460 golden questions, "
        "400 chunks and 2,018 sentences all at cosine >= 0.9999 to torch's, the 175 shipped "
        "answers identical; one question 8.4 vs 18.0 ms p50; ask p50 / p95 35 / 69 vs 46 / "
        "86 ms; a cold `assistant ask` 3.1 vs 9.0 s; embedding 400 chunks with their "
        "sentences 20.9 vs 23.4 s",
    )
    onnx_cache_dir: Path | None = Field(
        None,
        description="Where the ONNX export of the embedding model is cached (one file per "
        "model, named by its files); unset: index_dir/onnx",
    )
    query_batch_size: int = Field(
        32,
        ge=1,
        description="Questions asked at the same time are embedded together, this many at "
        "most in one forward pass (1: each alone). On torch, one thread, 32 questions: one by "
        "one 926 ms, in passes of 8 224 ms, of 32 194 ms (benchmarks/RESULTS.md, issue 29). On "
        "ONNX Runtime a question costs 6.0 ms alone, 4.5 ms in passes of 4 to 16, and serving "
        "cannot tell 1, 8 and 32 apart: 32 / 1 clients 2.10x / 1.99x, 1.93x / 1.88x, 2.03x / "
        "1.91x in two runs (RESULTS.md, 'Issue 29, item 1: the serving overhead'); 32 kept",
    )

    # Retrieval
    top_k: int = Field(5, ge=1, le=50, description="Passages handed to the answerer")
    analyst_top_k: int = Field(
        20,
        ge=1,
        le=50,
        description="Passages for an overview, list, timeline or comparison, which gather "
        "sentences from more documents than one fact needs",
    )
    overview_opening_chunks: int = Field(
        3,
        ge=0,
        le=50,
        description="An overview of a named document as a whole ('Give me an overview of the "
        "Gutenprint 5.2 User's Manual') also reads the document's first this many chunks, "
        "where it says what it is. Leave-one-corpus-out over the five sets' overview "
        "coverage (0 / 1 / 2 / 3 / 5 chunks; only two cases move): shipped ov06 .33 / .33 / "
        ".33 / .67 / 0, Debian dov03 0 / 0 / .6 / .6 / .8. Four folds choose 3; the shipped "
        "fold chooses 5, where ov06 loses its third",
    )
    candidate_k: int = Field(
        30,
        ge=1,
        description="Candidates fetched per retriever. Tuning parts, shipped / Debian fact "
        "recall and hit@5: 15 -> 0.885 / 0.787, 1.0 / 0.92; 30 -> 0.885 / 0.809, 1.0 / 0.94; "
        "50 -> 0.885 / 0.787, 0.966 / 0.92",
    )
    scope_boost: float = Field(
        0.15,
        ge=0,
        description="Added to the fused score of passages from the documents a question "
        "names by identity (year, author, title, file name; `retrieve/scope.py`). "
        "Leave-one-corpus-out over shipped / Debian / Python / release notes, tuning "
        "parts, fact recall: 0 -> 0.889 / 0.830 / 0.609 / 0.600; 0.15 -> 0.889 / 0.830 / "
        "0.609 / 0.629; 0.3 -> 0.861 / 0.809 / 0.609 / 0.629; 0.6 -> 0.827 / 0.830 / 0.609 / "
        "0.629. Every fold (the mean of the other three, hit@5 breaking ties) chooses 0.15",
    )
    scope_reserved_passages: int = Field(
        1,
        ge=0,
        description="At least this many of the passages returned are from the documents a "
        "question names by identity, when the search finds that many in them: a boost "
        "alone left 'How many bugs did grep 3.8 fix?' with the other grep releases' bug "
        "fixes, which say 'bug' and 'fix' more often. Tuning parts, fact recall shipped / "
        "Debian / Python / release notes / licences: 0 and 1 -> .885 / .851 / .609 / .871 / "
        ".875 (every answer the same, test parts too); 2 -> release notes .843, Python hit@5 "
        ".741; 3 -> the same. Every fold ties 0 and 1; 1 is kept for the questions that name "
        "one release among many alike (2026-12-08, evals/README.md)",
    )
    retrieval_mode: Literal["hybrid", "dense", "lexical"] = "hybrid"
    dense_feedback_weight: float = Field(
        0.5,
        ge=0,
        description="Pseudo-relevance feedback: the dense query vector plus this weight times "
        "the mean of its nearest passages' vectors, searched again (0 turns it off). "
        "Leave-one-corpus-out over shipped / Python / release notes / Debian, tuning hit@5 "
        "with 3 passages: 0 -> .983/.741/.925/.940; 0.25 -> .983/.741/.950/.940; 0.5 -> "
        "1.0/.778/.950/.940; 1.0 -> 1.0/.778/.950/.940; with 5 passages 0.5 -> "
        ".983/.815/.925/.920; 8 passages 0.5 -> .966/.778/.925/-. Every fold chose 0.5 "
        "with 3 passages (evals/README.md)",
    )
    dense_feedback_passages: int = Field(
        3, ge=1, le=20, description="Nearest passages whose mean moves the query vector"
    )
    fusion: Literal["rrf", "weighted"] = "weighted"
    rrf_k: int = Field(60, ge=1)
    dense_weight: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Weight of dense in weighted fusion. Tuning parts, shipped / Debian fact "
        "recall and hit@3: 0.45 -> 0.885 / 0.809, 0.914 / 0.880; 0.5 -> 0.885 / 0.809, "
        "0.931 / 0.880; 0.55 -> 0.885 / 0.787, 0.966 / 0.840; 0.65 -> 0.885 / 0.723, 0.948 / "
        "0.840 (after the PDFs got their sections)",
    )

    # Answering
    answer_mode: Literal["extractive", "llm"] = "extractive"
    max_answer_sentences: int = Field(3, ge=1, le=10)
    max_question_chars: int = Field(2000, ge=10)
    sentence_model_file: Path | None = Field(
        None,
        description="Another fitted sentence model (JSON, as sentence_training writes); "
        "unset: the shipped one",
    )
    answerability_model_file: Path | None = Field(
        None,
        description="Another fitted answerability model (JSON, as answerability_training "
        "writes); unset: the shipped one",
    )
    answerer: AnswererWeights = Field(
        default_factory=AnswererWeights,
        description="Tuned weights and thresholds (ASSISTANT_ANSWERER__<NAME>)",
    )
    llm_base_url: str | None = Field(None, description="OpenAI-compatible base URL")
    llm_model: str = Field("gpt-4o-mini", description="Model name sent to the endpoint")
    llm_api_key: SecretStr = Field(SecretStr("not-needed"))
    llm_gguf_path: Path | None = Field(None, description="Local GGUF file (llama-cpp-python)")
    llm_max_tokens: int = Field(400, ge=16)
    llm_context_tokens: int = Field(3000, ge=256, description="Token budget for passages")
    llm_temperature: float = Field(0.0, ge=0, le=2)

    # Serving
    host: str = "127.0.0.1"
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the server answers to, besides the bind address, localhost "
        "and 127.0.0.1 ('*': any); other Host headers get 400 (DNS rebinding)",
    )
    port: int = Field(7860, ge=1, le=65535)
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Processes that answer questions for `assistant serve` (1: the server's "
        "own); default: one per core. On 2 cores with ONNX Runtime, 32 / 1 clients: 1 process "
        "1.25x / 1.20x, 2 processes (one per core, pinned) 2.03x / 1.91x (RESULTS.md, 'Issue "
        "29, item 1: the serving overhead')",
    )
    worker_threads: int = Field(
        8,
        ge=1,
        description="Questions each answering process works on at once (their embeddings "
        "share a forward pass, see query_batch_size). 2 and 8 are not told apart by serving on "
        "ONNX Runtime (32 / 1 clients 2.20x / 1.98x vs 2.03x / 1.91x, RESULTS.md, 'Issue 29, "
        "item 1: the serving overhead'); 8 kept, which lets torch's batching fill its passes",
    )
    pin_workers: bool = Field(
        True,
        description="Hold each answering process to one core, in turn (Linux); its threads "
        "then hand the GIL over on one core instead of bouncing it between cores. Measured "
        "(benchmarks/RESULTS.md, 'Issue 29, item 1: the serving overhead'; 2 cores): 32 / 1 "
        "clients 2.03x / 1.91x pinned vs 1.44x / 1.69x not; 8 threads of one process on 2 "
        "cores spend about 15% more CPU per ask than on 1",
    )
    api_token: SecretStr | None = Field(
        None,
        description=f"Bearer token; unset = open API. At least {MIN_API_TOKEN_CHARS} "
        "characters: it is also the UI's password, which a short one would not protect",
    )
    max_upload_mb: float = Field(10.0, gt=0, description="Largest file accepted by an upload")
    max_upload_files: int = Field(20, ge=1, description="Most files in one upload request")
    max_body_kb: int = Field(512, ge=1, description="Largest JSON body for /api and /v1")
    ui_examples: int = Field(4, ge=0, le=12, description="Example questions shown in the UI")
    max_conversations: int = Field(
        1000,
        ge=1,
        description="Conversations one owner keeps; deleted ones count until purged a day later",
    )
    max_login_failures: int = Field(
        5, ge=1, description="Wrong UI passwords one client may send before it must wait"
    )
    login_lockout_s: float = Field(
        60, gt=0, description="How long that client waits (and how long a failure counts)"
    )
    read_timeout_s: float = Field(
        30,
        gt=0,
        description="A request's head must arrive within this many seconds; from then on its "
        "body must keep up `min_body_kb_per_s` (a client sending a byte a second is cut off)",
    )
    min_body_kb_per_s: float = Field(
        4, gt=0, description="The least average rate of a request body after `read_timeout_s`"
    )

    @field_validator("api_token")
    @classmethod
    def _token_long_enough(cls, token: SecretStr | None) -> SecretStr | None:
        length = len(token.get_secret_value()) if token else 0
        if 0 < length < MIN_API_TOKEN_CHARS:
            raise ValueError(
                f"must be at least {MIN_API_TOKEN_CHARS} characters "
                f"(it has {length}); `python -c 'import secrets; print(secrets.token_urlsafe())'` "
                "makes one"
            )
        return token

    @field_validator("database_url")
    @classmethod
    def _database_url_usable(cls, url: SecretStr | None) -> SecretStr | None:
        """A typo in the URL or an unknown driver stops every command at start, not the first
        request that opens the workspace. (sqlalchemy is imported only when a URL is set.)"""
        if url is None or not url.get_secret_value():
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            make_url(url.get_secret_value()).get_dialect()
        except (ArgumentError, NoSuchModuleError, ImportError) as error:
            raise ValueError(
                f"not a usable SQLAlchemy URL ({error}); e.g. "
                "postgresql+psycopg://user:password@host:5432/assistant"
            ) from None
        return url

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("ASSISTANT_CONFIG", "assistant.toml"))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
        )

    @property
    def onnx_export_dir(self) -> Path:
        """Where the embedding model's ONNX export is kept: `onnx_cache_dir`, by default
        beside the index."""
        return self.onnx_cache_dir or self.index_dir / "onnx"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def served_hosts(self) -> frozenset[str]:
        """Every Host name the server answers to (lower case, no port)."""
        names = {self.host, "localhost", "127.0.0.1", "::1", *self.allowed_hosts}
        return frozenset(name.strip().strip("[]").lower() for name in names if name.strip())

    @property
    def load_limits(self) -> LoadLimits:
        return LoadLimits(self.max_file_bytes, self.max_line_chars)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings read once from the environment."""
    return Settings()
