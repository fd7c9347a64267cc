//! Validated newtypes: each parses its input once and can then be trusted everywhere.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Auth0 allows at most this many metadata keys on an organization.
pub const METADATA_MAX_KEYS: usize = 25;
/// Auth0 allows metadata values (and keys) of at most this many characters.
pub const METADATA_MAX_VALUE_LEN: usize = 255;

/// A rule that an input broke, with the field it concerns and words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    /// The field the rule belongs to, as named in the API (`name`, `branding.colors.primary`).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ValidationError {
    pub(crate) fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The same error, reported under another field name (for nested objects).
    #[must_use]
    pub fn at(mut self, field: &str) -> Self {
        self.field = field.to_owned();
        self
    }
}

macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The validated text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ValidationError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::parse(value)
            }
        }
    };
}

string_newtype!(
    /// An Auth0 organization id: `org_` followed by letters and digits.
    OrgId
);

impl OrgId {
    /// Parses an organization id such as `org_0aKUH2ZMpYQJyGCh`.
    ///
    /// # Errors
    /// When the text is not `org_` followed by 1–64 ASCII letters or digits.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let rest = value.strip_prefix("org_").unwrap_or("");
        if rest.is_empty() || rest.len() > 64 || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ValidationError::new(
                "id",
                "An organization id looks like org_ followed by letters and digits.",
            ));
        }
        Ok(Self(value.to_owned()))
    }
}

string_newtype!(
    /// An organization's name, used in URLs and by Auth0 sign-in: `^[a-z0-9_-]{1,50}$`.
    OrgName
);

impl OrgName {
    /// The longest name Auth0 accepts.
    pub const MAX_LEN: usize = 50;

    /// Parses an organization name.
    ///
    /// # Errors
    /// When it is empty, longer than 50 characters, or uses anything but lower-case letters,
    /// digits, `-` and `_`.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        if value.is_empty() {
            return Err(ValidationError::new("name", "A name is required."));
        }
        if value.len() > Self::MAX_LEN {
            return Err(ValidationError::new(
                "name",
                format!("A name has at most {} characters.", Self::MAX_LEN),
            ));
        }
        if let Some(bad) = value
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
        {
            return Err(ValidationError::new(
                "name",
                format!(
                    "“{bad}” is not allowed: use lower-case letters, digits, “-” and “_” only."
                ),
            ));
        }
        Ok(Self(value.to_owned()))
    }
}

string_newtype!(
    /// The name people see: 1–255 characters.
    DisplayName
);

impl DisplayName {
    /// The longest display name Auth0 accepts.
    pub const MAX_LEN: usize = 255;

    /// Parses a display name.
    ///
    /// # Errors
    /// When it is blank or longer than 255 characters.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        if value.trim().is_empty() {
            return Err(ValidationError::new(
                "display_name",
                "A display name is required.",
            ));
        }
        if value.chars().count() > Self::MAX_LEN {
            return Err(ValidationError::new(
                "display_name",
                format!("A display name has at most {} characters.", Self::MAX_LEN),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "display_name",
                "A display name cannot contain control characters.",
            ));
        }
        Ok(Self(value.to_owned()))
    }
}

string_newtype!(
    /// A logo address: `https://` only, with a host and no credentials in it.
    LogoUrl
);

impl LogoUrl {
    /// The longest address accepted.
    pub const MAX_LEN: usize = 2048;

    /// Parses a logo URL.
    ///
    /// # Errors
    /// When it is not an `https://` address with a host, carries a user name or password,
    /// contains spaces or control characters, or is longer than 2048 characters.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let field = "branding.logo_url";
        if value.len() > Self::MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("A logo URL has at most {} characters.", Self::MAX_LEN),
            ));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ValidationError::new(
                field,
                "A logo URL cannot contain spaces.",
            ));
        }
        let Some(rest) = value
            .get(..8)
            .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
            .map(|_| &value[8..])
        else {
            return Err(ValidationError::new(
                field,
                "A logo URL must start with https://.",
            ));
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            return Err(ValidationError::new(
                field,
                "A logo URL cannot contain a user name or password.",
            ));
        }
        let host = authority
            .rsplit_once(':')
            .map_or(authority, |(host, port)| {
                if port.bytes().all(|b| b.is_ascii_digit()) {
                    host
                } else {
                    authority
                }
            });
        if host.is_empty() || host.contains('\\') {
            return Err(ValidationError::new(field, "A logo URL needs a host name."));
        }
        Ok(Self(value.to_owned()))
    }
}

string_newtype!(
    /// A colour, always stored as lower-case `#rrggbb`.
    Color
);

