//! The employer's pages, behind login: candidates (people built from the inbox) with search and
//! filters, one candidate's profile (skills, levels, the credentials that show each with their
//! verdicts, identity links with reasons, exports), jobs (create from an ESCO occupation, an
//! O*NET code, a JSON Resume job or text) and one job's requirements with ranked matches and
//! the per-requirement explanation.
//!
//! Plain HTML: tables with captions and header cells, forms that work without JavaScript, every
//! status in words (the colour and mark only repeat them), "not shown" never written as "lacks".

use credbridge_matching::{Importance, Job, MatchReport, MatchStatus};
use credbridge_profile::{LinkReason, SkillStatus, SkillsProfile, VerificationStatus};
use maud::{Markup, html};

use crate::PageContext;
use crate::layout::{csrf_field, page};
use crate::paths;
use crate::view::clean;

/// Export formats offered on a candidate's page: (path segment, label).
pub const EXPORT_FORMATS: [(&str, &str); 5] = [
    ("pdf", "One-page report (PDF)"),
    ("html", "One-page report (HTML)"),
    ("ler-rs", "HR Open LER-RS (JSON)"),
    ("json-resume", "JSON Resume"),
    ("ats-bundle", "ATS bundle (zip)"),
];

/// The candidate list's filters, echoed back into the form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CandidateFilters {
    /// Text in a skill, achievement or issuer name.
    pub q: Option<String>,
    /// Only candidates with a skill shown by a verified credential.
    pub verified: bool,
}

/// Maps a profile's credential (its id or item path) to the page of the stored credential.
pub type CredentialLink<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A concept's name (its preferred label) from its IRI, when the frameworks know it: the mapping
/// path reads "Python → computer programming", not two IRIs.
pub type ConceptName<'a> = &'a dyn Fn(&str) -> Option<String>;

fn verification_class(status: VerificationStatus) -> &'static str {
    match status {
        VerificationStatus::Valid => "verdict-valid",
        VerificationStatus::ValidWithWarnings => "verdict-warnings",
        VerificationStatus::Invalid | VerificationStatus::Revoked => "verdict-invalid",
        VerificationStatus::Indeterminate | VerificationStatus::NotChecked => {
            "verdict-indeterminate"
        }
    }
}

fn skill_class(status: SkillStatus) -> &'static str {
    match status {
        SkillStatus::Verified => "verdict-valid",
        SkillStatus::Unverified => "verdict-indeterminate",
        SkillStatus::Inferred => "verdict-warnings",
    }
}

fn match_class(status: MatchStatus) -> &'static str {
    match status {
        MatchStatus::MetVerified => "verdict-valid",
        MatchStatus::MetInferred => "verdict-warnings",
        MatchStatus::Partial => "verdict-indeterminate",
        MatchStatus::NotShown => "status-not-shown",
    }
}

/// The machine name of a match status (`met-verified`, …), as the API spells it.
pub fn match_status_name(status: MatchStatus) -> &'static str {
    match status {
        MatchStatus::MetVerified => "met-verified",
        MatchStatus::MetInferred => "met-inferred",
        MatchStatus::Partial => "partial",
        MatchStatus::NotShown => "not-shown",
    }
}

fn reason_words(reason: &LinkReason) -> String {
    match reason {
        LinkReason::PresentedByHolder { holder } => {
            format!("presented by the holder {}", clean(holder))
        }
        LinkReason::SameDid { did } => format!("the recipient is the DID {}", clean(did)),
        LinkReason::IdentityHashMatches {
            identity_type,
            given_kind,
        } => format!(
            "its salted {} hash matches the {} the candidate gave",
            clean(identity_type),
            clean(given_kind)
        ),
        LinkReason::SameIdentityHash { identity_type } => format!(
            "the same salted {} hash as another credential",
            clean(identity_type)
        ),
        LinkReason::SamePlainIdentifier { identity_type } => {
            format!("the same {} as another credential", clean(identity_type))
        }
        LinkReason::SameIri { iri } => format!("the recipient is {}", clean(iri)),
        LinkReason::OnlyRecord => "the only credential of this recipient".to_owned(),
    }
}

/// A short label for a person: never a name from a credential (names are not identity), but
/// the candidate's label when one was given, else the end of the person id.
pub fn person_label(profile: &SkillsProfile) -> String {
    let id = &profile.person.id;
    let tail: String = id
        .chars()
        .rev()
        .take(16)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match &profile.person.candidate {
        Some(candidate) => clean(candidate),
        None if id.chars().count() > 24 => format!("Candidate …{}", clean(&tail)),
        None => format!("Candidate {}", clean(id)),
    }
}

