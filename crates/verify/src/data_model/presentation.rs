//! The rules for a verifiable presentation (VCDM 2.0 §4.13, 1.1 §4.10) and for enveloped
//! credentials and presentations (VCDM 2.0 §4.13.1, §4.13.2).

use credbridge_model::VcdmVersion;
use serde_json::{Map, Value};

use super::{
    Area, Enveloped, Findings, Found, IdRule, Pointer, Spec, TypeValues, VCDM_2_0_CONTEXT,
    contexts, credential::credential, one_or_many, optional_id, single_url, typed_entries, types,
};

/// Every presentation rule, including the credential rules for each embedded credential.
pub(super) fn presentation(
    f: &mut Findings,
    spec: Spec,
    at: &Pointer<'_>,
    object: &Map<String, Value>,
) {
    contexts(f, spec, at, object);
    optional_id(f, spec, at, object, Area::Identifiers);
    types(
        f,
        spec,
        at,
        object,
        Some("VerifiablePresentation"),
        Area::Types,
    );
    holder(f, spec, at, object);
    verifiable_credentials(f, spec, at, object);
    typed_entries(
        f,
        spec,
        at,
        object,
        "proof",
        Area::SecuringMechanisms,
        IdRule::Unchecked,
    );
    typed_entries(
        f,
        spec,
        at,
        object,
        "termsOfUse",
        Area::TermsOfUse,
        IdRule::Optional,
    );
}

/// `holder` (VCDM 2.0 §4.13, 1.1 §4.10): a URL, or an object whose `id` is a URL.
fn holder(f: &mut Findings, spec: Spec, at: &Pointer<'_>, object: &Map<String, Value>) {
    let label = spec.label(Area::Presentations);
    let here = at.key("holder");
    match object.get("holder") {
        None => {}
        Some(Value::String(s)) if super::is_url(s) => {}
        Some(Value::Object(holder)) => match holder.get("id") {
            None => f.push(
                &here.key("id"),
                label,
                format_args!("is required when holder is an object and must be a URL"),
            ),
            Some(id) => single_url(f, &here.key("id"), id, label),
        },
        Some(other) => f.push(
            &here,
            label,
            format_args!(
                "must be a URL or an object with a URL id, found {}",
                Found(other)
            ),
        ),
    }
}

/// `verifiableCredential` (VCDM 2.0 §4.13): objects only (2.0 forbids strings; a VC-JWT goes
/// in an `EnvelopedVerifiableCredential`). VCDM 1.1 §4.10 allows "data derived from verifiable
/// credentials in a cryptographically verifiable format", which VC-JWT presentations use for
/// compact JWT strings, so 1.1 presentations may carry strings.
fn verifiable_credentials(
    f: &mut Findings,
    spec: Spec,
    at: &Pointer<'_>,
    object: &Map<String, Value>,
) {
    let Some(value) = object.get("verifiableCredential") else {
        return;
    };
    let label = spec.label(Area::Presentations);
    let here = at.key("verifiableCredential");
    let (items, is_array) = one_or_many(value);
    for (i, item) in items.iter().enumerate() {
        let item_at = if is_array { here.index(i) } else { here };
        match item {
            Value::Object(vc) => embedded_credential(f, &item_at, vc),
            Value::String(_) if !spec.is_2_0() => {}
            Value::String(_) => f.push(
                &item_at,
                label,
                format_args!(
                    "must be a credential object, not a string (wrap a JWT in an \
                     EnvelopedVerifiableCredential with a data: URL id), found {}",
                    Found(item)
                ),
            ),
            other => f.push(
                &item_at,
                label,
                format_args!("must be a credential object, found {}", Found(other)),
            ),
        }
    }
}

/// One object of `verifiableCredential`: an enveloped credential, or a credential judged by
/// its own base context (a 2.0 presentation may carry a 1.1 credential).
fn embedded_credential(f: &mut Findings, at: &Pointer<'_>, vc: &Map<String, Value>) {
    let types = TypeValues::of(vc);
    let looks_enveloped = !vc.contains_key("type")
        && !vc.contains_key("@type")
        && vc
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(is_data_url_prefix);
    if types.contains("EnvelopedVerifiableCredential") || looks_enveloped {
        enveloped(f, at, vc, Enveloped::Credential);
        return;
    }
    credential(f, Spec::of_document(vc), at, vc);
}

