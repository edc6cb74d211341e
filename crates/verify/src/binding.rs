//! `issuer.key-binding` and `holder.key-binding`: whether the key that made a verified signature
//! belongs to the party the document names (the issuer of a credential, the holder of a
//! presentation).
//!
//! Every path that verifies a signature ends here, whatever the signer turned out to be: a
//! resolved verification method, a key the token carried in its own `jwk` header, or nothing
//! identifiable. A key that travels with the credential proves nothing about who issued it.
//!
//! # The tri-state (issue 12 of the project's tracker, VC Data Integrity §4.5, OB 3.0 §8.3)
//! - **passed**: the method's controller is the party (or the method is a fragment of its DID or
//!   URL), or the party's resolved document authorizes the method (or a method with the same
//!   key) for the purpose (`assertionMethod` for an issuer, `authentication` for a holder). An
//!   embedded `jwk` passes only in the second way, which includes "the issuer is `did:jwk` of
//!   that very key".
//! - **failed** on evidence of a mismatch: the party is a self-certifying DID (`did:key`,
//!   `did:jwk`) whose key is not the signer's; the party's document was resolved and does not
//!   authorize the key; a key from the token's own header that nothing resolved from the
//!   party's identifier confirms; a signature whose key could not be identified at all.
//! - **could-not-check** (advisory, so the verdict is valid-with-warnings and `--strict` fails)
//!   when the party's identifier can't be resolved (a URN, an unreachable or offline host) for
//!   a key that *was* resolved from its own identifier.

use credbridge_keys::{PublicKey, Resolver, VerificationMethod, VerificationRelationship};

use crate::report::{Check, Outcome, Severity};

/// Whose key it has to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Party {
    /// The issuer of a credential (`assertionMethod`).
    Issuer,
    /// The holder of a presentation (`authentication`).
    Holder,
}

impl Party {
    fn check_id(self) -> &'static str {
        match self {
            Party::Issuer => "issuer.key-binding",
            Party::Holder => "holder.key-binding",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Party::Issuer => "issuer",
            Party::Holder => "holder",
        }
    }

    fn document(self) -> &'static str {
        match self {
            Party::Issuer => "credential",
            Party::Holder => "presentation",
        }
    }

    fn relationship(self) -> VerificationRelationship {
        match self {
            Party::Issuer => VerificationRelationship::AssertionMethod,
            Party::Holder => VerificationRelationship::Authentication,
        }
    }
}