impl Color {
    /// Parses `#RGB` or `#RRGGBB` in any case and normalises it to lower-case `#rrggbb`.
    ///
    /// # Errors
    /// When the text is not `#` followed by 3 or 6 hexadecimal digits.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let hex = value.strip_prefix('#').unwrap_or("");
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) || !(hex.len() == 3 || hex.len() == 6) {
            return Err(ValidationError::new(
                "color",
                "A colour is # followed by 3 or 6 hexadecimal digits, like #0000ff.",
            ));
        }
        let hex = hex.to_ascii_lowercase();
        let full = if hex.len() == 3 {
            hex.chars().flat_map(|c| [c, c]).collect()
        } else {
            hex
        };
        Ok(Self(format!("#{full}")))
    }

    /// The red, green and blue channels.
    #[must_use]
    pub fn rgb(&self) -> (u8, u8, u8) {
        let channel = |i: usize| u8::from_str_radix(&self.0[i..i + 2], 16).unwrap_or(0);
        (channel(1), channel(3), channel(5))
    }
}

/// An organization's metadata: at most 25 keys, each value a string of at most 255 characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<String, String>",
    into = "BTreeMap<String, String>"
)]
pub struct Metadata(BTreeMap<String, String>);

impl Metadata {
    /// Checks a whole metadata object against Auth0's limits.
    ///
    /// # Errors
    /// When there are more than 25 keys, a key is empty or too long, or a value is too long.
    pub fn parse(map: BTreeMap<String, String>) -> Result<Self, ValidationError> {
        if map.len() > METADATA_MAX_KEYS {
            return Err(ValidationError::new(
                "metadata",
                format!(
                    "Metadata has at most {METADATA_MAX_KEYS} keys; this has {}.",
                    map.len()
                ),
            ));
        }
        for (key, value) in &map {
            let field = format!("metadata.{key}");
            if key.trim().is_empty() {
                return Err(ValidationError::new(
                    "metadata",
                    "A metadata key cannot be empty.",
                ));
            }
            if key.chars().count() > METADATA_MAX_VALUE_LEN {
                return Err(ValidationError::new(
                    "metadata",
                    format!("A metadata key has at most {METADATA_MAX_VALUE_LEN} characters."),
                ));
            }
            let len = value.chars().count();
            if len > METADATA_MAX_VALUE_LEN {
                return Err(ValidationError::new(
                    &field,
                    format!(
                        "“{key}” has {len} characters; a metadata value has at most {METADATA_MAX_VALUE_LEN}."
                    ),
                ));
            }
        }
        Ok(Self(map))
    }

    /// The keys and values, ordered by key.
    #[must_use]
    pub fn entries(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// One value.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Whether there is no metadata at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many keys are used.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl TryFrom<BTreeMap<String, String>> for Metadata {
    type Error = ValidationError;
    fn try_from(map: BTreeMap<String, String>) -> Result<Self, Self::Error> {
        Self::parse(map)
    }
}

impl From<Metadata> for BTreeMap<String, String> {
    fn from(value: Metadata) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn org_name_accepts_the_seed_scenario_name() {
        assert_eq!(
            OrgName::parse("ai-organization").map(|n| n.to_string()),
            Ok("ai-organization".into())
        );
    }

    #[test]
    fn org_name_rejects_upper_case_spaces_and_overlong_names() {
        for bad in ["AI", "ai organization", "", "ai.org", &"a".repeat(51)] {
            let err = OrgName::parse(bad).expect_err(bad);
            assert_eq!(err.field, "name");
        }
        assert!(OrgName::parse(&"a".repeat(50)).is_ok());
    }

    #[test]
    fn display_name_limits_are_in_characters_not_bytes() {
        assert!(DisplayName::parse(&"é".repeat(255)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(256)).is_err());
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("AI Organization").is_ok());
    }

