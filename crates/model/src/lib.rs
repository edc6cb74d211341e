//! credbridge-model turns one credential-shaped JSON value into a classified, typed view that
//! keeps the original JSON: W3C Verifiable Credentials and Presentations (VCDM 1.1 and 2.0),
//! Open Badges 3.0 credentials and endorsements, CLR 2.0 credentials, Open Badges 2.0
//! assertions, badge classes and issuers (with OB 1.x and 0.5 assertions mapped in), and status
//! list credentials. It also checks OB 3.0 / CLR 2.0 documents against the bundled 1EdTech JSON
//! Schemas and digests any document into a [`Summary`] for `credbridge inspect`.
//!
//! **Not here:** getting the JSON out of its container (JWS, baked PNG/SVG, zip: the `formats`
//! crate, which hands us the credential JSON and, for a JWT, its claims), JSON-LD processing
//! (`jsonld`), and every verdict about proofs, status, dates or trust (`proofs`, `verify`:
//! they use the grammar, codec and readers here, and decide). Nothing here touches the network, files or the clock.
//!
//! # Main types
//! - [`classify()`] → [`Classification`] { [`Format`], [`VcdmVersion`], types, contexts, rule }.
//! - [`parse`] / [`parse_jwt`] → [`Document`] { `original`, `classification`, [`Typed`] view,
//!   `typed_error` }; the views are [`ob3`], [`clr2`], [`ob2`] and [`vc`] types, built from the
//!   tolerant readers [`OneOrMany`], [`IdOr`], [`LangString`] and [`DateTime`].
//! - [`schema_findings`] → [`SchemaReport`] { schema, [`SchemaVerdict`], findings }.
//! - [`summarize`] → [`Summary`] (Serialize, and Display for people).
//! - The one of each thing the other crates share: the date grammar ([`parse_xsd`] strict for
//!   VCDM, [`Timestamp::parse`] tolerant for Open Badges, [`format_unix`]); the JSON readers and
//!   the RFC 6901 pointer ([`json`]); the status-list bitstring codec with its encoder
//!   ([`status_list`]); salted identity hashes ([`identity`]).
//!
//! # Example
//! ```
//! let json = serde_json::json!({
//!     "@context": [
//!         "https://www.w3.org/ns/credentials/v2",
//!         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
//!     ],
//!     "id": "urn:uuid:a63a60be-f4af-491c-87fc-2c8fd3007a58",
//!     "type": ["VerifiableCredential", "OpenBadgeCredential"],
//!     "name": "JFF x vc-edu PlugFest 2 Interoperability",
//!     "issuer": {"id": "https://example.com/issuers/876543", "type": "Profile", "name": "Example Corp"},
//!     "validFrom": "2010-01-01T00:00:00Z",
//!     "credentialSubject": {
//!         "type": "AchievementSubject",
//!         "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
//!         "achievement": {
//!             "id": "urn:uuid:bd6d9316-f7ae-4073-a1e5-2f7f5bd22922",
//!             "type": "Achievement",
//!             "name": "Our Wallet Passed JFF Plugfest #2 2022",
//!             "description": "This wallet can display this Open Badge 3.0",
//!             "criteria": {"narrative": "The first cohort of the JFF Plugfest 2 in May/June of 2022."}
//!         }
//!     }
//! });
//! let doc = credbridge_model::parse(&json)?;
//! assert_eq!(doc.format(), credbridge_model::Format::OpenBadges3);
//! assert_eq!(doc.vcdm(), Some(credbridge_model::VcdmVersion::V2_0));
//! // The typed view writes back exactly what it read.
//! assert_eq!(doc.typed.to_json().as_ref(), Some(&*doc.original));
//!
//! let report = credbridge_model::schema_findings(&doc);
//! assert_eq!(report.verdict, credbridge_model::SchemaVerdict::Pass);
//!
//! let summary = credbridge_model::summarize(&doc);
//! assert_eq!(summary.issuer.unwrap().name.as_deref(), Some("Example Corp"));
//! # Ok::<(), credbridge_model::ModelError>(())
//! ```
//!
//! # Design decisions
//! - **Tolerant in, faithful out.** JSON-LD compaction lets one value or an array, an IRI or an
//!   embedded object, a string or a language map stand for the same thing, and real credentials
//!   use all of them. The readers accept every form and remember which one they read; unknown
//!   properties go to a flattened `extra` map and unknown enumeration values (including `ext:`)
//!   to an `Other(String)` variant. So a typed view written back equals its input, which the
//!   tests check on every example file. Required properties are `Option`: their absence is a
//!   schema finding, not a parse failure.
//! - **A typed failure never loses the document.** Only a wrong JSON type fails a view; then the
//!   document keeps a generic view (or none) and [`Document::typed_error`] names the JSON
//!   pointer and the expected shape, e.g. `/issuer: expected an IRI or a Profile object, found
//!   number`. `parse` returns `Err` only for a non-object root or nesting beyond [`MAX_DEPTH`].
//! - **One credential struct, generic over the subject.** [`vc::Credential`] holds the VCDM 1.1
//!   and 2.0 envelope plus the OB/CLR additions; `AchievementCredential`,
//!   `EndorsementCredential`, `ClrCredential` are aliases with their subject types. One type
//!   parameter, no trait tower.
//! - **Classification is by `@context` and `type`, not by schema.** The VCDM version is read
//!   from the first context only (VCDM §4.3); OB 1.x/0.5 are recognized by shape because they
//!   predate JSON-LD. Each rule is listed on [`classify()`] with its spec section.
//! - **Schema validator: `boon`, not `jsonschema`.** Both give the reference verdict on all 134
//!   example files of `expectations.json` that carry one; `jsonschema` 0.61 with
//!   `default-features = false` built cold in 77 s (release, 2 cores; fancy-regex, num/fraction,
//!   referencing), `boon` 0.6 in 33 s. `boon`'s `url`/`idna` dependencies are shared with the HTTP
//!   stack the project adds later. Schemas are compiled once, on first use, and shared.
//! - **Dates are hand-parsed** (see [`DateTime`]): one grammar, about a hundred lines, instead
//!   of `time`/`chrono`; the original text always travels with the parsed instant.

