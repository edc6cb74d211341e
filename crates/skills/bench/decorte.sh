#!/usr/bin/env bash
# Run the Decorte et al. skill-to-ESCO benchmark (github.com/jensjorisdecorte/Skill-Extraction-benchmark) and
# print R@1, R@5, R@10 and MRR per set (TECH, HOUSE) on the test files. The benchmark has no licence file:
# keep your copy outside the repository and pass its path.
#
#   crates/skills/bench/decorte.sh PATH/TO/Skill-Extraction-benchmark [MODEL_DIR] [--split validation]
#
# Without MODEL_DIR: the default build (lexical layers only). With MODEL_DIR (filled by setup-embed.sh): the
# `embed` build, lexical + MiniLM fused.
set -euo pipefail
bench=${1:?usage: decorte.sh PATH/TO/Skill-Extraction-benchmark [MODEL_DIR] [--split validation]}
shift
data="$bench"
[ -d "$bench/data" ] && data="$bench/data"
model=""
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then model=$1; shift; fi
split=(--split test)
[ $# -gt 0 ] && split=("$@")
cd "$(dirname "$0")/../../.."
echo "== default build (no model)"
cargo run --quiet --release -p credbridge-skills --example decorte -- "$data" "${split[@]}"
if [ -n "$model" ]; then
  echo "== embed build ($model)"
  cargo run --quiet --release -p credbridge-skills --features embed --example decorte -- "$data" "${split[@]}" --model "$model"
fi
