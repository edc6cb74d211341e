//! The decoded item model: where an item came from ([`ItemPath`]), how it travelled
//! ([`ContainerKind`]) and what it is ([`Payload`]).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

/// One decoded credential-shaped thing: a credential, presentation, OB 2.0 assertion, a compact
/// JWS carrying one, or a baked URL reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Where the item sits: file → zip entry → JSON pointer …
    pub path: ItemPath,
    /// How it was carried, outermost first (e.g. `[Zip, Json, ClrInner, Jwt]`).
    pub containers: Vec<ContainerKind>,
    /// The decoded content.
    pub payload: Payload,
}

impl Item {
    /// The credential (or presentation, or OB 2.0 assertion) JSON, whichever way it travelled:
    /// the JSON value itself, or the `vc`/`vp` claim or whole payload of a JWS.
    /// `None` for a [`Payload::Url`] and for a JWS of kind [`JwsKind::Other`].
    pub fn credential_json(&self) -> Option<&Value> {
        match &self.payload {
            Payload::Json { value, .. } => Some(value),
            Payload::Jws { credential, .. } => credential.as_ref(),
            Payload::Url { .. } | Payload::Unsupported { .. } => None,
        }
    }

    /// Whether `kind` is among this item's containers.
    pub fn carried_in(&self, kind: &ContainerKind) -> bool {
        self.containers.contains(kind)
    }
}

/// The location of an item: a list of segments from the outermost file inwards.
///
/// Displays like `bundle.zip!clr.json#/credentialSubject/verifiableCredential/2`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ItemPath {
    /// The segments, outermost first.
    pub segments: Vec<PathSegment>,
}

impl ItemPath {
    /// A path made of one file segment (a file path, or the caller's name for a blob).
    pub fn file(path: impl Into<PathBuf>) -> Self {
        ItemPath {
            segments: vec![PathSegment::File(path.into())],
        }
    }

    /// This path with one more segment.
    pub fn join(&self, segment: PathSegment) -> Self {
        let mut segments = self.segments.clone();
        segments.push(segment);
        ItemPath { segments }
    }
}

impl fmt::Display for ItemPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("<input>");
        }
        for segment in &self.segments {
            match segment {
                PathSegment::File(path) => write!(f, "{}", path.display())?,
                PathSegment::ZipEntry(name) => write!(f, "!{name}")?,
                PathSegment::Pointer(pointer) => write!(f, "#{pointer}")?,
                PathSegment::Line(line) => write!(f, ":{line}")?,
                PathSegment::Index(index) => write!(f, "#/{index}")?,
            }
        }
        Ok(())
    }
}

/// One step of an [`ItemPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathSegment {
    /// A file on disk, or the name the caller gave to a blob (displayed as is).
    File(PathBuf),
    /// An entry of a zip archive (displayed `!name`).
    ZipEntry(String),
    /// A JSON pointer (RFC 6901) into the parent document (displayed `#/a/b/0`). For a JWS
    /// parent the document is its claims set, so pointers start with `/vc/…` for a VC-JWT 1.1.
    Pointer(String),
    /// A 1-based line of a JSON Lines file (displayed `:12`).
    Line(u64),
    /// An element of a top-level JSON array (displayed `#/3`).
    Index(usize),
}

/// How an item was carried. Outermost first in [`Item::containers`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContainerKind {
    /// A JSON text of its own (a file, a baked value, a `data:` URL body).
    Json,
    /// An element of a top-level JSON array.
    JsonArray,
    /// A line of a JSON Lines file.
    JsonLines,
    /// A compact JWS (JWT).
    Jwt,
    /// A JSON object with a single member whose value is a compact JWS, e.g. `{"jwt": "ey…"}`.
    JwtInJsonObject,
    /// A text chunk of a baked PNG.
    PngBaked {
        /// The chunk type the value was read from.
        chunk: PngTextChunk,
        /// The chunk keyword (`openbadgecredential`, `clrcredential` or `openbadges`).
        keyword: String,
    },
    /// An element of a baked SVG.
    SvgBaked {
        /// Which part of the element held the value.
        how: SvgCarrier,
        /// The namespace of the element (`https://purl.imsglobal.org/ob/v3p0`,
        /// `https://purl.imsglobal.org/clr/v2p0` or `http://openbadges.org`).
        namespace: String,
    },
    /// An archive read by [`crate::decode_path`] or [`crate::decode_bytes`].
    Zip,
    /// A directory walked by [`crate::decode_path`].
    Directory,
    /// An entry of a CLR 2.0 `credentialSubject.verifiableCredential`.
    ClrInner,
    /// An entry of a presentation's `verifiableCredential`.
    PresentationInner,
    /// The `data:` URL `id` of an `EnvelopedVerifiableCredential` or
    /// `EnvelopedVerifiablePresentation` (VCDM 2.0 §4.13).
    EnvelopedDataUrl {
        /// The media type of the URL, e.g. `application/vc+jwt`.
        media_type: String,
    },
    /// An entry of an Open Badges 3.0 `endorsementJwt` array.
    EndorsementJwt,
    /// An entry of an API response body that is not a credential itself: OB 3.0 / CLR 2.0
    /// `GetOpenBadgeCredentialsResponse`/`GetClrCredentialsResponse` (`credential`,
    /// `compactJwsString`) or a VC-API body (`verifiableCredential`, `verifiablePresentation`).
    ApiResponse,
}

