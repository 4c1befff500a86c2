#!/usr/bin/env bash
# Each corpus's figures from the fold where it was held out: for each of the five golden
# sets, the sentence model and the answerability model are fitted (with their own
# leave-one-corpus-out choices) on the other four sets only, and the held-out set is then
# evaluated with those two models. Needs the five indexes built as by `make eval-all`.
#   bash evals/held_out_figures.sh [OUT_DIR [SET...]]   (about 30 minutes on 2 cores; one
#   SET, such as "shipped", runs only the fold where that set is held out: 2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/held-out}
mkdir -p "$OUT"
declare -A SETS=(
  [shipped]="corpus:${SHIPPED_INDEX:-index}:evals/golden.jsonl:evals/thresholds.toml"
  [debian]="../corpora/debian:/tmp/debian-index:evals/golden-debian.jsonl:evals/thresholds-debian.toml"
  [python]="../corpora/python-docs:/tmp/python-docs-index:evals/golden-python.jsonl:evals/thresholds-python.toml"
  [release-notes]="../corpora/release-notes:/tmp/release-notes-index:evals/golden-release-notes.jsonl:evals/thresholds-release-notes.toml"
  [licenses]="../corpora/licenses:/tmp/licenses-index:evals/golden-licenses.jsonl:evals/thresholds-licenses.toml"
)
HELD=("${@:2}")
[ ${#HELD[@]} -gt 0 ] || HELD=("${!SETS[@]}")
for held in "${HELD[@]}"; do
  others=()
  for name in "${!SETS[@]}"; do
    [ "$name" = "$held" ] || others+=(--set "$(cut -d: -f1-3 <<< "${SETS[$name]}")")
  done
  .venv/bin/python -m assistant.evaluation.sentence_training "${others[@]}" \
    --out "$OUT/$held-sentence.json" > "$OUT/$held-sentence.log" 2>&1
  ASSISTANT_SENTENCE_MODEL_FILE="$OUT/$held-sentence.json" \
    .venv/bin/python -m assistant.evaluation.answerability_training "${others[@]}" \
    --out "$OUT/$held-answerability.json" > "$OUT/$held-answerability.log" 2>&1
  IFS=: read -r corpus index golden thresholds <<< "${SETS[$held]}"
  ASSISTANT_SENTENCE_MODEL_FILE="$OUT/$held-sentence.json" \
    ASSISTANT_ANSWERABILITY_MODEL_FILE="$OUT/$held-answerability.json" \
    .venv/bin/assistant eval --mode hybrid --corpus "$corpus" --index "$index" \
    --golden "$golden" --thresholds "$thresholds" --report "$OUT/$held" \
    > "$OUT/$held.txt" 2>&1 || true
  echo "== $held held out"
  sed -n '/^metric (tuning/,/^$/p' "$OUT/$held.txt" | grep -E "hit@5|fact recall|abstention|false"
done
