//! Sign-in with Auth0: the proxy is a confidential OpenID Connect client (authorization code
//! flow with PKCE S256, `state` and `nonce` single-use), and ID tokens are validated per
//! RFC 8725: RS256 only, whatever the header says; `iss` exact; `aud` (and `azp` when there are
//! several audiences); `exp`, `nbf` and `iat` with at most 60 s of leeway; the signing key from
//! the issuer's JWKS, cached, refetched at most once per unknown `kid` and kept when the JWKS
//! endpoint is down.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// tokio's clock, which tests can move forward (it is the system's monotonic clock otherwise).
use tokio::time::Instant;

use base64::Engine as _;
use cookie::SameSite;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::text::Secret;

/// How long a clock may be off.
pub const LEEWAY_SECS: u64 = 60;
/// How long a started sign-in may take.
pub const LOGIN_TTL_SECS: i64 = 600;
/// The soonest the JWKS is fetched again for the same unknown key id.
const UNKNOWN_KID_RETRY: Duration = Duration::from_secs(300);
/// The soonest the JWKS is fetched again at all.
const JWKS_MIN_INTERVAL: Duration = Duration::from_secs(1);

/// orgdesk's own application at the identity provider.
#[derive(Debug, Clone)]
pub struct SignInConfig {
    /// The issuer, exactly as tokens carry it (Auth0's ends with `/`).
    pub issuer: String,
    /// orgdesk's client id.
    pub client_id: String,
    /// orgdesk's client secret.
    pub client_secret: Secret,
    /// `{public_url}/auth/callback`, registered exactly at the provider.
    pub redirect_uri: String,
    /// Where Auth0 sends people after signing out (`{public_url}/auth/login`).
    pub logout_return_to: String,
    /// The tenant role whose holders are platform admins.
    pub platform_admin_role: String,
    /// The organization role whose holders are that org's admins.
    pub org_admin_role: String,
}

/// The provider's metadata.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    /// Must equal the configured issuer.
    pub issuer: String,
    /// Where the browser is sent.
    pub authorization_endpoint: String,
    /// Where codes become tokens.
    pub token_endpoint: String,
    /// The signing keys.
    pub jwks_uri: String,
    /// RP-initiated logout, when the provider offers it.
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

/// Why a sign-in was refused. The message is for the person; nothing secret is in it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SignInError {
    /// The provider cannot be reached or answers nonsense.
    #[error("The sign-in service is not answering: {0}")]
    Provider(String),
    /// The flow is broken: missing or used transaction, state mismatch, provider error.
    #[error("{0}")]
    Flow(String),
    /// The ID token is not acceptable.
    #[error("The sign-in could not be verified ({0}). Nothing was signed in.")]
    Token(String),
    /// Verified, but this person may not use orgdesk (as asked).
    #[error("{0}")]
    Denied(String),
}

/// What a verified ID token says about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdClaims {
    /// Their user id (`auth0|…`).
    pub sub: String,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their picture.
    pub picture: Option<String>,
    /// The organization they signed in to, if any.
    pub org_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawClaims {
    sub: String,
    aud: Value,
    #[serde(default)]
    azp: Option<String>,
    iat: i64,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    picture: Option<String>,
    #[serde(default)]
    org_id: Option<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    id_token: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
    tried_for: HashMap<String, Instant>,
}

/// The OIDC client.
pub struct Oidc {
    config: SignInConfig,
    http: reqwest::Client,
    discovery: tokio::sync::Mutex<Option<Arc<Discovery>>>,
    keys: Mutex<KeyCache>,
    jwks_fetches: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.config.issuer)
            .finish_non_exhaustive()
    }
}

/// `base64url(SHA-256(verifier))`, the S256 code challenge.
#[must_use]
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn encode(text: &str) -> String {
    crate::text::encode_segment(text)
}

fn now_secs() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
    .unwrap_or(i64::MAX)
}

