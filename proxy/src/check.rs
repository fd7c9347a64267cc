//! `orgdesk check`: is the real-mode configuration usable against the tenant?

use std::sync::Arc;

use crate::config::{FileConfig, REQUIRED_SCOPES};
use crate::directory::auth0::api::Paging;
use crate::directory::auth0::client::{Auth0Client, CallError, TokenError};

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Whether this part is fine.
    pub ok: bool,
    /// What was checked and what was found, in words.
    pub text: String,
}

/// Everything `orgdesk check` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// In the order checked.
    pub findings: Vec<Finding>,
    /// Scopes the token lacks.
    pub missing_scopes: Vec<String>,
}

impl Report {
    /// Whether real mode will work.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.findings.iter().all(|f| f.ok)
    }

    fn push(&mut self, ok: bool, text: impl Into<String>) {
        self.findings.push(Finding {
            ok,
            text: text.into(),
        });
    }
}

/// Checks the configuration; `env` reads the environment (a parameter so tests can set it).
pub async fn check(config: &FileConfig, env: &dyn Fn(&str) -> Option<String>) -> Report {
    let mut report = Report::default();
    let real = match config.real_mode(env) {
        Ok(real) => real,
        Err(err) => {
            report.push(false, format!("configuration: {err}"));
            return report;
        }
    };
    report.push(
        true,
        format!(
            "configuration: tenant {}, machine-to-machine client {}",
            real.app.domain, real.client.client_id
        ),
    );
    let base = real.client.base_url.clone();
    let client = match Auth0Client::new(real.client) {
        Ok(client) => Arc::new(client),
        Err(err) => {
            report.push(false, format!("HTTP client: {err}"));
            return report;
        }
    };
    let scopes = match client.granted_scopes().await {
        Ok(scopes) => {
            report.push(true, "token: Auth0 issued a Management API token");
            scopes
        }
        Err(TokenError::Refused {
            error, description, ..
        }) => {
            report.push(
                false,
                format!(
                    "token: Auth0 refused the client credentials ({error}: {description}). Check auth0.client_id and the secret, and that the application is authorized for the Management API."
                ),
            );
            return report;
        }
        Err(TokenError::Unreachable(detail)) => {
            report.push(
                false,
                format!(
                    "token: cannot reach {base} ({detail}). Check auth0.domain and the network."
                ),
            );
            return report;
        }
        Err(TokenError::Decode(detail)) => {
            report.push(
                false,
                format!("token: {base} did not answer like an Auth0 tenant ({detail}). Check auth0.domain."),
            );
            return report;
        }
    };
    report.missing_scopes = REQUIRED_SCOPES
        .iter()
        .filter(|needed| !scopes.iter().any(|s| s == *needed))
        .map(|s| (*s).to_owned())
        .collect();
    if report.missing_scopes.is_empty() {
        report.push(
            true,
            format!("scopes: all {} granted", REQUIRED_SCOPES.len()),
        );
    } else {
        let text = format!(
            "scopes: {} missing — grant them to the application under APIs → Auth0 Management API → Machine to Machine Applications: {}",
            report.missing_scopes.len(),
            report.missing_scopes.join(", ")
        );
        report.push(false, text);
    }
    match client.list_organizations(&Paging::offset(0, 1)).await {
        Ok(page) => report.push(
            true,
            format!(
                "organizations: readable ({} in the tenant)",
                page.total.unwrap_or(page.organizations.len() as u64)
            ),
        ),
        Err(CallError::Status { status, body }) => report.push(
            false,
            format!("organizations: Auth0 answered {status}: {}", body.message),
        ),
        Err(err) => report.push(false, format!("organizations: {err}")),
    }
    report
}
