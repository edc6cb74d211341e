//! The rules for a verifiable credential (VCDM 2.0 §4, §5.3–§5.6, §5.10; VCDM 1.1 §4, §5.4–§5.7).

use serde_json::{Map, Value};

use super::lexical::{self, DateTimeDefect, Zone};
use super::{
    Area, Findings, Found, IdRule, Pointer, Spec, contexts, one_or_many, optional_id, single_url,
    typed_entries, types,
};

/// Every credential rule, for the credential `object` at `at`.
pub(super) fn credential(
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
        Some("VerifiableCredential"),
        Area::Types,
    );
    issuer(f, spec, at, object);
    credential_subject(f, spec, at, object);
    if spec.is_2_0() {
        validity_period(f, spec, at, object);
    } else {
        issuance_and_expiration(f, spec, at, object);
    }
    // VCDM 1.1 §4.9 requires a status `id`; 2.0 §4.10 made it optional.
    let status_id = if spec.is_2_0() {
        IdRule::Optional
    } else {
        IdRule::Required
    };
    typed_entries(
        f,
        spec,
        at,
        object,
        "credentialStatus",
        Area::Status,
        status_id,
    );
    typed_entries(
        f,
        spec,
        at,
        object,
        "credentialSchema",
        Area::DataSchemas,
        IdRule::Required,
    );
    // VCDM 1.1 §5.5: "MUST specify its type … and its id"; 2.0 §5.4 requires only the type.
    let refresh_id = if spec.is_2_0() {
        IdRule::Optional
    } else {
        IdRule::Required
    };
    typed_entries(
        f,
        spec,
        at,
        object,
        "refreshService",
        Area::Refreshing,
        refresh_id,
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
    typed_entries(
        f,
        spec,
        at,
        object,
        "evidence",
        Area::Evidence,
        IdRule::Optional,
    );
    typed_entries(
        f,
        spec,
        at,
        object,
        "proof",
        Area::SecuringMechanisms,
        IdRule::Unchecked,
    );
    if spec.is_2_0() {
        for key in ["renderMethod", "confidenceMethod"] {
            typed_entries(
                f,
                spec,
                at,
                object,
                key,
                Area::ReservedExtensions,
                IdRule::Optional,
            );
        }
        related_resources(f, spec, at, object);
        names_and_descriptions(f, spec, at, object);
    }
}