/// The key that made a verified signature, as far as it is known.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Signer<'a> {
    /// A verification method resolved from an identifier (a DID URL, a controller document).
    Method(&'a VerificationMethod),
    /// A key the token brought in its own header (`jwk`): self-asserted.
    Embedded(&'a PublicKey),
    /// The signature verified, but nothing says which method or key made it.
    Unknown,
}

/// The DID (or URL without fragment) a verification method or controller belongs to.
fn base_id(id: &str) -> &str {
    id.split('#').next().unwrap_or(id)
}

/// Whether `id` is a DID whose document is derived from the identifier itself.
fn is_self_certifying(id: &str) -> bool {
    id.starts_with("did:key:") || id.starts_with("did:jwk:")
}

/// What the party's own document says about the key.
enum DocumentSays {
    Authorizes(String),
    DoesNotAuthorize,
    Unresolved(String),
}

fn consult(
    party: Party,
    claimed: &str,
    method_id: Option<&str>,
    key: &PublicKey,
    resolver: &dyn Resolver,
) -> DocumentSays {
    let document = match resolver.resolve_document(claimed) {
        Ok(document) => document,
        Err(err) => return DocumentSays::Unresolved(err.to_string()),
    };
    let relationship = party.relationship();
    if let Some(id) = method_id
        && document.relationships_of(id).contains(&relationship)
    {
        return DocumentSays::Authorizes(id.to_owned());
    }
    for id in document.method_ids() {
        if !document.relationships_of(id).contains(&relationship) {
            continue;
        }
        if let Ok(method) = document.verification_method(id)
            && method.public_key == *key
        {
            return DocumentSays::Authorizes(method.id);
        }
    }
    DocumentSays::DoesNotAuthorize
}

/// The key-binding check for a signature that verified (`proof_passed`) or not.
///
/// `claimed` is the issuer's (or holder's) id as the document states it.
pub(crate) fn check(
    party: Party,
    claimed: Option<&str>,
    signer: Signer<'_>,
    proof_passed: bool,
    resolver: &dyn Resolver,
) -> Check {
    let id = party.check_id();
    let noun = party.noun();
    if !proof_passed {
        return Check::new(
            id,
            Severity::Fatal,
            Outcome::NotApplicable,
            format!("no verified signature, so there is no signing key to tie to the {noun}"),
        );
    }
    let Some(claimed) = claimed else {
        return match party {
            Party::Issuer => Check::new(
                id,
                Severity::Fatal,
                Outcome::Failed("the credential names no issuer id".into()),
                "the credential does not say who issued it, so the signing key cannot be tied to an issuer",
            ),
            Party::Holder => Check::new(
                id,
                Severity::Fatal,
                Outcome::NotApplicable,
                "the presentation does not name its holder, so there is no holder to tie the signing key to",
            ),
        };
    };
    let document = party.document();
    let (method_id, key, embedded) = match signer {
        Signer::Method(method) => {
            let bound = method.controller == claimed
                || base_id(&method.controller) == base_id(claimed)
                || base_id(&method.id) == base_id(claimed);
            if bound {
                // The hot path: a static sentence, no formatting.
                let message = match party {
                    Party::Issuer => {
                        "the signing key belongs to the issuer named in the credential"
                    }
                    Party::Holder => {
                        "the signing key belongs to the holder named in the presentation"
                    }
                };
                return Check::new(id, Severity::Fatal, Outcome::Passed, message)
                    .with_evidence(noun, claimed)
                    .with_evidence("verification_method", method.id.as_str())
                    .with_evidence("controller", method.controller.as_str())
                    .with_evidence("bound_by", "controller");
            }
            (Some(method.id.as_str()), &method.public_key, false)
        }
        Signer::Embedded(key) => (None, key, true),
        Signer::Unknown => {
            return Check::new(
                id,
                Severity::Fatal,
                Outcome::Failed(
                    "the signature verified, but the key that made it was not identified".into(),
                ),
                format!(
                    "the signature could not be tied to the {noun}: nothing identifies the key that made it"
                ),
            )
            .with_evidence(noun, claimed);
        }
    };
    let with_signer = |check: Check| -> Check {
        let check = check.with_evidence(noun, claimed);
        match signer {
            Signer::Method(method) => check
                .with_evidence("verification_method", method.id.as_str())
                .with_evidence("controller", method.controller.as_str()),
            _ => check.with_evidence("key_source", "embedded-jwk"),
        }
    };
    match consult(party, claimed, method_id, key, resolver) {
        DocumentSays::Authorizes(method) => with_signer(
            Check::new(
                id,
                Severity::Fatal,
                Outcome::Passed,
                format!(
                    "the {noun}'s own identifier lists the signing key, so the key is the {noun}'s"
                ),
            )
            .with_evidence("authorized_method", method)
            .with_evidence("bound_by", "document"),
        ),
        DocumentSays::DoesNotAuthorize => with_signer(Check::new(
            id,
            Severity::Fatal,
            Outcome::Failed(format!(
                "the {noun} {claimed} does not list the signing key{}",
                method_id.map(|m| format!(" {m}")).unwrap_or_default()
            )),
            format!("the {document} was signed with a key that the {noun} does not control"),
        )),
        DocumentSays::Unresolved(reason) if embedded => with_signer(Check::new(
            id,
            Severity::Fatal,
            Outcome::Failed(format!(
                "the key came inside the token itself and {claimed} could not be resolved to confirm it: {reason}"
            )),
            format!(
                "the {document} carries its own signing key, and nothing ties that key to the {noun} it names"
            ),
        )),
        DocumentSays::Unresolved(reason) if is_self_certifying(claimed) => with_signer(Check::new(
            id,
            Severity::Fatal,
            Outcome::Failed(format!(
                "the {noun}'s DID {claimed} cannot be read: {reason}"
            )),
            format!("the {document} was signed with a key that the {noun} does not control"),
        )),
        DocumentSays::Unresolved(reason) => with_signer(Check::new(
            id,
            Severity::Advisory,
            Outcome::CouldNotCheck(format!("{claimed} could not be resolved: {reason}")),
            format!(
                "the signing key could not be tied to the {noun}: the {noun}'s identifier could not be looked up"
            ),
        )),
    }
}
