//! Compact JWS (RFC 7515 §7.1) sign and verify over the `credbridge-keys` algorithms: EdDSA,
//! ES256, ES384, ES256K, RS256, PS256.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use credbridge_keys::{Algorithm, SecretKey};
use serde_json::{Map, Value};

use crate::ProofError;

/// Longest compact JWS accepted, in bytes.
pub const MAX_JWS_BYTES: usize = 1024 * 1024;

/// A decoded compact JWS. Nothing is verified yet.
#[derive(Debug, Clone, PartialEq)]
pub struct CompactJws {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The decoded payload bytes.
    pub payload: Vec<u8>,
    /// The signature bytes.
    pub signature: Vec<u8>,
    /// `BASE64URL(header) '.' BASE64URL(payload)`, the bytes the signature covers.
    pub signing_input: String,
}

impl CompactJws {
    /// The header's `alg`, if it is a string.
    #[must_use]
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The payload parsed as a JSON object.
    pub fn payload_json(&self) -> Result<Map<String, Value>, ProofError> {
        match serde_json::from_slice(&self.payload) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err(ProofError::MalformedJws {
                reason: "payload is JSON but not an object".into(),
            }),
            Err(e) => Err(ProofError::MalformedJws {
                reason: format!("payload is not JSON: {e}"),
            }),
        }
    }
}

fn b64(part: &'static str, text: &str) -> Result<Vec<u8>, ProofError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| ProofError::MalformedJws {
            reason: format!("{part} is not base64url without padding: {e}"),
        })
}

/// Splits and decodes a compact JWS.
pub fn decode_compact_jws(token: &str) -> Result<CompactJws, ProofError> {
    let token = token.trim();
    if token.len() > MAX_JWS_BYTES {
        return Err(ProofError::LimitExceeded {
            what: "JWS length in bytes",
            found: token.len(),
            limit: MAX_JWS_BYTES,
        });
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ProofError::MalformedJws {
            reason: "expected three '.'-separated parts (header.payload.signature)".into(),
        });
    };
    let header = match serde_json::from_slice(&b64("header", h)?) {
        Ok(Value::Object(m)) => m,
        _ => {
            return Err(ProofError::MalformedJws {
                reason: "protected header is not a JSON object".into(),
            });
        }
    };
    let payload = b64("payload", p)?;
    let signature = b64("signature", s)?;
    let signing_input_len = h.len() + 1 + p.len();
    Ok(CompactJws {
        header,
        payload,
        signature,
        signing_input: token
            .get(..signing_input_len)
            .unwrap_or_default()
            .to_owned(),
    })
}

/// Signs `payload` as a compact JWS with `header` (whose `alg` is set to `alg`).
pub fn sign_compact_jws(
    header: &Map<String, Value>,
    payload: &[u8],
    key: &SecretKey,
    alg: Algorithm,
) -> Result<String, ProofError> {
    let mut header = header.clone();
    header.insert("alg".into(), alg.jose_name().into());
    let mut token = URL_SAFE_NO_PAD.encode(Value::Object(header).to_string());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(payload));
    let signature = key.sign(alg, token.as_bytes())?;
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Ok(token)
}
