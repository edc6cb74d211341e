//! The paths and form field names the pages link and post to: the contract with the `server`
//! crate's routes. Keep them here so a route and the form that reaches it cannot drift apart.

/// `GET`: the public verifier page.
pub const HOME: &str = "/";

/// `POST` (multipart/form-data, no login): verifies what the form carries (fields
/// [`FIELD_FILE`] (one or more files), [`FIELD_TEXT`], [`FIELD_URL`]; every non-empty one is
/// verified) and answers with the results page. Nothing is stored.
pub const VERIFY: &str = "/verify";

/// `GET`: the login page; `POST` (urlencoded: [`FIELD_EMAIL`], [`FIELD_PASSWORD`],
/// [`FIELD_NEXT`], [`FIELD_CSRF`]): logs in and redirects to `next` (a local path) or the inbox.
pub const LOGIN: &str = "/login";

/// `POST` (urlencoded: [`FIELD_CSRF`]): ends the session and redirects to [`HOME`].
pub const LOGOUT: &str = "/logout";

/// `GET` (login): the tenant's inbox list; query `verdict`, `issuer`, `subject`, `since`, `page`.
pub const INBOX: &str = "/inbox";

/// `POST` (login, multipart: [`FIELD_FILE`], [`FIELD_CSRF`]): stores and verifies the files,
/// then redirects to [`INBOX`] with a flash message.
pub const INBOX_UPLOAD: &str = "/inbox/upload";

/// `GET` (login, the OAuth authorization request's query): the consent page of the OB/CLR
/// API's authorization server; `POST` (login, same query, urlencoded: [`FIELD_DECISION`],
/// [`FIELD_CSRF`]): the person's answer, then a redirect to the client.
pub const OAUTH_AUTHORIZE: &str = "/oauth/authorize";

/// Form field of the consent page: [`DECISION_APPROVE`] or [`DECISION_DENY`].
pub const FIELD_DECISION: &str = "decision";
/// [`FIELD_DECISION`]: the person approves the scopes.
pub const DECISION_APPROVE: &str = "approve";
/// [`FIELD_DECISION`]: the person refuses.
pub const DECISION_DENY: &str = "deny";

/// The prefix under which [`crate::assets()`] are served (`GET /assets/style.css`, …).
pub const ASSETS: &str = "/assets/";

/// Form field: the file(s) to verify or store.
pub const FIELD_FILE: &str = "file";
/// Form field: pasted text (JSON, a JWT, JSON Lines).
pub const FIELD_TEXT: &str = "text";
/// Form field: a URL to fetch (through the guarded client) and verify.
pub const FIELD_URL: &str = "url";
/// Form field: the CSRF token of [`crate::PageContext::csrf_token`] (sent by every
/// state-changing form when the context has one).
pub const FIELD_CSRF: &str = "csrf_token";
/// Form field: the person's email (their login name).
pub const FIELD_EMAIL: &str = "email";
/// Form field: the password.
pub const FIELD_PASSWORD: &str = "password";
/// Form field: where to go after logging in (a local path).
pub const FIELD_NEXT: &str = "next";

/// `GET` (login): the candidates (people built from the inbox); query `q`, `verified`.
pub const CANDIDATES: &str = "/candidates";

/// `GET` (login): the jobs and the form that creates one; `POST` (login, urlencoded: `from`,
/// `value`, `title`, [`FIELD_CSRF`]) creates a job and redirects to its page.
pub const JOBS: &str = "/dashboard/jobs";

/// `GET` (login): one candidate's profile.
pub fn candidate(person_id: &str) -> String {
    format!("/candidates/{}", encode(person_id))
}

/// `GET` (login, query `format`, optional `job`): downloads an export of the candidate.
pub fn candidate_export(person_id: &str) -> String {
    format!("/candidates/{}/export", encode(person_id))
}

/// `GET` (login): a job's page (requirements, ranked matches).
pub fn job(id: &str) -> String {
    format!("/dashboard/jobs/{}", encode(id))
}

/// The API resource of a job (`/jobs/{id}`; `/matches` below it).
pub fn job_api(id: &str) -> String {
    format!("/jobs/{}", encode(id))
}

/// `GET` (login): the page of one stored credential.
pub fn credential(id: &str) -> String {
    format!("/inbox/view/{}", encode(id))
}

/// `GET` (login): the exact original bytes of a stored credential (the inbox API route).
pub fn credential_original(id: &str) -> String {
    format!("/inbox/credentials/{}/original", encode(id))
}

/// `POST` (login, urlencoded: [`FIELD_CSRF`]): verifies a stored credential again and redirects
/// to its page.
pub fn credential_reverify(id: &str) -> String {
    format!("/inbox/view/{}/reverify", encode(id))
}

/// `POST` (login, urlencoded: [`FIELD_CSRF`]): erases a stored credential and everything
/// derived from it, then redirects to [`INBOX`].
pub fn credential_delete(id: &str) -> String {
    format!("/inbox/view/{}/delete", encode(id))
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for a path segment or a
/// query value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_leave_their_path_segment() {
        assert_eq!(credential("a/../b?c"), "/inbox/view/a%2F..%2Fb%3Fc");
        assert_eq!(encode("é x"), "%C3%A9%20x");
    }
}
