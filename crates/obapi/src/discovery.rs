//! The Service Description Document (OB 3.0 §6.3 / §7.1.1.1): the API's OpenAPI 3.0
//! description, profiled with this host's URLs, its OAuth 2.0 authorization code scheme
//! (`OAuth2ACG`) and its registration endpoint.

use serde_json::{Map, Value, json};

use crate::api::{ApiFlavor, Permission};
use crate::oauth::OAuthConfig;

/// What the document says about the service (from configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostConfig {
    /// The public base URL (`https://credbridge.example`); the APIs live under it.
    pub public_base_url: String,
    /// `info.title` and `x-imssf-name`.
    pub service_name: String,
    /// `info.termsOfService` and `x-imssf-termsOfServiceUrl`.
    pub terms_of_service_url: String,
    /// `info.x-imssf-privacyPolicyUrl` and `x-imssf-privacyPolicyUrl`.
    pub privacy_policy_url: String,
    /// `info.x-imssf-image`: the service's logo.
    pub image_url: Option<String>,
    /// The page size when the client sends no `limit`.
    pub default_page_size: usize,
}

impl HostConfig {
    /// The API root of `flavor`: `{public_base_url}/ims/ob/v3p0`.
    #[must_use]
    pub fn api_root(&self, flavor: ApiFlavor) -> String {
        format!(
            "{}{}",
            self.public_base_url.trim_end_matches('/'),
            flavor.base_path()
        )
    }
}

fn status_info_ref(flavor: ApiFlavor) -> Value {
    schema_url(flavor, "imsx_statusinfo")
}

fn schema_url(flavor: ApiFlavor, name: &str) -> Value {
    let (spec, prefix) = match flavor {
        ApiFlavor::OpenBadges => ("ob/v3p0", "ob_v3p0"),
        ApiFlavor::Clr => ("clr/v2p0", "clr_v2p0"),
    };
    json!({"$ref": format!("https://purl.imsglobal.org/spec/{spec}/schema/json/{prefix}_{name}_schema.json")})
}

fn errors(flavor: ApiFlavor, codes: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    for code in codes {
        out.insert(
            (*code).to_owned(),
            json!({
                "description": "The request was not served; the reason is in the Imsx_StatusInfo payload.",
                "content": {"application/json": {"schema": status_info_ref(flavor)}},
            }),
        );
    }
    out
}

fn operation(
    flavor: ApiFlavor,
    operation_id: &str,
    summary: &str,
    permission: Permission,
    ok: Map<String, Value>,
    error_codes: &[&str],
) -> Value {
    let mut responses = ok;
    responses.extend(errors(flavor, error_codes));
    json!({
        "operationId": operation_id,
        "summary": summary,
        "tags": [if matches!(permission, Permission::ProfileReadonly | Permission::ProfileUpdate) {"Profile"} else {"Credentials"}],
        "security": [{"OAuth2ACG": [flavor.scope(permission)]}],
        "responses": responses,
    })
}

fn ok(status: &str, description: &str, media: &[(&str, Value)]) -> Map<String, Value> {
    let mut content = Map::new();
    for (m, schema) in media {
        content.insert((*m).to_owned(), json!({"schema": schema}));
    }
    let mut out = Map::new();
    out.insert(
        status.to_owned(),
        json!({"description": description, "content": content}),
    );
    out
}

