//! The two APIs this crate speaks, their scopes, and the small seams every part shares: the
//! clock and the random source.

use serde::{Deserialize, Serialize};

/// Which 1EdTech API: Open Badges 3.0 or Comprehensive Learner Record 2.0. They share the
/// protocol (OB 3.0 §6–7, CLR 2.0 §6–7) and differ in base path, scopes and credential type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiFlavor {
    /// Open Badges 3.0, `{base}/ims/ob/v3p0`.
    OpenBadges,
    /// CLR 2.0, `{base}/ims/clr/v2p0`.
    Clr,
}

/// What an access token may do on one API (OB 3.0 §6.2.1 Scopes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// `getCredentials`.
    CredentialReadonly,
    /// `upsertCredential`.
    CredentialUpsert,
    /// `getProfile`.
    ProfileReadonly,
    /// `putProfile`.
    ProfileUpdate,
}

impl Permission {
    /// Every permission, in the spec's order.
    pub const ALL: [Permission; 4] = [
        Permission::CredentialReadonly,
        Permission::CredentialUpsert,
        Permission::ProfileReadonly,
        Permission::ProfileUpdate,
    ];

    fn suffix(self) -> &'static str {
        match self {
            Permission::CredentialReadonly => "credential.readonly",
            Permission::CredentialUpsert => "credential.upsert",
            Permission::ProfileReadonly => "profile.readonly",
            Permission::ProfileUpdate => "profile.update",
        }
    }
}

/// The OpenID/OAuth scope asking for a refresh token; clients send it with the API scopes
/// (OB 3.0 §7.1.1.2 example), so it is accepted and needs no consent sentence of its own.
pub const OFFLINE_ACCESS: &str = "offline_access";

impl ApiFlavor {
    /// Both APIs.
    pub const ALL: [ApiFlavor; 2] = [ApiFlavor::OpenBadges, ApiFlavor::Clr];

    /// The path under the server's base URL: `/ims/ob/v3p0` or `/ims/clr/v2p0`.
    #[must_use]
    pub fn base_path(self) -> &'static str {
        match self {
            ApiFlavor::OpenBadges => "/ims/ob/v3p0",
            ApiFlavor::Clr => "/ims/clr/v2p0",
        }
    }

    fn scope_prefix(self) -> &'static str {
        match self {
            ApiFlavor::OpenBadges => "https://purl.imsglobal.org/spec/ob/v3p0/scope/",
            ApiFlavor::Clr => "https://purl.imsglobal.org/spec/clr/v2p0/scope/",
        }
    }

    /// The scope URI of `permission`, e.g.
    /// `https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly`.
    #[must_use]
    pub fn scope(self, permission: Permission) -> String {
        format!("{}{}", self.scope_prefix(), permission.suffix())
    }

    /// The flavor and permission a scope URI names, `None` for any other string.
    #[must_use]
    pub fn parse_scope(scope: &str) -> Option<(ApiFlavor, Permission)> {
        ApiFlavor::ALL.into_iter().find_map(|flavor| {
            let suffix = scope.strip_prefix(flavor.scope_prefix())?;
            Permission::ALL
                .into_iter()
                .find(|p| p.suffix() == suffix)
                .map(|p| (flavor, p))
        })
    }

    /// What the credentials are called in this API.
    #[must_use]
    pub fn credential_noun(self) -> &'static str {
        match self {
            ApiFlavor::OpenBadges => "OpenBadgeCredentials",
            ApiFlavor::Clr => "ClrCredentials",
        }
    }

    /// The spec's description of a scope (OB 3.0 §6.2.1, CLR 2.0 §6.2.1), used in the Service
    /// Description Document.
    #[must_use]
    pub fn scope_description(self, permission: Permission) -> String {
        let noun = self.credential_noun();
        match permission {
            Permission::CredentialReadonly => {
                format!("Permission to read {noun} for the authenticated entity.")
            }
            Permission::CredentialUpsert => {
                format!("Permission to create or update {noun} for the authenticated entity.")
            }
            Permission::ProfileReadonly => {
                "Permission to read the profile for the authenticated entity.".to_owned()
            }
            Permission::ProfileUpdate => {
                "Permission to update the profile for the authenticated entity.".to_owned()
            }
        }
    }

    /// The sentence the consent page shows the user for a scope, written to them.
    #[must_use]
    pub fn consent_sentence(self, permission: Permission) -> &'static str {
        match (self, permission) {
            (ApiFlavor::OpenBadges, Permission::CredentialReadonly) => {
                "See every Open Badge in your account."
            }
            (ApiFlavor::OpenBadges, Permission::CredentialUpsert) => {
                "Add Open Badges to your account, and replace ones you already have."
            }
            (ApiFlavor::Clr, Permission::CredentialReadonly) => {
                "See every Comprehensive Learner Record in your account."
            }
            (ApiFlavor::Clr, Permission::CredentialUpsert) => {
                "Add Comprehensive Learner Records to your account, and replace ones you already have."
            }
            (_, Permission::ProfileReadonly) => {
                "See your profile (your name and the other details in it)."
            }
            (_, Permission::ProfileUpdate) => "Change your profile.",
        }
    }

    /// The `type` values that make a JSON credential belong to this API's list.
    pub(crate) fn credential_types(self) -> &'static [&'static str] {
        match self {
            ApiFlavor::OpenBadges => &["OpenBadgeCredential", "AchievementCredential"],
            ApiFlavor::Clr => &["ClrCredential"],
        }
    }
}

/// Where the current time comes from: passed in, so expiry is testable without sleeping
/// (STYLE §2: no library reads the system clock behind its caller's back).
pub trait Clock: Send + Sync {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now_unix(&self) -> i64;
}

/// The operating system's clock (a time before 1970 reads as 0).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// A clock that stands still until it is moved; tests and replays use it.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: std::sync::atomic::AtomicI64,
}

impl ManualClock {
    /// A clock showing `unix_seconds`.
    #[must_use]
    pub fn at(unix_seconds: i64) -> ManualClock {
        ManualClock {
            now: std::sync::atomic::AtomicI64::new(unix_seconds),
        }
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.now
            .fetch_add(seconds, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_unix(&self) -> i64 {
        self.now.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The random source failed (the operating system refused to give entropy).
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random source failed: {0}")]
pub struct RandomError(pub String);

/// 32 random bytes as unpadded base64url (43 characters, 256 bits): codes, tokens, client
/// secrets, PKCE verifiers and `state`.
pub(crate) fn random_token() -> Result<String, RandomError> {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| RandomError(e.to_string()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// SHA-256 of a secret: what the store keeps instead of the secret.
pub(crate) fn sha256(text: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(text.as_bytes()).into()
}

/// Constant-time equality of two byte strings (the length is not secret).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
