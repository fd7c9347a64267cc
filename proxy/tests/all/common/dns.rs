//! A real DNS server on loopback for the tests: Debian's dnsmasq, authoritative for the zones
//! the tests use, answering the TXT records a test publishes (and NXDOMAIN for the rest). A
//! change of records restarts it on the same port. `cargo xtask test` installs dnsmasq.

use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where dnsmasq is (Debian's package `dnsmasq-base`), unless `DNSMASQ` says otherwise.
fn binary() -> PathBuf {
    std::env::var_os("DNSMASQ").map_or_else(|| PathBuf::from("/usr/sbin/dnsmasq"), PathBuf::from)
}

/// The zones the server answers for with authority.
const ZONES: &[&str] = &["example", "test", "com"];

pub struct TestDns {
    port: u16,
    records: Vec<(String, String)>,
    child: Option<Child>,
}

impl TestDns {
    /// Starts the server with no records.
    pub fn start() -> Self {
        let port = UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let mut dns = Self {
            port,
            records: Vec::new(),
            child: None,
        };
        dns.restart();
        dns
    }

    /// The server's address, for orgdesk's `[dns] resolver`.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Publishes a TXT record (beside any already at `host`).
    pub fn publish(&mut self, host: &str, value: &str) {
        self.records.push((host.to_owned(), value.to_owned()));
        self.restart();
    }

    /// Removes every TXT record at `host`.
    pub fn unpublish(&mut self, host: &str) {
        self.records.retain(|(h, _)| h != host);
        self.restart();
    }

    fn restart(&mut self) {
        self.stop();
        let mut command = Command::new(binary());
        command
            .args([
                "--keep-in-foreground",
                "--no-resolv",
                "--no-hosts",
                "--bind-interfaces",
            ])
            .args([
                "--listen-address=127.0.0.1",
                "--user=root",
                "--conf-file=/dev/null",
            ])
            .arg(format!("--port={}", self.port))
            .arg("--auth-server=ns.orgdesk.test");
        for zone in ZONES {
            command.arg(format!("--auth-zone={zone}"));
        }
        for (host, value) in &self.records {
            command.arg(format!("--txt-record={host},{value}"));
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| {
                panic!(
                    "cannot start {} ({err}); `cargo xtask test` installs it (Debian's dnsmasq-base)",
                    binary().display()
                )
            });
        self.child = Some(child);
        self.wait_until_answering();
    }

    /// Asks for a TXT record until the server answers.
    fn wait_until_answering(&self) {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("socket");
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("timeout");
        let mut query = vec![0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        for label in ["probe", "test"] {
            query.push(u8::try_from(label.len()).expect("short"));
            query.extend_from_slice(label.as_bytes());
        }
        query.extend_from_slice(&[0, 0, 16, 0, 1]);
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut answer = [0u8; 512];
        while Instant::now() < deadline {
            if socket.send_to(&query, self.addr()).is_ok() && socket.recv(&mut answer).is_ok() {
                return;
            }
        }
        panic!("dnsmasq did not answer on {}", self.addr());
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for TestDns {
    fn drop(&mut self) {
        self.stop();
    }
}