/// An `EnvelopedVerifiableCredential` / `EnvelopedVerifiablePresentation` (VCDM 2.0 §4.13.1,
/// §4.13.2): a context defining the terms (the base context), the matching `type`, and an `id`
/// that is a `data:` URL (RFC 2397) carrying the secured document.
pub(super) fn enveloped(
    f: &mut Findings,
    at: &Pointer<'_>,
    object: &Map<String, Value>,
    kind: Enveloped,
) {
    let spec = Spec(VcdmVersion::V2_0);
    let (label, type_name, what) = match kind {
        Enveloped::Credential => (
            spec.label(Area::EnvelopedCredentials),
            "EnvelopedVerifiableCredential",
            "credential",
        ),
        Enveloped::Presentation => (
            spec.label(Area::EnvelopedPresentations),
            "EnvelopedVerifiablePresentation",
            "presentation",
        ),
    };
    match object.get("@context") {
        None => f.push(
            &at.key("@context"),
            label,
            format_args!("is required and must include {VCDM_2_0_CONTEXT}"),
        ),
        Some(value) => {
            let (items, _) = one_or_many(value);
            if !items.iter().any(|c| c == VCDM_2_0_CONTEXT) {
                f.push(
                    &at.key("@context"),
                    label,
                    format_args!(
                        "must include {VCDM_2_0_CONTEXT}, which defines {type_name}, found {}",
                        Found(value)
                    ),
                );
            }
        }
    }
    if !TypeValues::of(object).contains(type_name) {
        let found = object.get("type").or_else(|| object.get("@type"));
        match found {
            None => f.push(
                &at.key("type"),
                label,
                format_args!("is required and must be {type_name}"),
            ),
            Some(value) => f.push(
                &at.key("type"),
                label,
                format_args!("must be {type_name}, found {}", Found(value)),
            ),
        }
    }
    match object.get("id") {
        None => f.push(
            &at.key("id"),
            label,
            format_args!("is required: a data: URL holding the secured {what}"),
        ),
        Some(Value::String(id)) if is_data_url(id) => {}
        Some(other) => f.push(
            &at.key("id"),
            label,
            format_args!(
                "must be a data: URL (RFC 2397) holding the secured {what}, found {}",
                Found(other)
            ),
        ),
    }
}

fn is_data_url_prefix(s: &str) -> bool {
    s.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:"))
}

/// `data:[<mediatype>][;base64],<data>` with a non-empty payload and no whitespace.
fn is_data_url(s: &str) -> bool {
    if !is_data_url_prefix(s) {
        return false;
    }
    let rest = s.get(5..).unwrap_or("");
    let Some((_media_type, payload)) = rest.split_once(',') else {
        return false;
    };
    !payload.is_empty()
        && !s
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::data_model::{VCDM_1_1_CONTEXT, VCDM_2_0_CONTEXT, violations};

    fn violations_of(value: &Value) -> Vec<String> {
        violations(value, &credbridge_model::classify(value)).list
    }

    fn vc() -> Value {
        json!({
            "@context": [VCDM_2_0_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:subject"}
        })
    }

    #[test]
    fn presentation_rules() {
        let vp = |holder: Value, credentials: Value| {
            json!({
                "@context": [VCDM_2_0_CONTEXT],
                "type": ["VerifiablePresentation"],
                "holder": holder,
                "verifiableCredential": credentials
            })
        };
        assert_eq!(
            violations_of(&vp(json!("did:example:holder"), json!([vc()]))),
            Vec::<String>::new()
        );
        assert_eq!(
            violations_of(&vp(json!({"name": "Acme"}), json!([vc()]))),
            ["/holder/id: is required when holder is an object and must be a URL (VCDM 2.0 §4.13)"]
        );
        assert_eq!(
            violations_of(&vp(
                json!("did:example:holder"),
                json!(["eyJhbGciOi.e30.sig"])
            )),
            [
                "/verifiableCredential/0: must be a credential object, not a string (wrap a JWT in an EnvelopedVerifiableCredential with a data: URL id), found \"eyJhbGciOi.e30.sig\" (VCDM 2.0 §4.13)"
            ]
        );
        let mut bad = vc();
        bad["type"] = json!([]);
        assert_eq!(
            violations_of(&vp(json!("did:example:holder"), json!([bad]))),
            [
                "/verifiableCredential/0/type: must include VerifiableCredential, found an empty array (VCDM 2.0 §4.5)"
            ]
        );
    }

    #[test]
    fn vcdm_1_1_presentations_may_carry_jwt_strings() {
        let vp = json!({
            "@context": [VCDM_1_1_CONTEXT],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": ["eyJhbGciOi.e30.sig"]
        });
        assert_eq!(violations_of(&vp), Vec::<String>::new());
    }

    #[test]
    fn enveloped_credentials() {
        let ok = json!({
            "@context": VCDM_2_0_CONTEXT,
            "type": "EnvelopedVerifiableCredential",
            "id": "data:application/vc+jwt,eyJhbGciOi.e30.sig"
        });
        assert_eq!(violations_of(&ok), Vec::<String>::new());
        let mut no_data = ok.clone();
        no_data["id"] = json!("eyJhbGciOi.e30.sig");
        assert_eq!(
            violations_of(&no_data),
            [
                "/id: must be a data: URL (RFC 2397) holding the secured credential, found \"eyJhbGciOi.e30.sig\" (VCDM 2.0 §4.13.1)"
            ]
        );
        let mut wrong_context = ok.clone();
        wrong_context["@context"] = json!("https://www.w3.org/ns/credentials/examples/v2");
        assert_eq!(violations_of(&wrong_context).len(), 1);
        let mut no_type = ok;
        no_type.as_object_mut().unwrap().remove("type");
        let vp = json!({
            "@context": [VCDM_2_0_CONTEXT],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": no_type
        });
        assert_eq!(
            violations_of(&vp),
            [
                "/verifiableCredential/type: is required and must be EnvelopedVerifiableCredential (VCDM 2.0 §4.13.1)"
            ]
        );
    }
}
