//! Prometheus counters kept by hand (a handful of atomics and one map under a mutex): requests
//! by route, method and status; latency histograms by route; verdicts by endpoint; and the
//! verifier's outbound fetches by purpose and outcome (kept by `credbridge-fetch`'s
//! [`FetchStats`]). Rendered as text exposition format 0.0.4 at `/metrics`.
//!
//! The request path costs one uncontended lock and no allocation once a route has been seen:
//! routes are looked up by `&str`, methods are a fixed set of `&'static str`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use credbridge_fetch::{FetchStats, purpose_label};

use crate::state::AppState;

/// Latency histogram bucket bounds, seconds.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default)]
struct Histogram {
    buckets: Vec<u64>,
    count: u64,
    sum: f64,
}

/// One route's counters.
#[derive(Debug, Default)]
struct Route {
    /// Requests by (method, status).
    requests: BTreeMap<(&'static str, u16), u64>,
    latency: Histogram,
}

#[derive(Debug, Default)]
struct Counters {
    routes: BTreeMap<String, Route>,
    verdicts: BTreeMap<(&'static str, String), u64>,
}

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics(Mutex<Counters>);

/// The method label: the usual methods by name, any other as `other` (so that a scan with
/// made-up methods cannot grow the map).
fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        "PATCH" => "PATCH",
        _ => "other",
    }
}

impl Metrics {
    /// Counts one request.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let method = method_label(method);
        let Ok(mut counters) = self.0.lock() else {
            return;
        };
        let route = match counters.routes.get_mut(route) {
            Some(known) => known,
            None => counters.routes.entry(route.to_owned()).or_default(),
        };
        *route.requests.entry((method, status)).or_default() += 1;
        let histogram = &mut route.latency;
        if histogram.buckets.is_empty() {
            histogram.buckets = vec![0; LATENCY_BUCKETS.len()];
        }
        for (bound, count) in LATENCY_BUCKETS.iter().zip(histogram.buckets.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// Counts one verdict given by `endpoint` (`verify`, `inbox`, `reverify`).
    pub fn verdict(&self, endpoint: &'static str, verdict: &str) {
        if let Ok(mut counters) = self.0.lock() {
            if let Some(n) = counters
                .verdicts
                .iter_mut()
                .find(|((e, v), _)| *e == endpoint && v == verdict)
                .map(|(_, n)| n)
            {
                *n += 1;
            } else {
                counters.verdicts.insert((endpoint, verdict.to_owned()), 1);
            }
        }
    }

    /// The exposition text of the server's own counters.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(counters) = self.0.lock() else {
            return out;
        };
        out.push_str("# HELP credbridge_http_requests_total HTTP requests by route, method and status.\n# TYPE credbridge_http_requests_total counter\n");
        for (route, counts) in &counters.routes {
            let route = escape(route);
            for ((method, status), n) in &counts.requests {
                let _ = writeln!(
                    out,
                    "credbridge_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP credbridge_http_request_duration_seconds Request latency by route.\n# TYPE credbridge_http_request_duration_seconds histogram\n");
        for (route, counts) in &counters.routes {
            let route = escape(route);
            let h = &counts.latency;
            for (bound, count) in LATENCY_BUCKETS.iter().zip(&h.buckets) {
                let _ = writeln!(
                    out,
                    "credbridge_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "credbridge_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\ncredbridge_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\ncredbridge_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        out.push_str("# HELP credbridge_verdicts_total Verification verdicts by endpoint.\n# TYPE credbridge_verdicts_total counter\n");
        for ((endpoint, verdict), n) in &counters.verdicts {
            let _ = writeln!(
                out,
                "credbridge_verdicts_total{{endpoint=\"{endpoint}\",verdict=\"{}\"}} {n}",
                escape(verdict)
            );
        }
        out
    }
}

/// Appends the verifier's outbound fetch counters: `credbridge_fetches_total{purpose,outcome}`,
/// every pair listed from the start (zeros included) so that rates over them are defined.
pub fn render_fetches(stats: &FetchStats, out: &mut String) {
    out.push_str("# HELP credbridge_fetches_total Outbound fetches of the verifier by purpose and outcome (ok, cache_hit, offline, refused, timeout, http_error, too_large, other_error).\n# TYPE credbridge_fetches_total counter\n");
    for (purpose, outcome, n) in stats.counts() {
        let _ = writeln!(
            out,
            "credbridge_fetches_total{{purpose=\"{}\",outcome=\"{}\"}} {n}",
            purpose_label(purpose),
            outcome.label()
        );
    }
}

/// Everything `/metrics` shows: the server's counters, and the fetch counters when the
/// verifier fetches (an offline server has none).
pub fn exposition(state: &AppState) -> String {
    let mut out = state.metrics.render();
    if let Some(stats) = state.verifier.fetch_stats() {
        render_fetches(stats, &mut out);
    }
    out
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware: times and counts every request under its route template (unknown routes are
/// counted as `unmatched`, so a scan cannot grow the map).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = method_label(request.method().as_str());
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.request(
        route.as_ref().map_or("unmatched", MatchedPath::as_str),
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}