/// Compares secrets in time that does not depend on where they differ.
#[must_use]
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Oidc {
    /// A client; nothing is fetched until the first sign-in.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(config: SignInConfig) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| err.to_string())?;
        Ok(Self {
            config,
            http,
            discovery: tokio::sync::Mutex::new(None),
            keys: Mutex::new(KeyCache::default()),
            jwks_fetches: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &SignInConfig {
        &self.config
    }

    /// How many times the JWKS was fetched (for tests of the refetch rule).
    pub fn jwks_fetches(&self) -> u64 {
        self.jwks_fetches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A JSON document from the provider (metadata, keys).
    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, SignInError> {
        let unreachable =
            |err: reqwest::Error| SignInError::Provider(err.without_url().to_string());
        self.http
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(unreachable)?
            .json()
            .await
            .map_err(unreachable)
    }

    /// The provider's metadata, fetched once.
    ///
    /// # Errors
    /// When it cannot be fetched or names another issuer.
    pub async fn discovery(&self) -> Result<Arc<Discovery>, SignInError> {
        let mut guard = self.discovery.lock().await;
        if let Some(found) = guard.as_ref() {
            return Ok(found.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.config.issuer.trim_end_matches('/')
        );
        let found: Discovery = self.get_json(&url).await?;
        if found.issuer != self.config.issuer {
            return Err(SignInError::Provider(format!(
                "the provider calls itself {}, not {}",
                found.issuer, self.config.issuer
            )));
        }
        let found = Arc::new(found);
        *guard = Some(found.clone());
        Ok(found)
    }

    /// Where to send the browser to sign in.
    ///
    /// # Errors
    /// When the provider's metadata cannot be had.
    pub async fn authorize_url(
        &self,
        state: &str,
        nonce: &str,
        verifier: &str,
        organization: Option<&str>,
    ) -> Result<String, SignInError> {
        let discovery = self.discovery().await?;
        let mut url = format!(
            "{}?response_type=code&client_id={}&redirect_uri={}&scope=openid%20profile%20email&state={}&nonce={}&code_challenge={}&code_challenge_method=S256",
            discovery.authorization_endpoint,
            encode(&self.config.client_id),
            encode(&self.config.redirect_uri),
            encode(state),
            encode(nonce),
            pkce_challenge(verifier),
        );
        if let Some(org) = organization {
            url.push_str("&organization=");
            url.push_str(&encode(org));
        }
        Ok(url)
    }

    /// Trades an authorization code for the ID token.
    ///
    /// # Errors
    /// When the provider refuses the code (used, expired, wrong verifier) or cannot be reached.
    pub async fn exchange(&self, code: &str, verifier: &str) -> Result<String, SignInError> {
        let discovery = self.discovery().await?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.config.redirect_uri.as_str()),
            ("code_verifier", verifier),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose()),
        ];
        let response = self
            .http
            .post(&discovery.token_endpoint)
            .form(&form)
            .send()
            .await
            .map_err(|err| SignInError::Provider(err.without_url().to_string()))?;
        let status = response.status();
        let answer: TokenAnswer = response
            .json()
            .await
            .map_err(|err| SignInError::Provider(err.without_url().to_string()))?;
        match answer.id_token {
            Some(token) if status.is_success() => Ok(token),
            _ => Err(SignInError::Flow(format!(
                "The sign-in service refused the sign-in ({}). Start again.",
                answer.error.unwrap_or_else(|| status.to_string())
            ))),
        }
    }

    async fn fetch_keys(&self) -> Result<(), SignInError> {
        let discovery = self.discovery().await?;
        self.jwks_fetches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let set: JwkSet = self.get_json(&discovery.jwks_uri).await?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            if !matches!(jwk.algorithm, AlgorithmParameters::RSA(_)) {
                continue;
            }
            if let (Some(kid), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk)) {
                keys.insert(kid, key);
            }
        }
        let mut cache = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.keys = keys;
        cache.fetched_at = Some(Instant::now());
        Ok(())
    }

    /// The key for `kid`: cached, or fetched once for a key id not seen before.
    async fn key(&self, kid: &str) -> Result<DecodingKey, SignInError> {
        let refetch = {
            let mut cache = self
                .keys
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(key) = cache.keys.get(kid) {
                return Ok(key.clone());
            }
            let recently_tried = cache
                .tried_for
                .get(kid)
                .is_some_and(|at| at.elapsed() < UNKNOWN_KID_RETRY);
            let recently_fetched = cache
                .fetched_at
                .is_some_and(|at| at.elapsed() < JWKS_MIN_INTERVAL);
            let first_fetch = cache.fetched_at.is_none();
            if first_fetch || (!recently_tried && !recently_fetched) {
                cache.tried_for.insert(kid.to_owned(), Instant::now());
                true
            } else {
                false
            }
        };
        if refetch {
            if let Err(err) = self.fetch_keys().await {
                // Keep the keys we have; this token cannot be checked.
                tracing::warn!(error = %err, "could not fetch the signing keys");
            }
        }
        let cache = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| SignInError::Token("unknown signing key".into()))
    }

    /// Verifies an ID token for this client, this nonce and, when one was asked for, this org.
    ///
    /// # Errors
    /// Every way a token can be unacceptable, each refused with no session made.
    pub async fn validate(
        &self,
        token: &str,
        nonce: &str,
        organization: Option<&str>,
    ) -> Result<IdClaims, SignInError> {
        let bad = |what: &str| SignInError::Token(what.to_owned());
        // The header is read only to pick the key; the algorithm is pinned, never taken from it.
        let header = jsonwebtoken::decode_header(token).map_err(|_| bad("unreadable token"))?;
        if header.alg != Algorithm::RS256 {
            return Err(bad("not signed with RS256"));
        }
        let kid = header.kid.ok_or_else(|| bad("no key id"))?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[self.config.issuer.as_str()]);
        validation.set_audience(&[self.config.client_id.as_str()]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<RawClaims>(token, &key, &validation).map_err(|err| {
            use jsonwebtoken::errors::ErrorKind;
            bad(match err.kind() {
                ErrorKind::ExpiredSignature => "expired",
                ErrorKind::ImmatureSignature => "not valid yet",
                ErrorKind::InvalidIssuer => "wrong issuer",
                ErrorKind::InvalidAudience => "wrong audience",
                ErrorKind::InvalidSignature => "bad signature",
                ErrorKind::MissingRequiredClaim(_) => "a required claim is missing",
                _ => "invalid token",
            })
        })?;
        let claims = data.claims;
        if let Value::Array(audiences) = &claims.aud {
            if audiences.len() > 1 && claims.azp.as_deref() != Some(self.config.client_id.as_str())
            {
                return Err(bad("issued to another party"));
            }
        }
        if claims.iat > now_secs() + i64::try_from(LEEWAY_SECS).unwrap_or(60) {
            return Err(bad("issued in the future"));
        }
        if !claims
            .nonce
            .as_deref()
            .is_some_and(|n| same_secret(n, nonce))
        {
            return Err(bad("nonce mismatch"));
        }
        if let Some(asked) = organization {
            if claims.org_id.as_deref() != Some(asked) {
                return Err(bad("signed in to another organization"));
            }
        }
        Ok(IdClaims {
            email: claims.email.unwrap_or_default(),
            name: claims.name.unwrap_or_default(),
            picture: claims.picture,
            org_id: claims.org_id,
            sub: claims.sub,
        })
    }

    /// Where to send the browser to end the provider's session too.
    pub async fn logout_url(&self) -> String {
        let return_to = encode(&self.config.logout_return_to);
        let client_id = encode(&self.config.client_id);
        match self
            .discovery()
            .await
            .ok()
            .and_then(|d| d.end_session_endpoint.clone())
        {
            Some(end) => {
                format!("{end}?client_id={client_id}&post_logout_redirect_uri={return_to}")
            }
            None => format!(
                "{}/v2/logout?client_id={client_id}&returnTo={return_to}",
                self.config.issuer.trim_end_matches('/')
            ),
        }
    }
}

/// A started sign-in, kept server-side until the callback uses it once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginTransaction {
    /// Sent as `state`, compared on return.
    pub state: String,
    /// Sent as `nonce`, compared with the ID token's.
    pub nonce: String,
    /// The PKCE verifier.
    pub verifier: String,
    /// A safe local path to land on.
    pub return_to: String,
    /// The organization asked for.
    pub organization: Option<String>,
}

/// The pre-login cookie's name.
#[must_use]
pub fn login_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-orgdesk_login"
    } else {
        "orgdesk_login"
    }
}

/// The pre-login cookie: `Lax`, so that it comes back on the provider's redirect; minutes long.
#[must_use]
pub fn login_cookie(value: &str, secure: bool) -> String {
    super::set_cookie(
        login_cookie_name(secure),
        value,
        SameSite::Lax,
        LOGIN_TTL_SECS,
        secure,
    )
}

/// Removes the pre-login cookie.
#[must_use]
pub fn clear_login_cookie(secure: bool) -> String {
    super::set_cookie(login_cookie_name(secure), "", SameSite::Lax, 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
