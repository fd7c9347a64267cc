//! Prometheus metrics: counters, gauges and latency histograms kept in process memory and
//! rendered as the text exposition format on the separate metrics address (`--metrics-listen`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::Duration;

/// The process's metrics.
pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::default);

/// Upper bounds of the latency histograms, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Every family orgdesk exposes: name, type, help. Families are listed even before their first
/// sample, so that a dashboard finds them on a quiet instance.
const FAMILIES: &[(&str, &str, &str)] = &[
    ("orgdesk_http_requests_total", "counter", "HTTP requests answered, by route and status."),
    ("orgdesk_http_request_duration_seconds", "histogram", "Time to answer an HTTP request, by route."),
    ("orgdesk_auth0_calls_total", "counter", "Management API calls, by operation and status."),
    ("orgdesk_auth0_rate_limited_total", "counter", "Auth0 429s and spent budgets, by outcome: waited out or refused (503)."),
    ("orgdesk_auth0_budget_remaining", "gauge", "Management API requests left in the current rate-limit window, as Auth0 last said."),
    ("orgdesk_auth0_token_fetches_total", "counter", "Management API tokens fetched, by outcome."),
    ("orgdesk_sessions_active", "gauge", "Sessions neither ended nor expired."),
    ("orgdesk_db_busy_waits_total", "counter", "Writes that queued behind another write for the database's writer."),
    ("orgdesk_db_busy_refusals_total", "counter", "Requests answered 503 because the database stayed busy past the deadline."),
    ("orgdesk_audit_write_failures_total", "counter", "Audit rows that could not be written (the change was applied; the entry went to the error log)."),
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The registry.
#[derive(Debug, Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, String), u64>>,
    gauges: Mutex<BTreeMap<&'static str, i64>>,
    histograms: Mutex<BTreeMap<(&'static str, String), Histogram>>,
}

/// Renders label pairs as `{a="x",b="y"}`, escaping values as the format requires.
fn labels(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{k}=\"{v}\"")
        })
        .collect();
    format!("{{{}}}", inner.join(","))
}

impl Metrics {
    /// Adds one to a counter.
    pub fn inc(&self, name: &'static str, pairs: &[(&str, &str)]) {
        let mut counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        *counters.entry((name, labels(pairs))).or_insert(0) += 1;
    }

    /// Sets a gauge.
    pub fn set(&self, name: &'static str, value: i64) {
        self.gauges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name, value);
    }

    /// Notes one observation of a duration.
    pub fn observe(&self, name: &'static str, pairs: &[(&str, &str)], took: Duration) {
        let seconds = took.as_secs_f64();
        let mut histograms = self
            .histograms
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let h = histograms.entry((name, labels(pairs))).or_default();
        for (bound, count) in BUCKETS.iter().zip(h.counts.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// One request answered.
    pub fn request(&self, route: &str, method: &str, status: u16, took: Duration) {
        let status = status.to_string();
        self.inc(
            "orgdesk_http_requests_total",
            &[("route", route), ("method", method), ("status", &status)],
        );
        self.observe(
            "orgdesk_http_request_duration_seconds",
            &[("route", route)],
            took,
        );
    }

    /// A write queued behind another.
    pub fn db_busy_wait(&self) {
        self.inc("orgdesk_db_busy_waits_total", &[]);
    }

    /// The text exposition format (version 0.0.4).
    #[must_use]
    pub fn render(&self) -> String {
        let counters = self
            .counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let gauges = self
            .gauges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let histograms = self
            .histograms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let mut out = String::new();
        for (family, kind, help) in FAMILIES {
            let _ = writeln!(out, "# HELP {family} {help}");
            let _ = writeln!(out, "# TYPE {family} {kind}");
            match *kind {
                "counter" => {
                    let mut any = false;
                    for ((name, labels), value) in &counters {
                        if name == family {
                            any = true;
                            let _ = writeln!(out, "{name}{labels} {value}");
                        }
                    }
                    if !any {
                        let _ = writeln!(out, "{family} 0");
                    }
                }
                "gauge" => {
                    let _ = writeln!(out, "{family} {}", gauges.get(family).copied().unwrap_or(0));
                }
                _ => {
                    for ((name, labels), h) in &histograms {
                        if name != family {
                            continue;
                        }
                        let inner = labels.trim_start_matches('{').trim_end_matches('}');
                        let sep = if inner.is_empty() { "" } else { "," };
                        for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                            let _ = writeln!(
                                out,
                                "{name}_bucket{{{inner}{sep}le=\"{bound}\"}} {count}"
                            );
                        }
                        let _ =
                            writeln!(out, "{name}_bucket{{{inner}{sep}le=\"+Inf\"}} {}", h.count);
                        let _ = writeln!(out, "{name}_sum{labels} {}", h.sum);
                        let _ = writeln!(out, "{name}_count{labels} {}", h.count);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_histograms_and_gauges_render_in_the_text_format() {
        let m = Metrics::default();
        m.request("/api/orgs", "GET", 200, Duration::from_millis(3));
        m.request("/api/orgs", "GET", 200, Duration::from_millis(30));
        m.inc(
            "orgdesk_auth0_calls_total",
            &[("operation", "get \"org\""), ("status", "200")],
        );
        m.set("orgdesk_sessions_active", 4);
        let text = m.render();
        assert!(text.contains(
            "orgdesk_http_requests_total{route=\"/api/orgs\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "orgdesk_http_request_duration_seconds_bucket{route=\"/api/orgs\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "orgdesk_http_request_duration_seconds_bucket{route=\"/api/orgs\",le=\"+Inf\"} 2"
        ));
        assert!(text
            .contains("orgdesk_auth0_calls_total{operation=\"get \\\"org\\\"\",status=\"200\"} 1"));
        assert!(text.contains("orgdesk_sessions_active 4"));
        assert!(text.contains("orgdesk_audit_write_failures_total 0"));
    }
}
