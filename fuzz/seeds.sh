#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with a few real inputs from ../testdata, so that each fuzzer starts
# from inputs that get past the first checks (signatures, PNG chunks, N-Quads syntax).
# corpus/ is gitignored; run this again whenever you like (it only adds files).
#
#   cd fuzz && ./seeds.sh
#
# Needs bash and coreutils (base64, sha256sum, head, tr). jq is used when present to pull
# nested JWKs out of verification methods; without it those seeds are skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
td="$here/../testdata"
corpus="$here/corpus"
[[ -d "$td" ]] || { echo "seeds.sh: $td not found" >&2; exit 1; }

# seed TARGET FILE...: copies each file, named after its path under testdata.
seed() {
  local target="$1"; shift
  mkdir -p "$corpus/$target"
  local f
  for f in "$@"; do
    local rel="${f#"$td"/}"
    cp "$f" "$corpus/$target/${rel//\//_}"
  done
}

# seed_text TARGET NAME TEXT: writes TEXT (no trailing newline) as one seed.
seed_text() {
  mkdir -p "$corpus/$1"
  printf '%s' "$3" > "$corpus/$1/$2"
}

ex="$td/examples"
vec="$td/vectors"

# formats: baked images, JWTs and plain JSON through the container decoder.
seed formats_decode \
  "$ex"/1edtech-validator/ob30/simple-json.png \
  "$ex"/1edtech-validator/ob30/simple-jwt.svg \
  "$ex"/1edtech-validator/ob20/simple-badge.png \
  "$ex"/ob20-baking-mozilla-bakery/baked.svg \
  "$ex"/ob20-baking-mozilla-bakery/bad-json.svg \
  "$ex"/1edtech-validator/ob30/simple.jwt \
  "$ex"/1edtech-spec-examples/basic-openbadgecredential.json \
  "$ex"/1edtech-validator/clr20/simple.json

# decode_amplified input layout (see fuzz_targets/formats_decode_amplified.rs): shape byte,
# 2-byte little-endian count, unit. One seed per shape, each a little below its limit.
amplified_seed() {
  local shape="$1" count="$2" unit="$3"
  mkdir -p "$corpus/formats_decode_amplified"
  {
    printf "\\x$(printf %02x "$shape")\\x$(printf %02x $((count & 255)))\\x$(printf %02x $((count >> 8)))"
    printf '%s' "$unit"
  } > "$corpus/formats_decode_amplified/shape-$shape"
}
amplified_seed 0 15 v
amplified_seed 1 15 n
amplified_seed 2 1000 x
amplified_seed 3 10000 https://example.com/
amplified_seed 4 95 '{"type":"VerifiableCredential","@context":[]}'
amplified_seed 5 2 '{}'
amplified_seed 6 100 '{"type":"VerifiableCredential"}'
amplified_seed 7 100 '{"type":"VerifiableCredential"}'

# bake_roundtrip input layout (see fuzz_targets/formats_bake_roundtrip.rs):
# 2-byte little-endian payload length, payload, image.
bake_seed() {
  local name="$1" payload="$2" image="$3"
  local n
  n=$(stat -c %s "$payload")
  if (( n > 65535 )); then echo "seeds.sh: $payload too large for a bake seed" >&2; return; fi
  mkdir -p "$corpus/formats_bake_roundtrip"
  {
    printf "\\x$(printf %02x $((n & 255)))\\x$(printf %02x $((n >> 8)))"
    cat "$payload" "$image"
  } > "$corpus/formats_bake_roundtrip/$name"
}
bake_seed json-into-png "$ex"/1edtech-spec-examples/basic-openbadgecredential.json "$ex"/ob20-baking-mozilla-bakery/unbaked.png
bake_seed json-into-svg "$ex"/1edtech-spec-examples/basic-openbadgecredential.json "$ex"/ob20-baking-mozilla-bakery/unbaked.svg
bake_seed jws-into-png "$ex"/1edtech-validator/ob20/simple.jwt "$ex"/ob20-baking-mozilla-bakery/unbaked.png
bake_seed jws-into-svg "$ex"/1edtech-validator/ob30/simple.jwt "$ex"/ob20-baking-mozilla-bakery/unbaked.svg

# model: one credential per family.
seed model_parse \
  "$ex"/1edtech-spec-examples/basic-openbadgecredential.json \
  "$ex"/1edtech-spec-examples/complete-openbadgecredential.json \
  "$ex"/1edtech-spec-examples/endorsementcredential.json \
  "$ex"/1edtech-validator/ob20/basic-assertion.json \
  "$ex"/1edtech-validator/ob20/assertion-with-endorsements.json \
  "$ex"/1edtech-validator/clr20/complex.json \
  "$vec"/vc-jose-cose/input/credential-full.json

# rdf: RDFC-1.0 inputs (small ones, and the blank-node-heavy cases).
for t in test001 test002 test003 test004 test016 test044 test074; do
  for f in "$vec"/rdf-canon/tests/rdfc10/"$t"-in.nq; do
    [[ -f "$f" ]] && seed rdf_parse "$f" && seed rdf_parse_and_canonicalize "$f"
  done
done
seed rdf_parse "$ex"/1edtech-spec-test-vectors/obv3p0/document-canon.txt

# jsonld: toRdf suite inputs (inline contexts) and a credential (bundled contexts).
for t in 0001 0002 0020 0113; do
  f="$vec/json-ld-api/tests/toRdf/$t-in.jsonld"
  [[ -f "$f" ]] && seed jsonld_to_rdf "$f"
