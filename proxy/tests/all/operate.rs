//! The `orgdesk` binary as an operator runs it: JSON logs, the metrics address, and a SIGTERM
//! under load that lets every request in flight finish.

#![allow(clippy::unwrap_used)]

use crate::demo_http;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every family the metrics address must expose.
const FAMILIES: &[&str] = &[
    "orgdesk_http_requests_total",
    "orgdesk_http_request_duration_seconds",
    "orgdesk_auth0_calls_total",
    "orgdesk_auth0_rate_limited_total",
    "orgdesk_auth0_budget_remaining",
    "orgdesk_auth0_token_fetches_total",
    "orgdesk_sessions_active",
    "orgdesk_db_busy_waits_total",
    "orgdesk_db_busy_refusals_total",
    "orgdesk_audit_write_failures_total",
];

struct Orgdesk {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    public: SocketAddr,
    metrics: SocketAddr,
    _dir: tempfile::TempDir,
}

/// The message of a JSON log line.
fn message(line: &str) -> String {
    serde_json::from_str::<Value>(line)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn start() -> Orgdesk {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("orgdesk.toml");
    std::fs::write(&config, "[server]\nshutdown_drain_secs = 10\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgdesk"))
        .args(["--demo", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .args(["--metrics-listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--assets")
        .arg(dir.path().join("no-assets"))
        .arg("--config")
        .arg(&config)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    let keep = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            keep.lock().unwrap().push(line.clone());
            let _ = tx.send(line);
        }
    });
    let address = |text: &str, marker: &str| -> Option<SocketAddr> {
        let rest = &text[text.find(marker)? + marker.len()..];
        rest.split(['/', ' ']).next()?.parse().ok()
    };
    let (mut public, mut metrics) = (None, None);
    let deadline = Instant::now() + Duration::from_secs(30);
    while public.is_none() || metrics.is_none() {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("orgdesk starts");
        let text = message(&line);
        metrics = metrics.or_else(|| address(&text, "metrics on http://"));
        public = public.or_else(|| address(&text, "is ready on http://"));
    }
    Orgdesk {
        child,
        lines,
        public: public.unwrap(),
        metrics: metrics.unwrap(),
        _dir: dir,
    }
}

/// Sends a request whose body arrives in two halves, `pause` apart, and returns the whole raw
/// answer (the server closes the connection after it while shutting down).
async fn slow_sign_in(addr: SocketAddr, pause: Duration) -> Result<String, std::io::Error> {
    let mut stream = TcpStream::connect(addr).await?;
    let body = "persona=member&return_to=%2F";
    let head = format!(
        "POST /auth/demo-login HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&body.as_bytes()[..10]).await?;
    tokio::time::sleep(pause).await;
    stream.write_all(&body.as_bytes()[10..]).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_metrics_apart_and_a_sigterm_that_drains_under_load() {
    let mut orgdesk = start();
    let base = format!("http://{}", orgdesk.public);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();

    // Some traffic to log: a sign-in, a list, a refused change, an unknown route, probes.
    let demo_http::SignedIn { cookie, csrf } =
        demo_http::sign_in(&http, &base, "platform-admin").await;
    let list = http
        .get(format!("{base}/api/orgs?q=secret-search-text"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let refused = http
        .post(format!("{base}/api/orgs"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .header("origin", &base)
        .json(&serde_json::json!({"name": "Not A Valid Name!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(
        http.get(format!("{base}/api/nothing-here"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    for probe in ["/healthz", "/readyz"] {
        let response = http.get(format!("{base}{probe}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{probe}");
    }

    // Metrics on their own address, with every family; none on the public one.
    let metrics = http
        .get(format!("http://{}/metrics", orgdesk.metrics))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for family in FAMILIES {
        assert!(
            metrics.contains(&format!("# TYPE {family} ")),
            "{family} is exposed"
        );
    }
    assert!(metrics.contains(
        "orgdesk_http_requests_total{route=\"/api/orgs\",method=\"GET\",status=\"200\"} 1"
    ));
    assert!(metrics.contains("orgdesk_sessions_active 1"));
    let public = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_ne!(public.status(), 200);
    assert!(!public
        .text()
        .await
        .unwrap()
        .contains("orgdesk_http_requests_total"));

    // Under load, SIGTERM (25 sign-ins: with the one above, within 30 a minute): slow ones in flight are answered whole, quick requests either
    // get a whole answer or find the door closed, and the process exits by itself.
    let slow: Vec<_> = (0..25)
        .map(|_| tokio::spawn(slow_sign_in(orgdesk.public, Duration::from_millis(1500))))
        .collect();
    let quick: Vec<_> = (0..4)
        .map(|_| {
            let http = http.clone();
            let url = format!("{base}/api/orgs");
            let cookie = cookie.clone();
            tokio::spawn(async move {
                let (mut whole, mut refused) = (0, 0);
                let until = Instant::now() + Duration::from_millis(2500);
                while Instant::now() < until {
                    match http.get(&url).header("cookie", &cookie).send().await {
                        Ok(response) => {
                            assert_eq!(response.status(), 200);
                            let body: Value = response.json().await.expect("a whole answer");
                            assert!(body["items"].is_array());
                            whole += 1;
                        }
                        // No answer began (refused, or reset in the listen backlog at the
                        // moment it closed): nothing was cut mid-answer.
                        Err(_) => {
                            refused += 1;
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    }
                }
                (whole, refused)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let signalled = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &orgdesk.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    for task in slow {
        let answer = task.await.unwrap().expect("the slow request was not cut");
        assert!(
            answer.starts_with("HTTP/1.1 303") && answer.contains("\r\n\r\n"),
            "answered whole after SIGTERM: {answer}"
        );
    }
    let (mut whole, mut refused) = (0, 0);
    for task in quick {
        let (w, r) = task.await.unwrap();
        whole += w;
        refused += r;
    }
    let exit = loop {
        if let Some(exit) = orgdesk.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(15),
            "orgdesk exits after draining"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    eprintln!(
        "SIGTERM: 25 slow requests answered whole, {whole} quick answers and {refused} refused connections; exited {exit} after {:?}",
        signalled.elapsed()
    );
    assert!(exit.success());
    assert!(
        refused > 0,
        "new connections were refused once draining began"
    );

    // The log: every line a JSON object; a line per request with its id, route, status and
    // latency; probes not logged; no cookie, CSRF token or search text anywhere.
    std::thread::sleep(Duration::from_millis(100));
    let lines = orgdesk.lines.lock().unwrap().clone();
    assert!(lines.len() > 5);
    let secret = cookie.split('=').nth(1).unwrap();
    let mut requests = 0;
    for line in &lines {
        let value: Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(
            !line.contains(secret) && !line.contains(&csrf),
            "a secret in the log: {line}"
        );
        assert!(
            !line.contains("secret-search-text"),
            "a query in the log: {line}"
        );
        if value["message"] == "request" {
            requests += 1;
            assert!(value["span"]["request_id"].is_string(), "{line}");
            assert!(
                value["route"].is_string() && value["status"].is_u64(),
                "{line}"
            );
            assert!(value["latency_ms"].is_number(), "{line}");
            assert!(
                !matches!(value["path"].as_str(), Some("/healthz" | "/readyz")),
                "{line}"
            );
        }
    }
    assert!(requests >= 6, "{requests} request lines");
    assert!(lines
        .iter()
        .any(|l| l.contains("\"route\":\"/api/orgs/{org_id}\"")
            || l.contains("\"route\":\"/api/orgs\"")));
    assert!(lines
        .iter()
        .any(|l| message(l).contains("every request in flight was answered")));
}
