//! Baking a credential into a PNG or SVG badge image, and taking it out again byte for byte.

use serde_json::Value;

use crate::decode::At;
use crate::error::Error;
use crate::item::{ItemPath, JwsKind};
use crate::jws::{self, has_ob2_context, type_names};
use crate::limits::Limits;
use crate::{json, png, svg};

/// The credential to bake: JSON text (embedded proof) or a compact JWS, byte for byte as it
/// will be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BakePayload<'a> {
    /// A JSON credential or OB 2.0 assertion, stored as given.
    Json(&'a [u8]),
    /// A compact JWS (VC-JWT, OB 2.0 signed assertion), stored as given.
    CompactJws(&'a str),
}

/// Which baking convention applies, decided from the payload's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BakeFamily {
    /// Open Badges 3.0: PNG iTXt `openbadgecredential`, SVG `<credential>` in
    /// `https://purl.imsglobal.org/ob/v3p0`.
    OpenBadges3,
    /// CLR 2.0: PNG iTXt `clrcredential`, SVG `<credential>` in
    /// `https://purl.imsglobal.org/clr/v2p0`.
    Clr2,
    /// Open Badges 2.0: PNG iTXt `openbadges`, SVG `<assertion>` in `http://openbadges.org`.
    OpenBadges2,
}

impl BakeFamily {
    /// The PNG text chunk keyword.
    pub fn png_keyword(self) -> &'static str {
        match self {
            BakeFamily::OpenBadges3 => "openbadgecredential",
            BakeFamily::Clr2 => "clrcredential",
            BakeFamily::OpenBadges2 => "openbadges",
        }
    }

    /// The SVG element namespace.
    pub fn svg_namespace(self) -> &'static str {
        match self {
            BakeFamily::OpenBadges3 => svg::OB3_NAMESPACE,
            BakeFamily::Clr2 => svg::CLR2_NAMESPACE,
            BakeFamily::OpenBadges2 => svg::OB2_NAMESPACE,
        }
    }

    /// (prefix, local name) of the SVG element.
    fn svg_element(self) -> (&'static str, &'static str) {
        match self {
            BakeFamily::OpenBadges3 => ("openbadges", "credential"),
            BakeFamily::Clr2 => ("clr", "credential"),
            BakeFamily::OpenBadges2 => ("openbadges", "assertion"),
        }
    }

    fn of(credential: &Value) -> BakeFamily {
        let types = type_names(credential);
        if types.contains(&"ClrCredential") {
            BakeFamily::Clr2
        } else if has_ob2_context(credential) || types.contains(&"Assertion") {
            BakeFamily::OpenBadges2
        } else {
            BakeFamily::OpenBadges3
        }
    }
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::BakePayloadInvalid {
        reason: reason.into(),
    }
}

/// The payload checked and its credential JSON.
fn checked(payload: &BakePayload<'_>) -> Result<Value, Error> {
    let at = At::root(ItemPath::file("<payload>"));
    let limits = Limits::default();
    match payload {
        BakePayload::Json(bytes) => {
            let value = json::parse_value(bytes, &at, &limits)?;
            if !value.is_object() {
                return Err(invalid("the JSON payload is not an object"));
            }
            Ok(value)
        }
        BakePayload::CompactJws(compact) => {
            if compact.is_empty() || compact.trim() != *compact {
                return Err(invalid(
                    "the compact JWS is empty or has surrounding whitespace",
                ));
            }
            let parsed = jws::parse(compact, &at, &limits)?;
            let credential = match parsed.kind {
                JwsKind::VcJwt11 | JwsKind::VpJwt11 => {
                    jws::credential_of(parsed.kind, &parsed.claims)
                }
                _ => None,
            };
            Ok(credential.unwrap_or(parsed.claims))
        }
    }
}

impl BakePayload<'_> {
    /// The baking convention for this payload: a `ClrCredential` → CLR 2.0; an OB 2.0 context or
    /// an `Assertion` → OB 2.0; anything else → OB 3.0. For a JWS the credential is the `vc`
    /// claim (VCDM 1.1) or the payload.
    pub fn family(&self) -> Result<BakeFamily, Error> {
        checked(self).map(|credential| BakeFamily::of(&credential))
    }
}

/// Bakes `payload` into a PNG as an uncompressed iTXt chunk (keyword from
/// [`BakePayload::family`]), replacing any baked chunk already there. Every other chunk is kept
/// byte for byte.
pub fn bake_png(png: &[u8], payload: &BakePayload<'_>) -> Result<Vec<u8>, Error> {
    let family = BakeFamily::of(&checked(payload)?);
    let text = match payload {
        BakePayload::Json(bytes) => *bytes,
        BakePayload::CompactJws(compact) => compact.as_bytes(),
    };
    png::bake(png, family.png_keyword(), text)
}

/// Bakes `payload` into an SVG: JSON in a CDATA section, a JWS in the `verify` attribute of the
/// element named by [`BakePayload::family`], right after the `<svg>` start tag. Existing baked
/// elements are removed; the rest of the document is kept byte for byte.
pub fn bake_svg(svg_bytes: &[u8], payload: &BakePayload<'_>) -> Result<Vec<u8>, Error> {
    let credential = checked(payload)?;
    let family = BakeFamily::of(&credential);
    let (prefix, local) = family.svg_element();
    let value = match payload {
        BakePayload::Json(json) => svg::SvgValue::Json {
            json,
            // OB 2.0 baking puts the hosted assertion URL in `verify` next to the JSON body.
            verify: (family == BakeFamily::OpenBadges2)
                .then(|| credential.get("id").and_then(Value::as_str))
                .flatten()
                .filter(|id| id.starts_with("https://") || id.starts_with("http://")),
        },
        BakePayload::CompactJws(compact) => svg::SvgValue::Jws(compact),
    };
    svg::bake(svg_bytes, prefix, family.svg_namespace(), local, &value)
}

/// The exact bytes baked into a PNG (the first `openbadgecredential`, `clrcredential` or
/// `openbadges` text chunk; decompressed if it was compressed), with the default [`Limits`].
pub fn unbake_png(png_bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let path = ItemPath::file("<png>");
    match png::find_baked_text(png_bytes, &path, &Limits::default())? {
        Some(baked) => Ok(baked.text),
        None => Err(Error::PngNotBaked { path }),
    }
}

/// The exact bytes baked into an SVG: a compact JWS from `verify`, else the element's character
/// data (text unescaped, CDATA as is), else a `verify` URL.
pub fn unbake_svg(svg_bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let path = ItemPath::file("<svg>");
    let scanned = svg::scan(svg_bytes).map_err(|e| e.into_error(&path))?;
    let element = scanned
        .elements
        .first()
        .ok_or_else(|| Error::SvgNotBaked { path: path.clone() })?;
    match element.value() {
        Some((_, value)) => Ok(value.to_vec()),
        None => Err(Error::BakedValueEmpty {
            path,
            carrier: format!("SVG element <{}>", element.name),
        }),
    }
}