/// The Service Description Document of `flavor`.
#[must_use]
pub fn service_description(flavor: ApiFlavor, host: &HostConfig, oauth: &OAuthConfig) -> Value {
    let (title, credential_schema, list_schema, list_name) = match flavor {
        ApiFlavor::OpenBadges => (
            "Open Badges API",
            schema_url(flavor, "achievementcredential"),
            schema_url(flavor, "getopenbadgecredentialsresponse"),
            "GetOpenBadgeCredentialsResponse",
        ),
        ApiFlavor::Clr => (
            "Comprehensive Learner Record API",
            schema_url(flavor, "clrcredential"),
            schema_url(flavor, "getclrcredentialsresponse"),
            "GetClrCredentialsResponse",
        ),
    };
    let jws =
        json!({"type": "string", "pattern": "^[a-zA-Z0-9_-]+\\.[a-zA-Z0-9_-]*\\.[a-zA-Z0-9_-]+$"});
    let profile_schema = schema_url(flavor, "profile");
    let mut scopes = Map::new();
    for permission in Permission::ALL {
        scopes.insert(
            flavor.scope(permission),
            flavor.scope_description(permission).into(),
        );
    }
    let mut info = json!({
        "title": format!("{} — {title}", host.service_name),
        "version": match flavor { ApiFlavor::OpenBadges => "3.0", ApiFlavor::Clr => "2.0" },
        "termsOfService": host.terms_of_service_url,
        "x-imssf-privacyPolicyUrl": host.privacy_policy_url,
    });
    if let (Some(image), Some(object)) = (&host.image_url, info.as_object_mut()) {
        object.insert("x-imssf-image".into(), image.clone().into());
    }
    let mut scheme = json!({
        "type": "oauth2",
        "description": "OAuth 2.0 Authorization Code Grant authorization",
        "x-imssf-name": host.service_name,
        "x-imssf-privacyPolicyUrl": host.privacy_policy_url,
        "x-imssf-registrationUrl": oauth.registration_url,
        "x-imssf-termsOfServiceUrl": host.terms_of_service_url,
        "flows": {"authorizationCode": {
            "tokenUrl": oauth.token_url,
            "authorizationUrl": oauth.authorization_url,
            "refreshUrl": oauth.token_url,
            "scopes": scopes,
        }},
    });
    if let (Some(image), Some(object)) = (&host.image_url, scheme.as_object_mut()) {
        object.insert("x-imssf-image".into(), image.clone().into());
    }
    let page_headers = json!({
        "X-Total-Count": {"description": "The total number of credentials matching the request.", "schema": {"type": "integer"}},
        "Link": {"description": "RFC 8288 links: first, last, and next/prev when they exist.", "schema": {"type": "string"}},
    });
    let mut list_ok = ok(
        "200",
        "The credentials of the page.",
        &[("application/json", list_schema)],
    );
    if let Some(r) = list_ok.get_mut("200").and_then(Value::as_object_mut) {
        r.insert("headers".into(), page_headers);
    }
    let mut get_credentials = operation(
        flavor,
        "getCredentials",
        &format!(
            "Get the {} of the authenticated entity.",
            flavor.credential_noun()
        ),
        Permission::CredentialReadonly,
        list_ok,
        &["400", "401", "403", "405", "500", "default"],
    );
    if let Some(o) = get_credentials.as_object_mut() {
        o.insert(
            "parameters".into(),
            json!([
                {"name": "limit", "in": "query", "required": false, "description": "The largest number of credentials to return.", "schema": {"type": "integer", "minimum": 1}},
                {"name": "offset", "in": "query", "required": false, "description": "The index of the first credential to return (zero indexed).", "schema": {"type": "integer", "minimum": 0}},
                {"name": "since", "in": "query", "required": false, "description": "Only credentials stored after this time.", "schema": {"type": "string", "format": "date-time"}},
            ]),
        );
    }
    let mut upsert_ok = ok(
        "200",
        "The credential replaced an equal one.",
        &[
            ("application/json", credential_schema.clone()),
            ("text/plain", jws.clone()),
        ],
    );
    upsert_ok.extend(ok(
        "201",
        "The credential was added.",
        &[
            ("application/json", credential_schema.clone()),
            ("text/plain", jws.clone()),
        ],
    ));
    let mut upsert = operation(
        flavor,
        "upsertCredential",
        "Create or replace a credential.",
        Permission::CredentialUpsert,
        upsert_ok,
        &["304", "400", "401", "403", "404", "405", "500", "default"],
    );
    if let Some(o) = upsert.as_object_mut() {
        o.insert(
            "requestBody".into(),
            json!({"required": true, "content": {
                "application/json": {"schema": credential_schema},
                "application/vc+ld+json": {"schema": credential_schema},
                "text/plain": {"schema": jws},
            }}),
        );
    }
    let get_profile = operation(
        flavor,
        "getProfile",
        "Get the profile of the authenticated entity.",
        Permission::ProfileReadonly,
        ok(
            "200",
            "The profile.",
            &[("application/json", profile_schema.clone())],
        ),
        &["400", "401", "403", "404", "405", "500", "default"],
    );
    let mut put_profile = operation(
        flavor,
        "putProfile",
        "Replace the profile of the authenticated entity.",
        Permission::ProfileUpdate,
        ok(
            "200",
            "The profile as stored.",
            &[("application/json", profile_schema.clone())],
        ),
        &[
            "202", "304", "400", "401", "403", "404", "405", "500", "default",
        ],
    );
    if let Some(o) = put_profile.as_object_mut() {
        o.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"application/json": {"schema": profile_schema}}}),
        );
    }
    json!({
        "openapi": "3.0.1",
        "info": info,
        "servers": [{"url": host.api_root(flavor)}],
        "tags": [
            {"name": "Credentials", "description": format!("Exchange {}.", flavor.credential_noun())},
            {"name": "Profile", "description": "The profile of the authenticated entity."},
            {"name": "Discovery", "description": "This document."},
        ],
        "paths": {
            "/credentials": {"get": get_credentials, "post": upsert},
            "/profile": {"get": get_profile, "put": put_profile},
            "/discovery": {"get": {
                "operationId": "getServiceDescription",
                "summary": "Get the Service Description Document.",
                "tags": ["Discovery"],
                "security": [],
                "responses": {
                    "200": {"description": "This document.", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "default": {"description": "The request was not served.", "content": {"application/json": {"schema": status_info_ref(flavor)}}},
                },
            }},
        },
        "components": {
            "securitySchemes": {"OAuth2ACG": scheme},
            "schemas": {
                list_name: schema_url(flavor, match flavor { ApiFlavor::OpenBadges => "getopenbadgecredentialsresponse", ApiFlavor::Clr => "getclrcredentialsresponse" }),
                "Imsx_StatusInfo": schema_url(flavor, "imsx_statusinfo"),
            },
        },
    })
}