    #[test]
    fn colours_are_normalised_to_lower_case_six_digits() {
        assert_eq!(
            Color::parse("#0000FF").map(String::from),
            Ok("#0000ff".into())
        );
        assert_eq!(Color::parse("#abc").map(String::from), Ok("#aabbcc".into()));
        assert_eq!(Color::parse("#0000ff").map(|c| c.rgb()), Ok((0, 0, 255)));
        for bad in ["#12345", "0000ff", "#gggggg", "#", "", "#1234567", "blue"] {
            assert!(Color::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn logo_url_must_be_https_without_credentials() {
        assert!(LogoUrl::parse("https://cdn.example.com/logo.png").is_ok());
        assert!(LogoUrl::parse("HTTPS://cdn.example.com:8443/l.svg?v=2").is_ok());
        for bad in [
            "http://cdn.example.com/logo.png",
            "javascript:alert(1)",
            "https://user:pass@cdn.example.com/logo.png",
            "https://evil@cdn.example.com/",
            "https:///logo.png",
            "https://cdn.example.com/my logo.png",
            "data:image/png;base64,AAAA",
            "//cdn.example.com/logo.png",
        ] {
            let err = LogoUrl::parse(bad).expect_err(bad);
            assert_eq!(err.field, "branding.logo_url");
        }
    }

    #[test]
    fn org_ids_must_look_like_auth0_ids() {
        assert!(OrgId::parse("org_0aKUH2ZMpYQJyGCh").is_ok());
        for bad in [
            "org_",
            "0aKUH2ZMpYQJyGCh",
            "org_abc/../x",
            "org_a b",
            "ORG_abc",
        ] {
            assert!(OrgId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn metadata_allows_25_keys_and_255_character_values() {
        let full: BTreeMap<_, _> = (0..25)
            .map(|i| (format!("k{i}"), "v".repeat(255)))
            .collect();
        assert!(Metadata::parse(full.clone()).is_ok());

        let mut too_many = full.clone();
        too_many.insert("k25".into(), "v".into());
        assert_eq!(
            Metadata::parse(too_many).map_err(|e| e.field),
            Err("metadata".into())
        );

        let mut too_long = BTreeMap::new();
        too_long.insert("tenant_id".into(), "x".repeat(256));
        assert_eq!(
            Metadata::parse(too_long).map_err(|e| e.field),
            Err("metadata.tenant_id".into())
        );
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<Color>("\"#12345\"").is_err());
        assert_eq!(
            serde_json::from_str::<Color>("\"#FFF\"")
                .ok()
                .map(String::from),
            Some("#ffffff".into())
        );
    }

    proptest! {
        #[test]
        fn any_valid_name_round_trips(name in "[a-z0-9_-]{1,50}") {
            prop_assert_eq!(OrgName::parse(&name).map(String::from), Ok(name));
        }

        #[test]
        fn names_with_any_other_character_are_refused(
            prefix in "[a-z0-9_-]{0,20}",
            bad in "[^a-z0-9_-]",
            suffix in "[a-z0-9_-]{0,20}",
        ) {
            let name = format!("{prefix}{bad}{suffix}");
            prop_assert!(OrgName::parse(&name).is_err());
        }

        #[test]
        fn display_names_of_1_to_255_printable_chars_are_accepted(name in "[^\\p{Cc}]{1,255}") {
            prop_assume!(!name.trim().is_empty());
            prop_assert!(DisplayName::parse(&name).is_ok());
        }

        #[test]
        fn any_colour_normalises_to_seven_lower_case_chars(hex in "[0-9a-fA-F]{6}|[0-9a-fA-F]{3}") {
            let color = Color::parse(&format!("#{hex}")).map(String::from);
            prop_assert!(color.is_ok());
            let color = color.unwrap_or_default();
            prop_assert_eq!(color.len(), 7);
            prop_assert_eq!(color.to_ascii_lowercase(), color.clone());
            // Normalising twice changes nothing.
            prop_assert_eq!(Color::parse(&color).map(String::from), Ok(color));
        }

        #[test]
        fn colour_parse_never_panics(text in ".{0,12}") {
            let _ = Color::parse(&text);
        }

        #[test]
        fn wrong_length_hex_is_refused(hex in "[0-9a-f]{0,9}") {
            prop_assume!(hex.len() != 3 && hex.len() != 6);
            let text = format!("#{hex}");
            prop_assert!(Color::parse(&text).is_err());
        }

        #[test]
        fn https_urls_with_plain_hosts_are_accepted(host in "[a-z][a-z0-9-]{0,20}(\\.[a-z]{2,6}){1,2}", path in "(/[a-zA-Z0-9._-]{1,10}){0,3}") {
            let url = format!("https://{host}{path}");
            prop_assert!(LogoUrl::parse(&url).is_ok(), "{}", url);
        }

        #[test]
        fn other_schemes_are_refused(scheme in "[a-z]{2,10}", rest in "[a-z./]{1,20}") {
            prop_assume!(scheme != "https");
            let url = format!("{scheme}://{rest}");
            prop_assert!(LogoUrl::parse(&url).is_err());
        }

        #[test]
        fn metadata_key_count_limit_is_exact(n in 0usize..40) {
            let map: BTreeMap<_, _> = (0..n).map(|i| (format!("key{i}"), "v".to_owned())).collect();
            prop_assert_eq!(Metadata::parse(map).is_ok(), n <= METADATA_MAX_KEYS);
        }

        #[test]
        fn metadata_value_length_limit_is_exact(len in 0usize..400) {
            let map = BTreeMap::from([("k".to_owned(), "é".repeat(len))]);
            prop_assert_eq!(Metadata::parse(map).is_ok(), len <= METADATA_MAX_VALUE_LEN);
        }
    }
}
