//! Small text helpers several parts share: a secret that never reaches a log, the
//! percent-encoding of one URL component, and HTML escaping for the pages the proxy writes.

/// A value that must never reach a log.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that sends it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Percent-encodes one path segment: user ids carry `|`, and no id may add a segment.
#[must_use]
pub fn encode_segment(segment: &str) -> String {
    if segment.bytes().all(|b| b == b'.') {
        // `.` and `..` would be resolved away by URL parsing.
        return "%2E".repeat(segment.len());
    }
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Escapes text for HTML element content and quoted attribute values (`&`, `<`, `>`, `"`
/// and `'`).
#[must_use]
pub fn escape_html(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).into_owned()
}