/// The PNG chunk type that carried a baked value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PngTextChunk {
    /// International text (UTF-8, optionally compressed): what OB 2.0/3.0 and CLR 2.0 specify.
    Itxt,
    /// Latin-1 text: pre-specification OB 1.x badges carried the hosted assertion URL here.
    Text,
    /// Compressed Latin-1 text (never specified for badges; read for robustness).
    Ztxt,
}

/// Which part of a baked SVG element held the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SvgCarrier {
    /// Plain character data inside the element.
    Element,
    /// A CDATA section inside the element.
    Cdata,
    /// The `verify` attribute (a compact JWS or a hosted assertion URL).
    VerifyAttribute,
}

/// What an item is.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Payload {
    /// A JSON credential, presentation, assertion or other credential-shaped object.
    Json {
        /// The parsed value (keys keep their order).
        value: Value,
        /// The exact original bytes of this value, so that nothing is lost or re-serialized.
        raw: Arc<[u8]>,
    },
    /// A compact JWS. The signature is NOT verified here.
    Jws {
        /// The compact serialization, as found (whitespace trimmed).
        compact: String,
        /// The decoded protected header.
        header: Value,
        /// The decoded payload (the claims set), registered claims included.
        claims: Value,
        /// What the payload carries.
        kind: JwsKind,
        /// The credential, presentation or assertion carried: the `vc`/`vp` claim for
        /// [`JwsKind::VcJwt11`]/[`JwsKind::VpJwt11`], the whole payload for the other
        /// credential kinds, `None` for [`JwsKind::Other`].
        credential: Option<Value>,
    },
    /// A baked value that is only a URL (an OB 1.x/2.0 hosted assertion reference). Fetching
    /// happens elsewhere.
    Url {
        /// The URL as baked (trimmed).
        url: String,
    },
    /// A credential in a format that is recognised but not read (SD-JWT, COSE): nothing in it
    /// is decoded beyond what recognising it took.
    Unsupported {
        /// Which format.
        format: crate::UnsupportedFormat,
        /// What recognising it showed, for people (`typ vc+sd-jwt, 2 disclosures`).
        detail: String,
    },
}

impl Payload {
    /// A short name for the payload variant: `json`, `jws`, `url` or `unsupported`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Payload::Json { .. } => "json",
            Payload::Jws { .. } => "jws",
            Payload::Url { .. } => "url",
            Payload::Unsupported { .. } => "unsupported",
        }
    }
}

/// What a compact JWS carries, decided from its claims and header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwsKind {
    /// VC-JWT of VCDM 1.1: the credential is the `vc` claim; `iss`, `jti`, `nbf`, `sub`, `exp`
    /// stand for its fields.
    VcJwt11,
    /// VP-JWT of VCDM 1.1: the presentation is the `vp` claim.
    VpJwt11,
    /// VC-JOSE (VCDM 2.0, `application/vc+jwt`) and the OB 3.0 VC-JWT of VCDM 2.0: the payload
    /// is the credential.
    VcJose,
    /// VP-JOSE (VCDM 2.0, `application/vp+jwt`): the payload is the presentation.
    VpJose,
    /// An Open Badges 2.0 signed assertion: the payload is an `Assertion`.
    Ob2Signed,
    /// Any other JWS.
    Other,
}

impl fmt::Display for ContainerKind {
    /// A short human name: `json`, `png iTXt "openbadgecredential"`, `clr entry`, …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContainerKind::Json => f.write_str("json"),
            ContainerKind::JsonArray => f.write_str("json array"),
            ContainerKind::JsonLines => f.write_str("json lines"),
            ContainerKind::Jwt => f.write_str("jwt"),
            ContainerKind::JwtInJsonObject => f.write_str("jwt in json object"),
            ContainerKind::PngBaked { chunk, keyword } => {
                let chunk = match chunk {
                    PngTextChunk::Itxt => "iTXt",
                    PngTextChunk::Text => "tEXt",
                    PngTextChunk::Ztxt => "zTXt",
                };
                write!(f, "baked png ({chunk} \"{keyword}\")")
            }
            ContainerKind::SvgBaked { how, namespace } => {
                let how = match how {
                    SvgCarrier::Element => "element",
                    SvgCarrier::Cdata => "cdata",
                    SvgCarrier::VerifyAttribute => "verify attribute",
                };
                write!(f, "baked svg ({how}, {namespace})")
            }
            ContainerKind::Zip => f.write_str("zip"),
            ContainerKind::Directory => f.write_str("directory"),
            ContainerKind::ClrInner => f.write_str("clr entry"),
            ContainerKind::PresentationInner => f.write_str("presentation entry"),
            ContainerKind::EnvelopedDataUrl { media_type } => {
                write!(f, "enveloped data: url ({media_type})")
            }
            ContainerKind::EndorsementJwt => f.write_str("endorsementJwt entry"),
            ContainerKind::ApiResponse => f.write_str("api response entry"),
        }
    }
}

impl fmt::Display for JwsKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JwsKind::VcJwt11 => "VC-JWT (VCDM 1.1 vc claim)",
            JwsKind::VpJwt11 => "VP-JWT (VCDM 1.1 vp claim)",
            JwsKind::VcJose => "VC-JOSE (payload is the credential)",
            JwsKind::VpJose => "VP-JOSE (payload is the presentation)",
            JwsKind::Ob2Signed => "Open Badges 2.0 signed assertion",
            JwsKind::Other => "JWS",
        })
    }
}