/// The tenant's candidates: search, filters, one row per person.
pub fn candidates_page(
    ctx: &PageContext,
    profiles: &[&SkillsProfile],
    total: usize,
    filters: &CandidateFilters,
) -> String {
    page(
        ctx,
        html! {
            h1 { "Candidates" }
            p.lead {
                "People whose credentials are in your inbox, grouped by DID, salted identity hash or "
                "presenting holder (never by name). " (total) " in all."
            }
            form.filters method="get" action=(paths::CANDIDATES) role="search" aria-label="Search the candidates" {
                p {
                    label for="candidates-q" { "Skill, achievement or issuer" }
                    input id="candidates-q" type="search" name="q" value=[filters.q.as_deref()];
                }
                p {
                    input id="candidates-verified" type="checkbox" name="verified" value="true" checked[filters.verified];
                    label for="candidates-verified" { " Only candidates with a skill shown by a verified credential" }
                }
                p { button type="submit" { "Search" } }
            }
            @if profiles.is_empty() {
                p.empty { "No candidates match." }
            } @else {
                div.table-wrap {
                    table.candidates {
                        caption { "Candidates" }
                        thead { tr {
                            th scope="col" { "Candidate" }
                            th scope="col" { "Credentials" }
                            th scope="col" { "Verified skills" }
                            th scope="col" { "Top skills" }
                        } }
                        tbody {
                            @for profile in profiles {
                                tr {
                                    th scope="row" {
                                        a href=(paths::candidate(&profile.person.id)) { bdi { (person_label(profile)) } }
                                    }
                                    td { (profile.credentials.len()) }
                                    td { (profile.skills.iter().filter(|s| s.status == SkillStatus::Verified).count()) }
                                    td {
                                        @for skill in profile.skills.iter().take(5) {
                                            span.tag { bdi { (clean(&skill.label)) } } " "
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn attributions() -> Markup {
    html! {
        section.attribution aria-label="Data sources" {
            @for line in credbridge_skills::ATTRIBUTIONS {
                p.small { (line) }
            }
        }
    }
}

/// One candidate's profile: skills (status, level, the credentials that show each, with their
/// verdicts), the identity links that grouped the credentials, alignments that reached no
/// concept, and the exports.
pub fn candidate_page(
    ctx: &PageContext,
    profile: &SkillsProfile,
    link: CredentialLink<'_>,
    jobs: &[(String, String)],
) -> String {
    let id = &profile.person.id;
    page(
        ctx,
        html! {
            p.breadcrumb { a href=(paths::CANDIDATES) { "← Candidates" } }
            h1 { bdi { (person_label(profile)) } }
            p.small { "Person id: " code { (clean(id)) } }
            section aria-labelledby="skills-title" {
                h2 id="skills-title" { "Skills" }
                @if profile.skills.is_empty() {
                    p.empty { "No skill is shown by these credentials." }
                } @else {
                    div.table-wrap {
                        table.skills {
                            caption { "Skills and the credentials that show them" }
                            thead { tr {
                                th scope="col" { "Skill" }
                                th scope="col" { "Status" }
                                th scope="col" { "Level" }
                                th scope="col" { "Shown by" }
                            } }
                            tbody {
                                @for skill in &profile.skills {
                                    tr {
                                        th scope="row" {
                                            bdi { (clean(&skill.label)) }
                                            br;
                                            span.small { (clean(&skill.framework)) " · " a href=(skill.concept) rel="noreferrer" { "concept" } }
                                        }
                                        td class=(skill_class(skill.status)) { (skill.status.word()) }
                                        td {
                                            @if let Some(level) = &skill.best_level {
                                                (level.ordinal.word()) " " span.small { "(" (clean(&level.raw)) ")" }
                                            } @else { "—" }
                                        }
                                        td {
                                            ul.evidence {
                                                @for e in &skill.evidence {
                                                    li {
                                                        @match link(&e.credential) {
                                                            Some(href) => a href=(href) { bdi { (clean(e.achievement.as_deref().unwrap_or(&e.credential))) } },
                                                            None => bdi { (clean(e.achievement.as_deref().unwrap_or(&e.credential))) },
                                                        }
                                                        @if let Some(issuer) = &e.issuer { " — " bdi { (clean(issuer)) } }
                                                        " "
                                                        span class={ "tag " (verification_class(e.verification)) } { (e.verification.word()) }
                                                        @if let Some(date) = &e.demonstrated { " " span.small { (clean(date)) } }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="links-title" {
                h2 id="links-title" { "Why these credentials are one person" }
                ul.links {
                    @for l in &profile.person.links {
                        @if let Some(entry) = profile.credentials.get(l.record) {
                            li {
                                @match link(entry.record.source.credential_id.as_deref().unwrap_or(&entry.record.source.item)) {
                                    Some(href) => a href=(href) { bdi { (clean(entry.record.achievement.name.as_deref().unwrap_or("credential"))) } },
                                    None => bdi { (clean(entry.record.achievement.name.as_deref().unwrap_or("credential"))) },
                                }
                                ": "
                                @for (i, reason) in l.reasons.iter().enumerate() {
                                    @if i > 0 { "; " }
                                    (reason_words(reason))
                                }
                                " " span.small { "(confidence " (format!("{:.2}", l.confidence)) ")" }
                                @if let Some(why) = &entry.excluded { " " span class="tag verdict-invalid" { (clean(why)) } }
                            }
                        }
                    }
                }
            }
            @if !profile.unresolved.is_empty() {
                section aria-labelledby="unresolved-title" {
                    h2 id="unresolved-title" { "Declared alignments not resolved" }
                    ul {
                        @for u in &profile.unresolved {
                            li {
                                bdi { (clean(u.alignment.target_name.as_deref().unwrap_or("alignment"))) }
                                ": " (clean(&u.reason))
                            }
                        }
                    }
                }
            }
            section aria-labelledby="export-title" {
                h2 id="export-title" { "Export" }
                form.export method="get" action=(paths::candidate_export(id)) {
                    p {
                        label for="export-format" { "Format" }
                        select id="export-format" name="format" {
                            @for (value, label) in EXPORT_FORMATS {
                                option value=(value) { (label) }
                            }
                        }
                    }
                    @if !jobs.is_empty() {
                        p {
                            label for="export-job" { "Show the match against" }
                            select id="export-job" name="job" {
                                option value="" { "no job" }
                                @for (job_id, title) in jobs {
                                    option value=(job_id) { bdi { (clean(title)) } }
                                }
                            }
                        }
                    }
                    p { button.primary type="submit" { "Download" } }
                }
            }
            (attributions())
        },
    )
}

/// One row of the jobs list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    /// The stored job's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// How many requirements.
    pub requirements: usize,
    /// Where it came from (`esco`, `onet`, `json-resume`, `text`).
    pub source: String,
}

/// The jobs: the list and the form to create one.
pub fn jobs_page(ctx: &PageContext, jobs: &[JobRow]) -> String {
    page(
        ctx,
        html! {
            h1 { "Jobs" }
            p.lead { "Jobs and their required and preferred skills; each job ranks the candidates." }
            @if jobs.is_empty() {
                p.empty { "No job yet." }
            } @else {
                div.table-wrap {
                    table.jobs {
                        caption { "Jobs" }
                        thead { tr { th scope="col" { "Job" } th scope="col" { "Requirements" } th scope="col" { "From" } } }
                        tbody {
                            @for job in jobs {
                                tr {
                                    th scope="row" { a href=(paths::job(&job.id)) { bdi { (clean(&job.title)) } } }
                                    td { (job.requirements) }
                                    td { (clean(&job.source)) }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="new-job-title" {
                h2 id="new-job-title" { "New job" }
                form method="post" action=(paths::JOBS) {
                    (csrf_field(ctx))
                    fieldset {
                        legend { "Build the requirements from" }
                        p {
                            input id="job-from-esco" type="radio" name="from" value="esco" checked;
                            label for="job-from-esco" { " an ESCO occupation (essential skills required, optional preferred)" }
                        }
                        p {
                            input id="job-from-onet" type="radio" name="from" value="onet";
                            label for="job-from-onet" { " an O*NET occupation code (importance and level)" }
                        }
                        p {
                            input id="job-from-json" type="radio" name="from" value="json-resume";
                            label for="job-from-json" { " a JSON Resume job document" }
                        }
                        p {
                            input id="job-from-text" type="radio" name="from" value="text";
                            label for="job-from-text" { " text, one requirement per line (mapped for you to confirm)" }
                        }
                    }
                    p {
                        label for="job-title" { "Title (for text)" }
                        input id="job-title" type="text" name="title";
                    }
                    p {
                        label for="job-value" { "ESCO occupation IRI, O*NET code, JSON Resume job, or text" }
                        textarea id="job-value" name="value" rows="6" required {}
                    }
                    p { button.primary type="submit" { "Create the job" } }
                }
            }
            (attributions())
        },
    )
}

/// One ranked candidate of a job.
#[derive(Debug, Clone)]
pub struct RankedCandidate<'a> {
    /// The person id.
    pub person: &'a str,
    /// A label for the person.
    pub label: String,
    /// The match report.
    pub report: &'a MatchReport,
}

/// A job: its requirements (with how each was mapped) and the candidates ranked, each with the
/// per-requirement explanation.
pub fn job_page(
    ctx: &PageContext,
    job_id: &str,
    job: &Job,
    ranked: &[RankedCandidate<'_>],
    link: CredentialLink<'_>,
    name: ConceptName<'_>,
) -> String {
    page(
        ctx,
        html! {
            p.breadcrumb { a href=(paths::JOBS) { "← Jobs" } }
            h1 { bdi { (clean(&job.title)) } }
            section aria-labelledby="requirements-title" {
                h2 id="requirements-title" { "Requirements" }
                div.table-wrap {
                    table.requirements {
                        caption { "What the job asks for" }
                        thead { tr { th scope="col" { "Skill" } th scope="col" { "Importance" } th scope="col" { "Minimum level" } th scope="col" { "Mapped to" } } }
                        tbody {
                            @for r in &job.requirements {
                                tr {
                                    th scope="row" { bdi { (clean(&r.label)) } }
                                    td { (match r.importance { Importance::Required => "required", Importance::Preferred => "preferred" }) }
                                    td { (r.min_level.map_or("—", |l| l.word())) }
                                    td {
                                        @match &r.mapping {
                                            Some(m) => {
                                                bdi { (clean(&m.label)) } " " span.small { "(" (clean(&m.framework)) ")" }
                                                @if !r.confirmed { " " span.tag.verdict-warnings { "mapped from text: confirm" } }
                                            },
                                            None => @if let Some(concept) = &r.concept { code { (clean(concept)) } } @else { "not mapped" },
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p {
                    a href=(paths::job_api(job_id)) { "This job as JSON" } " · "
                    a href={ (paths::job_api(job_id)) "/matches" } { "Matches as JSON" }
                }
            }
            section aria-labelledby="matches-title" {
                h2 id="matches-title" { "Candidates, ranked" }
                p.small {
                    "Coverage counts only skills and evidence: no name, photo, address, age or school "
                    "prestige enters it. “Not shown” means these credentials do not show it, not that the "
                    "person lacks it."
                }
                @if ranked.is_empty() {
                    p.empty { "No candidate yet: add credentials to the inbox." }
                }
                @for (rank, c) in ranked.iter().enumerate() {
                    article.match aria-labelledby={ "match-" (rank) } {
                        h3 id={ "match-" (rank) } {
                            (rank + 1) ". "
                            a href=(paths::candidate(c.person)) { bdi { (c.label) } }
                            " — " (format!("{:.0}", c.report.coverage.required * 100.0)) "% of required, "
                            (format!("{:.0}", c.report.coverage.preferred * 100.0)) "% of preferred ("
                            (c.report.coverage.met_verified) " met by verified credentials)"
                        }
                        div.table-wrap {
                            table.explanation {
                                caption { "Each requirement for this candidate" }
                                thead { tr { th scope="col" { "Requirement" } th scope="col" { "Status" } th scope="col" { "Evidence" } } }
                                tbody {
                                    @for line in &c.report.requirements {
                                        tr {
                                            th scope="row" { bdi { (clean(&line.label)) } }
                                            td class=(match_class(line.status)) data-status=(match_status_name(line.status)) {
                                                (match_status_name(line.status)) br; span.small { (line.words) }
                                                @if let Some(gap) = line.level_gap.filter(|g| *g > 0) { br; span.small { (gap) " level(s) below the minimum" } }
                                            }
                                            td {
                                                @if line.evidence.is_empty() { "—" }
                                                ul.evidence {
                                                    @for e in &line.evidence {
                                                        li {
                                                            @match link(&e.credential) {
                                                                Some(href) => a href=(href) { bdi { (clean(e.achievement.as_deref().unwrap_or(&e.credential))) } },
                                                                None => bdi { (clean(e.achievement.as_deref().unwrap_or(&e.credential))) },
                                                            }
                                                            " " span class={ "tag " (verification_class(e.verification)) } { (e.verification.word()) }
                                                            @if e.path.len() > 1 {
                                                                br; span.small {
                                                                    "via "
                                                                    @for (i, iri) in e.path.iter().enumerate() {
                                                                        @if i > 0 { " → " }
                                                                        @match name(iri) {
                                                                            Some(label) => abbr title=(clean(iri)) { bdi { (clean(&label)) } },
                                                                            None => (clean(iri)),
                                                                        }
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        p.small {
                            a href={ (paths::candidate_export(c.person)) "?format=pdf&job=" (paths::encode(job_id)) } { "Report against this job (PDF)" }
                        }
                    }
                }
            }
            (attributions())
        },
    )
}