#![forbid(unsafe_code)]

pub mod classify;
pub mod clr2;
pub mod datetime;
mod document;
mod error;
pub mod identity;
pub mod json;
pub mod ob2;
pub mod ob3;
pub mod schema;
pub mod status_list;
pub mod summary;
pub mod tolerant;
pub mod vc;

pub use classify::{Classification, Format, VcdmVersion, classify};
pub use datetime::{DateTime, DateTimeDefect, Timestamp, Zone, format_unix, parse_xsd};
pub use document::{Document, MAX_DEPTH, Typed, parse, parse_jwt, parse_owned};
pub use error::ModelError;
pub use schema::{
    SchemaFinding, SchemaName, SchemaReport, SchemaVerdict, is_compiled as is_schema_compiled,
    prepare as prepare_schema, schema_findings, schema_findings_of, schema_for,
};

/// The former name of [`SchemaVerdict`], kept so that callers can move at their pace; it
/// clashed with `credbridge_verify::Verdict`, the verdict of a whole verification.
pub type Verdict = SchemaVerdict;
pub use summary::{Summary, summarize};
pub use tolerant::{IdOr, LangString, OneOrMany};

/// Entry points for fuzzers and the bounded property tests: each must never panic.
#[doc(hidden)]
pub mod fuzzing {
    /// Parses `data` as JSON, then runs [`crate::parse`], [`crate::summarize`] (and its
    /// `Display`) and [`crate::schema_findings`] on it; also checks that the typed view writes
    /// back to the JSON it was read from.
    pub fn parse(data: &[u8]) {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
            return;
        };
        parse_value(&value);
    }

    /// [`parse`] for an already parsed value.
    pub fn parse_value(value: &serde_json::Value) {
        let Ok(doc) = crate::parse(value) else {
            return;
        };
        let summary = crate::summarize(&doc);
        let _ = summary.to_string();
        let _ = crate::schema_findings(&doc);
        // OB 0.5 views are mapped, not read; a `null` reads as an absent property (the OB 3.0
        // JSON binding omits nulls), so neither writes back byte for byte.
        let comparable =
            doc.format() != crate::Format::OpenBadges05Assertion && !has_null(doc.json(), 0);
        if let Some(written) = doc.typed.to_json()
            && comparable
        {
            assert_eq!(&written, doc.json(), "typed view must write back its input");
        }
    }

    fn has_null(value: &serde_json::Value, depth: usize) -> bool {
        use serde_json::Value;
        match value {
            Value::Null => true,
            _ if depth > crate::MAX_DEPTH => false,
            Value::Array(items) => items.iter().any(|v| has_null(v, depth + 1)),
            Value::Object(map) => map.values().any(|v| has_null(v, depth + 1)),
            _ => false,
        }
    }
}
