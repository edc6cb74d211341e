//! Prometheus counters kept by hand (a handful of atomics and one map under a mutex): requests
//! by route, method and status; latency histograms by route; verdicts by endpoint. Rendered as
//! text exposition format 0.0.4 at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

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

#[derive(Debug, Default)]
struct Counters {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    verdicts: BTreeMap<(&'static str, String), u64>,
}

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics(Mutex<Counters>);

impl Metrics {
    /// Counts one request.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let Ok(mut counters) = self.0.lock() else {
            return;
        };
        *counters
            .requests
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default() += 1;
        let histogram = counters.latency.entry(route.to_owned()).or_default();
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
            *counters
                .verdicts
                .entry((endpoint, verdict.to_owned()))
                .or_default() += 1;
        }
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(counters) = self.0.lock() else {
            return out;
        };
        out.push_str("# HELP credbridge_http_requests_total HTTP requests by route, method and status.\n# TYPE credbridge_http_requests_total counter\n");
        for ((route, method, status), n) in &counters.requests {
            let _ = writeln!(
                out,
                "credbridge_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP credbridge_http_request_duration_seconds Request latency by route.\n# TYPE credbridge_http_request_duration_seconds histogram\n");
        for (route, h) in &counters.latency {
            let route = escape(route);
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

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware: times and counts every request under its route template (unknown routes are
/// counted as `unmatched`, so a scan cannot grow the map).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH") => m.to_owned(),
        _ => "other".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}
