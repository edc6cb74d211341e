//! The verifier's side of bbs-2023 (<https://www.w3.org/TR/vc-di-bbs/>), baseline feature:
//! a derived proof is a BBS proof of knowledge (draft-irtf-cfrg-bbs-signatures, ciphersuite
//! BLS12-381-SHA-256) of the issuer's signature over the non-mandatory statements, with the
//! mandatory statements and the proof configuration bound in its header.
//!
//! Verification (vc-di-bbs §3.4.6–3.4.8): parse the derived proof value (CBOR after the
//! header `0xd9 0x5d 0x03`), canonicalize the disclosed document with RDFC-1.0 and relabel its
//! blank nodes with the proof's label map (`c14nN` → `bM`), sort, split into mandatory and
//! disclosed non-mandatory statements; then `ProofVerify(PK, proof, header = proofHash ‖
//! SHA-256(mandatory), presentationHeader, disclosed statements, selectiveIndexes)`.
//!
//! The BBS `ProofVerify` itself is [`PublicKey::verify_bbs_proof`] in `credbridge-keys` (over
//! `zkryptium`), which mints the signature token; this module is the suite logic.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use credbridge_keys::{KeyError, PublicKey, SignatureVerified};
use sha2::Digest as _;

use crate::ecdsa_sd::{Cbor, MAX_SD_PROOF_VALUE_BYTES, malformed, relabel, split_mandatory};
use crate::{FailReason, ProofOutcome};

/// The CBOR header of a baseline derived proof (`0xd9 0x5d 0x02` is a baseline base proof;
/// `0x04`–`0x0b` are the holder-binding and pseudonym features, not implemented).
const DERIVED_HEADER: [u8; 3] = [0xd9, 0x5d, 0x03];
const BASE_HEADER: [u8; 3] = [0xd9, 0x5d, 0x02];

/// The parts of a bbs-2023 derived proof value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BbsDerivedProof {
    /// The BBS proof.
    pub proof: Vec<u8>,
    /// Canonical label number → new label (`b` + number).
    pub label_map: Vec<(u64, String)>,
    /// Indexes of the mandatory statements in the relabelled, sorted statements.
    pub mandatory_indexes: Vec<u64>,
    /// Indexes of the disclosed statements among the issuer's non-mandatory statements.
    pub selective_indexes: Vec<u64>,
    /// The presentation header the holder bound into the proof.
    pub presentation_header: Vec<u8>,
}

/// Decodes the `proofValue` text (multibase base64url, `u…`) of a bbs-2023 derived proof.
pub(crate) fn parse_bbs_proof_value(value: &str) -> Result<BbsDerivedProof, ProofOutcome> {
    if value.len() > MAX_SD_PROOF_VALUE_BYTES {
        return Err(malformed(format!(
            "longer than {MAX_SD_PROOF_VALUE_BYTES} bytes"
        )));
    }
    let encoded = value
        .strip_prefix('u')
        .ok_or_else(|| malformed("a bbs-2023 proofValue must be multibase base64url ('u')"))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|e| malformed(format!("not base64url: {e}")))?;
    if bytes.starts_with(&BASE_HEADER) {
        return Err(malformed(
            "this is a base proof (header 0xd95d02), which only its holder uses to derive a disclosure; verifiers check derived proofs",
        ));
    }
    let Some(body) = bytes.strip_prefix(&DERIVED_HEADER) else {
        return Err(match bytes.get(..2) {
            Some([0xd9, 0x5d]) => ProofOutcome::Unsupported {
                reason: format!(
                    "bbs-2023 feature with header 0xd95d{:02x} (holder binding or pseudonyms) is not implemented; only baseline derived proofs are",
                    bytes.get(2).copied().unwrap_or_default()
                ),
            },
            _ => malformed("no bbs-2023 derived-proof header (0xd95d03)"),
        });
    };
    let mut cbor = Cbor::new(body);
    let parts = cbor.array_len()?;
    if parts != 5 {
        return Err(malformed(format!(
            "a baseline bbs-2023 derived proof has 5 components, found {parts}"
        )));
    }
    let proof = cbor.bytes()?;
    let count = cbor.map_len()?;
    let label_map = (0..count)
        .map(|_| Ok((cbor.uint()?, format!("b{}", cbor.uint()?))))
        .collect::<Result<Vec<_>, ProofOutcome>>()?;
    let count = cbor.array_len()?;
    let mandatory_indexes = (0..count)
        .map(|_| cbor.uint())
        .collect::<Result<Vec<_>, _>>()?;
    let count = cbor.array_len()?;
    let selective_indexes = (0..count)
        .map(|_| cbor.uint())
        .collect::<Result<Vec<_>, _>>()?;
    let presentation_header = cbor.bytes()?;
    if !cbor.at_end() {
        return Err(malformed("trailing bytes after the derived proof"));
    }
    Ok(BbsDerivedProof {
        proof,
        label_map,
        mandatory_indexes,
        selective_indexes,
        presentation_header,
    })
}

fn sd_fail(reason: String) -> ProofOutcome {
    ProofOutcome::Failed(FailReason::SelectiveDisclosure { reason })
}

/// Verifies a bbs-2023 derived proof: `proof_hash` = SHA-256 of the canonical proof
/// configuration, `canonical_document` = the RDFC-1.0 N-Quads of the disclosed document
/// (without its proof), `issuer_key` = the issuer's BLS12-381 G2 key.
pub(crate) fn verify_bbs_derived(
    derived: &BbsDerivedProof,
    proof_hash: &[u8],
    canonical_document: &str,
    issuer_key: &PublicKey,
) -> Result<SignatureVerified, ProofOutcome> {
    let statements = relabel(canonical_document, &derived.label_map)?;
    let (mandatory, others) = split_mandatory(&statements, &derived.mandatory_indexes)?;
    let disclosed: Vec<Vec<u8>> = others.iter().map(|s| s.as_bytes().to_vec()).collect();
    if derived.selective_indexes.len() != disclosed.len() {
        return Err(sd_fail(format!(
            "{} non-mandatory statements are disclosed but the proof names {} selective indexes",
            disclosed.len(),
            derived.selective_indexes.len()
        )));
    }
    let indexes = derived
        .selective_indexes
        .iter()
        .map(|i| usize::try_from(*i).map_err(|_| malformed(format!("selective index {i}"))))
        .collect::<Result<Vec<usize>, _>>()?;
    let mut header = proof_hash.to_vec();
    header.extend_from_slice(&sha2::Sha256::digest(&mandatory));
    issuer_key
        .verify_bbs_proof(
            &derived.proof,
            &header,
            &derived.presentation_header,
            &disclosed,
            &indexes,
        )
        .map_err(|e| match e {
            KeyError::SignatureMismatch { .. } => ProofOutcome::Failed(FailReason::Signature(e)),
            other => malformed(other.to_string()),
        })
}