done
seed jsonld_to_rdf \
  "$ex"/1edtech-spec-examples/basic-openbadgecredential.json \
  "$ex"/w3c-vc-di-eddsa/unsigned.json

# keys: Multikeys, JWKs, PEM / DER, DIDs and controller documents.
grep -rhoE '"publicKeyMultibase": *"z[1-9A-HJ-NP-Za-km-z]+"' "$ex" "$vec" 2>/dev/null \
  | sed -E 's/.*"(z[^"]+)"/\1/' | sort -u | head -n 6 \
  | while read -r mk; do seed_text keys_decode_multikey "$mk" "$mk"; done
if command -v jq >/dev/null; then
  for f in "$vec"/vc-jose-cose/input/vm-{ed25519,p256,p384,p521}.json; do
    jq -c '.publicKeyJwk' "$f" > /dev/null && {
      mkdir -p "$corpus/keys_decode_jwk"
      jq -c '.publicKeyJwk' "$f" > "$corpus/keys_decode_jwk/public-$(basename "$f")"
      jq -c '.secretKeyJwk' "$f" > "$corpus/keys_decode_jwk/secret-$(basename "$f")"
    }
  done
  jq -c '.secretKeyJwk' "$here"/../crates/keys/tests/data/rsa-2048.json \
    > "$corpus/keys_decode_jwk/secret-rsa-2048.json"
else
  echo "seeds.sh: jq not found, skipping keys_decode_jwk seeds" >&2
fi
mkdir -p "$corpus/keys_decode_pem"
for k in key1 key2 key3; do
  f="$ex/1edtech-validator/ob20/assets/$k.json"
  [[ -f "$f" ]] || continue
  pem=$(sed -nE 's/.*"publicKeyPem": *"([^"]*)".*/\1/p' "$f")
  [[ -n "$pem" ]] || continue
  printf '%b\n' "$pem" > "$corpus/keys_decode_pem/$k.pem"
  # The same key as raw SPKI DER.
  printf '%b\n' "$pem" | grep -v -- '-----' | tr -d '\n' | base64 -d \
    > "$corpus/keys_decode_pem/$k.der" 2>/dev/null || true
done
grep -rhoE 'did:key:z[1-9A-HJ-NP-Za-km-z]+(#z[1-9A-HJ-NP-Za-km-z]+)?' "$ex" 2>/dev/null \
  | sort -u | head -n 4 \
  | while read -r did; do seed_text keys_resolve_did "$(printf '%s' "$did" | sha256sum | head -c 16)" "$did"; done
if [[ -f "$corpus/keys_decode_jwk/public-vm-p256.json" ]]; then
  seed_text keys_resolve_did did-jwk-p256 \
    "did:jwk:$(tr -d '\n' < "$corpus/keys_decode_jwk/public-vm-p256.json" | base64 -w0 | tr '+/' '-_' | tr -d '=')#0"
fi
seed_text keys_resolve_did did-web 'did:web:example.com%3A8443:user:alice'
seed keys_resolve_did \
  "$ex"/dcc-vc-test-fixtures/dids/oidf/did.json \
  "$ex"/dcc-vc-test-fixtures/dids/legacy/did.json

# proofs: signed JWTs (OB 2.0 / 3.0 / CLR, VC-JOSE) and Data Integrity documents (JCS suites,
# which the entry point verifies; RDFC ones still exercise proof parsing).
seed proofs_verify_jws \
  "$ex"/1edtech-validator/ob20/simple.jwt \
  "$ex"/1edtech-validator/ob30/simple.jwt \
  "$ex"/1edtech-validator/clr20/simple.jwt \
  "$vec"/vc-jose-cose/input/credential-jose-minimal.txt \
  "$vec"/vc-jose-cose/input/credential-jose-bad-signature.txt
seed proofs_verify_data_integrity \
  "$vec"/vc-di-eddsa/TestVectors/eddsa-jcs-2022/signedJCS.json \
  "$vec"/vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json \
  "$vec"/vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json \
  "$ex"/w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json \
  "$ex"/1edtech-spec-test-vectors/obv3p0/signed-credential.json

# fetch: a snapshot file in the on-disk layout (see crates/fetch/src/snapshot.rs), built from a
# real DID document so the body hash checks out; addresses and Content-Type headers.
did_doc="$ex/dcc-vc-test-fixtures/dids/oidf/did.json"
seed_text fetch_parse_snapshot did-document.json "$(printf \
  '{"url":"https://example.com/.well-known/did.json","final_url":"https://example.com/.well-known/did.json","content_type":"application/did+json","fetched_at_unix_secs":1767225600,"fetched_at_subsec_nanos":0,"sha256":"%s","body_base64":"%s"}' \
  "$(sha256sum < "$did_doc" | head -c 64)" "$(base64 -w0 < "$did_doc")")"
for a in 127.0.0.1 10.1.2.3 169.254.169.254 100.64.0.1 192.0.2.1 8.8.8.8 \
         ::1 fe80::1 fc00::1 ::ffff:127.0.0.1 64:ff9b::a00:1 2001:db8::1 2606:4700::1111; do
  seed_text fetch_classify_address "$a" "$a"
done
n=0
for ct in 'application/did+json' 'application/ld+json; charset=utf-8' \
          'application/vc+jwt' 'Application/JSON ; profile="https://www.w3.org/ns/did/v1"' \
          'text/html' 'text/plain;charset=us-ascii' 'application/statuslist+jwt'; do
  n=$((n + 1))
  seed_text fetch_content_type "ct$n" "$ct"
done

for d in "$corpus"/*/; do
  printf '%-32s %s\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