/// `issuer` (VCDM 2.0 §4.7, 1.1 §4.5): a URL, or an object whose `id` is a URL.
fn issuer(f: &mut Findings, spec: Spec, at: &Pointer<'_>, object: &Map<String, Value>) {
    let label = spec.label(Area::Issuer);
    let here = at.key("issuer");
    match object.get("issuer") {
        None => f.push(
            &here,
            label,
            format_args!("is required: a URL or an object with a URL id"),
        ),
        Some(Value::String(s)) if lexical::is_url(s) => {}
        Some(Value::Object(issuer)) => {
            match issuer.get("id") {
                None => f.push(
                    &here.key("id"),
                    label,
                    format_args!("is required and must be a URL"),
                ),
                Some(id) => single_url(f, &here.key("id"), id, label),
            }
            if spec.is_2_0() {
                names_and_descriptions(f, spec, &here, issuer);
            }
        }
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

/// `credentialSubject` (VCDM 2.0 §4.8, 1.1 §4.4): one or more objects, each making at least
/// one claim, each `id` a single URL.
fn credential_subject(f: &mut Findings, spec: Spec, at: &Pointer<'_>, object: &Map<String, Value>) {
    let label = spec.label(Area::CredentialSubject);
    let here = at.key("credentialSubject");
    let Some(value) = object.get("credentialSubject") else {
        f.push(&here, label, format_args!("is required"));
        return;
    };
    let (subjects, is_array) = one_or_many(value);
    if subjects.is_empty() {
        f.push(
            &here,
            label,
            format_args!("must hold at least one subject, found an empty array"),
        );
    }
    for (i, subject) in subjects.iter().enumerate() {
        let subject_at = if is_array { here.index(i) } else { here };
        let Some(subject) = subject.as_object() else {
            f.push(
                &subject_at,
                label,
                format_args!("must be an object, found {}", Found(subject)),
            );
            continue;
        };
        if subject.is_empty() {
            f.push(
                &subject_at,
                label,
                format_args!("must make at least one claim, found an empty object"),
            );
            continue;
        }
        if let Some(id) = subject.get("id") {
            single_url(f, &subject_at.key("id"), id, spec.label(Area::Identifiers));
        }
    }
}

/// `validFrom` / `validUntil` (VCDM 2.0 §4.9): `xsd:dateTimeStamp` strings, `validFrom` not
/// later than `validUntil`.
fn validity_period(f: &mut Findings, spec: Spec, at: &Pointer<'_>, object: &Map<String, Value>) {
    let from = date_time_property(
        f,
        spec,
        at,
        object,
        "validFrom",
        Area::ValidFrom,
        Zone::Required,
    );
    let until = date_time_property(
        f,
        spec,
        at,
        object,
        "validUntil",
        Area::ValidUntil,
        Zone::Required,
    );
    if let (Some((from, from_text)), Some((until, until_text))) = (from, until)
        && until < from
    {
        f.push(
            &at.key("validUntil"),
            spec.label(Area::ValidUntil),
            format_args!("must not be earlier than validFrom {from_text:?}, found {until_text:?}"),
        );
    }
}

/// `issuanceDate` (required) and `expirationDate` (VCDM 1.1 §4.6, §4.8): `xsd:dateTime`
/// strings, where the time zone is optional.
fn issuance_and_expiration(
    f: &mut Findings,
    spec: Spec,
    at: &Pointer<'_>,
    object: &Map<String, Value>,
) {
    if !object.contains_key("issuanceDate") {
        f.push(
            &at.key("issuanceDate"),
            spec.label(Area::ValidFrom),
            format_args!("is required"),
        );
    }
    date_time_property(
        f,
        spec,
        at,
        object,
        "issuanceDate",
        Area::ValidFrom,
        Zone::Optional,
    );
    date_time_property(
        f,
        spec,
        at,
        object,
        "expirationDate",
        Area::ValidUntil,
        Zone::Optional,
    );
}

/// Checks one optional date-time property; returns its instant (and text) when it has one.
fn date_time_property<'v>(
    f: &mut Findings,
    spec: Spec,
    at: &Pointer<'_>,
    object: &'v Map<String, Value>,
    key: &str,
    area: Area,
    zone: Zone,
) -> Option<(i64, &'v str)> {
    let value = object.get(key)?;
    let here = at.key(key);
    let label = spec.label(area);
    let kind = match zone {
        Zone::Required => "an XML Schema dateTimeStamp",
        Zone::Optional => "an XML Schema dateTime",
    };
    let Some(text) = value.as_str() else {
        f.push(
            &here,
            label,
            format_args!("must be {kind} string, found {}", Found(value)),
        );
        return None;
    };
    match lexical::date_time(text, zone) {
        Ok(instant) => instant.map(|t| (t, text)),
        Err(DateTimeDefect::NotDateTime) => {
            f.push(
                &here,
                label,
                format_args!(
                    "must be {kind} such as \"2010-01-01T19:23:24Z\", found {}",
                    Found(value)
                ),
            );
            None
        }
        Err(DateTimeDefect::MissingZone) => {
            f.push(
                &here,
                label,
                format_args!(
                    "must end with a time zone (Z or ±hh:mm), found {}",
                    Found(value)
                ),
            );
            None
        }
        Err(DateTimeDefect::NoSuchDay) => {
            f.push(
                &here,
                label,
                format_args!(
                    "names a day the month does not have, found {}",
                    Found(value)
                ),
            );
            None
        }
    }
}

/// `relatedResource` (VCDM 2.0 §5.3): objects with a unique URL `id` and a `digestSRI` or
/// `digestMultibase`. Whether the digests match the resources is the `related-resource` check
/// (`crate::related`).
fn related_resources(f: &mut Findings, spec: Spec, at: &Pointer<'_>, object: &Map<String, Value>) {
    let Some(value) = object.get("relatedResource") else {
        return;
    };
    let label = spec.label(Area::RelatedResources);
    let here = at.key("relatedResource");
    let (entries, is_array) = one_or_many(value);
    for (i, entry) in entries.iter().enumerate() {
        let entry_at = if is_array { here.index(i) } else { here };
        let Some(resource) = entry.as_object() else {
            f.push(
                &entry_at,
                label,
                format_args!(
                    "must be an object with an id and a digest, found {}",
                    Found(entry)
                ),
            );
            continue;
        };
        match resource.get("id") {
            None => f.push(
                &entry_at.key("id"),
                label,
                format_args!("is required and must be a URL"),
            ),
            Some(id) => {
                single_url(f, &entry_at.key("id"), id, label);
                let earlier = entries.get(..i).unwrap_or_default();
                if earlier.iter().any(|e| e.get("id") == Some(id)) {
                    f.push(
                        &entry_at.key("id"),
                        label,
                        format_args!(
                            "must be unique among the related resources, found {} again",
                            Found(id)
                        ),
                    );
                }
            }
        }
        if !resource.contains_key("digestSRI") && !resource.contains_key("digestMultibase") {
            f.push(
                &entry_at,
                label,
                format_args!("must have a digestSRI or a digestMultibase"),
            );
        }
    }
}

/// `name` / `description` (VCDM 2.0 §4.6) of a credential or its issuer: a string, a language
/// value object (§11.1), or an array of those.
fn names_and_descriptions(
    f: &mut Findings,
    spec: Spec,
    at: &Pointer<'_>,
    object: &Map<String, Value>,
) {
    for key in ["name", "description"] {
        let Some(value) = object.get(key) else {
            continue;
        };
        let here = at.key(key);
        match value {
            Value::String(_) => {}
            Value::Object(o) => language_value(f, spec, &here, o),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(_) => {}
                        Value::Object(o) => language_value(f, spec, &here.index(i), o),
                        other => f.push(
                            &here.index(i),
                            spec.label(Area::NamesAndDescriptions),
                            format_args!(
                                "must be a string or a language value object, found {}",
                                Found(other)
                            ),
                        ),
                    }
                }
            }
            other => f.push(
                &here,
                spec.label(Area::NamesAndDescriptions),
                format_args!(
                    "must be a string or a language value object, found {}",
                    Found(other)
                ),
            ),
        }
    }
}

/// A language value object (VCDM 2.0 §11.1): `@value` (a string), optional `@language` (a
/// language tag) and `@direction` (`ltr` / `rtl`), nothing else.
fn language_value(f: &mut Findings, spec: Spec, at: &Pointer<'_>, object: &Map<String, Value>) {
    let label = spec.label(Area::LanguageAndDirection);
    if !object.contains_key("@value") {
        f.push(
            &at.key("@value"),
            label,
            format_args!("is required in a language value object"),
        );
    }
    for (key, value) in object {
        let here = at.key(key);
        match key.as_str() {
            "@value" if value.is_string() => {}
            "@value" => f.push(
                &here,
                label,
                format_args!("must be a string, found {}", Found(value)),
            ),
            "@language" => match value {
                Value::String(tag) if lexical::is_language_tag(tag) => {}
                _ => f.push(
                    &here,
                    label,
                    format_args!(
                        "must be a language tag such as \"en\", found {}",
                        Found(value)
                    ),
                ),
            },
            "@direction" => match value {
                Value::Null => {}
                Value::String(d) if d == "ltr" || d == "rtl" => {}
                _ => f.push(
                    &here,
                    label,
                    format_args!("must be \"ltr\" or \"rtl\", found {}", Found(value)),
                ),
            },
            _ => f.push(
                &here,
                label,
                format_args!(
                    "is not allowed in a language value object (only @value, @language, @direction)"
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::data_model::{VCDM_1_1_CONTEXT, VCDM_2_0_CONTEXT, violations};

    fn violations_of(value: &Value) -> Vec<String> {
        violations(value, &credbridge_model::classify(value)).list
    }

    fn base() -> Value {
        json!({
            "@context": [VCDM_2_0_CONTEXT],
            "id": "urn:uuid:1",
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "validFrom": "2023-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:subject"}
        })
    }

    fn with(key: &str, value: Value) -> Value {
        let mut vc = base();
        vc[key] = value;
        vc
    }

    #[test]
    fn a_minimal_credential_passes() {
        assert_eq!(violations_of(&base()), Vec::<String>::new());
    }

    #[test]
    fn each_rule_names_its_pointer_and_section() {
        let cases = [
            (
                with("issuer", json!(null)),
                "/issuer: must be a URL or an object with a URL id, found null (VCDM 2.0 §4.7)",
            ),
            (
                with("issuer", json!({"name": "x"})),
                "/issuer/id: is required and must be a URL (VCDM 2.0 §4.7)",
            ),
            (
                with("id", json!(["urn:a", "urn:b"])),
                "/id: must be a single URL, found an array of 2 (VCDM 2.0 §4.4)",
            ),
            (
                with("credentialSubject", json!([{"id": "did:example:1"}, {}])),
                "/credentialSubject/1: must make at least one claim, found an empty object (VCDM 2.0 §4.8)",
            ),
            (
                with("credentialSubject", json!({"id": ["did:a:1", "did:a:2"]})),
                "/credentialSubject/id: must be a single URL, found an array of 2 (VCDM 2.0 §4.4)",
            ),
            (
                with("validFrom", json!("2023-01-01T00:00:00")),
                "/validFrom: must end with a time zone (Z or ±hh:mm), found \"2023-01-01T00:00:00\" (VCDM 2.0 §4.9)",
            ),
            (
                with("validUntil", json!("2022-01-01T00:00:00Z")),
                "/validUntil: must not be earlier than validFrom \"2023-01-01T00:00:00Z\", found \"2022-01-01T00:00:00Z\" (VCDM 2.0 §4.9)",
            ),
            (
                with(
                    "credentialStatus",
                    json!([{"type": "X"}, {"id": "did:example:s"}]),
                ),
                "/credentialStatus/1/type: is required (VCDM 2.0 §4.10)",
            ),
            (
                with("credentialSchema", json!({"type": "JsonSchema"})),
                "/credentialSchema/id: is required and must be a URL (VCDM 2.0 §4.11)",
            ),
            (
                with("proof", json!({"proofValue": "z"})),
                "/proof/type: is required (VCDM 2.0 §4.12)",
            ),
            (
                with("relatedResource", json!([{"id": "https://x.example/a"}])),
                "/relatedResource/0: must have a digestSRI or a digestMultibase (VCDM 2.0 §5.3)",
            ),
            (
                with("refreshService", json!({"id": "https://r.example"})),
                "/refreshService/type: is required (VCDM 2.0 §5.4)",
            ),
            (
                with("termsOfUse", json!([{}])),
                "/termsOfUse/0/type: is required (VCDM 2.0 §5.5)",
            ),
            (
                with("evidence", json!({"type": 7})),
                "/evidence/type: must be a term or an absolute URL string, found 7 (VCDM 2.0 §5.6)",
            ),
            (
                with(
                    "name",
                    json!({"@value": "x", "@language": "en", "url": "y"}),
                ),
                "/name/url: is not allowed in a language value object (only @value, @language, @direction) (VCDM 2.0 §11.1)",
            ),
            (
                with("description", json!(42)),
                "/description: must be a string or a language value object, found 42 (VCDM 2.0 §4.6)",
            ),
            (
                with("@context", json!([VCDM_2_0_CONTEXT, 5])),
                "/@context/1: must be a URL or a context object, found 5 (VCDM 2.0 §4.3)",
            ),
            (
                with("type", json!(["Other"])),
                "/type: must include VerifiableCredential, found an array of 1 (VCDM 2.0 §4.5)",
            ),
        ];
        for (vc, expected) in cases {
            assert_eq!(violations_of(&vc), [expected], "{vc}");
        }
    }

    #[test]
    fn vcdm_1_1_rules() {
        let vc = json!({
            "@context": [VCDM_1_1_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": {"id": "did:example:issuer"},
            "issuanceDate": "2020-01-01T00:00:00",
            "credentialSubject": {"name": "x"},
            "credentialStatus": {"type": "StatusList2021Entry"}
        });
        assert_eq!(
            violations_of(&vc),
            ["/credentialStatus/id: is required and must be a URL (VCDM 1.1 §4.9)"]
        );
        let mut no_date = vc.clone();
        no_date.as_object_mut().unwrap().remove("issuanceDate");
        no_date.as_object_mut().unwrap().remove("credentialStatus");
        assert_eq!(
            violations_of(&no_date),
            ["/issuanceDate: is required (VCDM 1.1 §4.6)"]
        );
    }
}
