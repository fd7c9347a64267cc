//! Installs the tools orgdesk builds and tests with, each pinned to a version known to work on
//! these machines (see TOOLCHAIN notes in the README), and skips what is already right.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::Steps;

const WASM_BINDGEN_VERSION: &str = "0.2.130";
const WASM_OPT_VERSION: &str = "version 132";
const PLAYWRIGHT_VERSION: &str = "1.64.1";
const OIDC_PROVIDER_VERSION: &str = "9.13.3";
const AXE_CORE_VERSION: &str = "4.14.1";
const DEPLOY_CLI_VERSION: &str = "8.44.0";
/// The toolchain the release wasm is built with: a pinned nightly, for what stable cannot do yet
/// (`-C panic=immediate-abort`, `-Z location-detail=none`, `-Z fmt-debug=none`, and `build-std`
/// to rebuild the standard library with them). Everything else builds on stable.
/// The JS minifier of the release build, as `tools/package.json` pins it.
const TERSER_VERSION: &str = "5.51.4";

pub const APP_TOOLCHAIN: &str = "nightly-2026-05-20";
/// Debian's Chromium, which the tests drive.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's ChromeDriver, which wasm-bindgen-test-runner drives.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's nginx, the proxy-overhead baseline.
pub const NGINX: &str = "/usr/sbin/nginx";
/// Debian's wrk, the load generator.
pub const WRK: &str = "/usr/bin/wrk";

/// The folder cargo installs binaries into.
fn cargo_home_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// A binary installed by `cargo install`.
pub fn cargo_bin(name: &str) -> PathBuf {
    cargo_home_bin().join(name)
}

/// Puts the npm-installed wasm-opt and cargo's binaries first on a command's PATH.
pub fn with_tool_path(command: &mut Command) {
    let root = std::env::current_dir().unwrap_or_default();
    let mut paths = vec![root.join("tools/node_modules/.bin"), cargo_home_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    if let Ok(joined) = std::env::join_paths(paths) {
        command.env("PATH", joined);
    }
}

/// The first line a tool prints for `--version`, or `None` when it is not there.
fn version_of(program: &Path, arg: &str) -> Option<String> {
    let output = Command::new(program).arg(arg).output().ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned()
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The wasm target, the app's toolchain, wasm-bindgen and wasm-opt: what building the app needs.
pub fn ensure_build_tools(root: &Path, steps: &mut Steps) -> Result<()> {
    let components = Command::new("rustup")
        .args([
            "component",
            "list",
            "--installed",
            "--toolchain",
            APP_TOOLCHAIN,
        ])
        .output()
        .context("rustup is needed to install the app's toolchain")?;
    if components.status.success()
        && String::from_utf8_lossy(&components.stdout).contains("rust-src")
    {
        steps.skip(APP_TOOLCHAIN, "already installed with rust-src");
    } else {
        // build-std rebuilds the standard library for wasm32 from rust-src, so the toolchain
        // needs no wasm32 component (which not every nightly has).
        let mut install = Command::new("rustup");
        install.args([
            "toolchain",
            "install",
            APP_TOOLCHAIN,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
        ]);
        steps.run(
            &format!("install the app's toolchain {APP_TOOLCHAIN} (once)"),
            install,
        )?;
    }

    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target")?;
    if String::from_utf8_lossy(&installed.stdout).contains("wasm32-unknown-unknown") {
        steps.skip("wasm32 target", "already installed");
    } else {
        let mut add = Command::new("rustup");
        add.args(["target", "add", "wasm32-unknown-unknown"]);
        steps.run("add the wasm32 target", add)?;
    }

    let wasm_bindgen = cargo_bin("wasm-bindgen");
    match version_of(&wasm_bindgen, "--version") {
        Some(v) if v.contains(WASM_BINDGEN_VERSION) => steps.skip("wasm-bindgen", &v),
        _ => {
            // Without --locked: its lock file pins a crate version the registry here lacks.
            let mut install = Command::new("cargo");
            install.args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                WASM_BINDGEN_VERSION,
                "--force",
            ]);
            steps.run(
                &format!("install wasm-bindgen-cli {WASM_BINDGEN_VERSION} (once)"),
                install,
            )?;
        }
    }

    let wasm_opt = root.join("tools/node_modules/.bin/wasm-opt");
    let terser = root.join("tools/node_modules/.bin/terser");
    match (
        version_of(&wasm_opt, "--version"),
        version_of(&terser, "--version"),
    ) {
        (Some(v), Some(t)) if v.contains(WASM_OPT_VERSION) && t.contains(TERSER_VERSION) => {
            steps.skip("wasm-opt and terser", &format!("{v}; {t}"));
        }
        _ => {
            ensure_npm(steps)?;
            let mut install = Command::new("npm");
            install.args(["ci", "--no-audit", "--no-fund", "--prefix", "tools"]);
            steps.run(
                &format!("install wasm-opt (npm binaryen 132) and terser {TERSER_VERSION}"),
                install,
            )?;
        }
    }
    Ok(())
}

/// Chromium, ChromeDriver and Playwright: what the browser tests need.
pub fn ensure_test_tools(root: &Path, steps: &mut Steps) -> Result<()> {
    let chromium = version_of(Path::new(CHROMIUM), "--version");
    let driver = version_of(Path::new(CHROMEDRIVER), "--version");
    match (chromium, driver) {
        (Some(c), Some(_)) => steps.skip("chromium and chromedriver", &c),
        _ if is_root() => {
            apt_update(steps)?;
            apt_install(
                steps,
                "chromium and chromedriver",
                &["chromium", "chromium-driver"],
            )?;
        }
        _ => bail!(
            "the browser tests need Debian's chromium and chromium-driver; install them with\n  \
             sudo apt-get install chromium chromium-driver\nthen run cargo xtask test again"
        ),
    }

    // All four come from tests/e2e/package-lock.json: Playwright's driver (no browser
    // download), the OpenID Connect provider that stands in for Auth0's Universal Login,
    // axe-core, which checks every screen against WCAG 2.1 A/AA, and auth0-deploy-cli, whose own
    // loader and schema check orgdesk's deploy-cli export.
    let has = |package: &str, version: &str| {
        std::fs::read_to_string(root.join(format!("tests/e2e/node_modules/{package}/package.json")))
            .is_ok_and(|json| json.contains(&format!("\"version\": \"{version}\"")))
    };
    if has("playwright-core", PLAYWRIGHT_VERSION)
        && has("oidc-provider", OIDC_PROVIDER_VERSION)
        && has("axe-core", AXE_CORE_VERSION)
        && has("auth0-deploy-cli", DEPLOY_CLI_VERSION)
    {
        steps.skip(
            "playwright-core, oidc-provider, axe-core and auth0-deploy-cli",
            &format!("{PLAYWRIGHT_VERSION}, {OIDC_PROVIDER_VERSION}, {AXE_CORE_VERSION}, {DEPLOY_CLI_VERSION}"),
        );
    } else {
        ensure_npm(steps)?;
        let mut install = Command::new("npm");
        install.args(["ci", "--no-audit", "--no-fund", "--prefix", "tests/e2e"]);
        steps.run(
            &format!(
                "install playwright-core {PLAYWRIGHT_VERSION} (no browser download), oidc-provider {OIDC_PROVIDER_VERSION}, axe-core {AXE_CORE_VERSION} and auth0-deploy-cli {DEPLOY_CLI_VERSION} (npm)"
            ),
            install,
        )?;
    }
    Ok(())
}

/// The Python that checks the configuration-as-code exports, in a virtual environment of its own.
pub fn config_code_python(root: &Path) -> PathBuf {
    root.join("target/config-as-code/venv/bin/python")
}

/// The Pulumi SDK with `pulumi-auth0`, and python-hcl2, from PyPI into a virtual environment
/// under `target/`, pinned by `tests/config-as-code/requirements.txt`. Installed again when that
/// file changes.
pub fn ensure_config_code_tools(root: &Path, steps: &mut Steps) -> Result<()> {
    let requirements = root.join("tests/config-as-code/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .with_context(|| format!("cannot read {}", requirements.display()))?;
    let venv = root.join("target/config-as-code/venv");
    let stamp = venv.join("orgdesk-requirements.txt");
    if config_code_python(root).exists()
        && std::fs::read_to_string(&stamp).is_ok_and(|had| had == wanted)
    {
        steps.skip("pulumi, pulumi-auth0 and python-hcl2", "installed");
        return Ok(());
    }
    if version_of(Path::new("python3"), "--version").is_none() {
        if !is_root() {
            bail!(
                "the export checks need Python 3 with venv; install python3-venv, then run again"
            );
        }
        apt_install(steps, "python3 with venv", &["python3", "python3-venv"])?;
    }
    let _ = std::fs::remove_dir_all(&venv);
    let mut create = Command::new("python3");
    create.args(["-m", "venv"]).arg(&venv);
    steps.run("create a Python environment for the export checks", create)?;
    let mut install = Command::new(venv.join("bin/pip"));
    install
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements);
    steps.run(
        "install pulumi, pulumi-auth0 and python-hcl2 (PyPI)",
        install,
    )?;
    std::fs::write(&stamp, wanted).context("cannot write the requirements stamp")?;
    Ok(())
}

/// Debian's dnsmasq: the real DNS server on loopback that the domain checks are tested against.
pub const DNSMASQ: &str = "/usr/sbin/dnsmasq";

/// dnsmasq (Debian's `dnsmasq-base`, the program without the system service).
pub fn ensure_dns_server(steps: &mut Steps) -> Result<()> {
    if Path::new(DNSMASQ).exists() {
        steps.skip("dnsmasq", "installed");
        return Ok(());
    }
    if !is_root() {
        bail!(
            "the domain tests need Debian's dnsmasq; install it with\n  \
             sudo apt-get install dnsmasq-base\nthen run again"
        );
    }
    apt_update(steps)?;
    apt_install(steps, "dnsmasq", &["dnsmasq-base"])
}

/// nginx and wrk from Debian: the baseline and the load generator of the proxy-overhead figure.
pub fn ensure_bench_tools(steps: &mut Steps) -> Result<()> {
    if Path::new(NGINX).exists() && Path::new(WRK).exists() {
        steps.skip("nginx and wrk", "installed");
        return Ok(());
    }
    if !is_root() {
        bail!(
            "the benchmark needs Debian's nginx and wrk; install them with\n  \
             sudo apt-get install nginx-light wrk\nthen run again"
        );
    }
    apt_update(steps)?;
    apt_install(steps, "nginx and wrk", &["nginx-light", "wrk"])
}

fn apt_update(steps: &mut Steps) -> Result<()> {
    let mut update = Command::new("apt-get");
    update.args(["update", "-qq"]);
    steps.run("refresh Debian's package lists", update)
}

/// Installs Debian `packages` (as root), without their recommendations.
fn apt_install(steps: &mut Steps, what: &str, packages: &[&str]) -> Result<()> {
    let mut install = Command::new("apt-get");
    install
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    steps.run(&format!("install {what} (Debian)"), install)
}

fn ensure_npm(steps: &mut Steps) -> Result<()> {
    if version_of(Path::new("npm"), "--version").is_some() {
        return Ok(());
    }
    if !is_root() {
        bail!("npm is needed (Node.js 20); install Debian's nodejs and npm, then run again");
    }
    apt_install(steps, "node and npm", &["nodejs", "npm"])
}

/// Debian's PostgreSQL server programs.
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// Debian's PostgreSQL 15 (with `pg_trgm`), for the tests on PostgreSQL.
pub fn ensure_postgres(steps: &mut Steps) -> Result<()> {
    if Path::new(PG_BIN).join("initdb").exists() {
        steps.skip("PostgreSQL 15", "installed");
        return Ok(());
    }
    if !is_root() {
        bail!(
            "the tests need Debian's PostgreSQL 15; install it with\n  \
             sudo apt-get install postgresql-15\nthen run again"
        );
    }
    apt_update(steps)?;
    apt_install(steps, "PostgreSQL 15", &["postgresql-15"])
}

/// A throwaway PostgreSQL cluster on loopback, in a temporary folder, stopped and removed when
/// dropped. `initdb` refuses root, so as root it runs as Debian's `postgres` user.
pub struct PgCluster {
    dir: PathBuf,
    as_postgres: bool,
    /// `postgres://orgdesk@127.0.0.1:PORT/postgres`: a superuser, trusted on loopback only.
    pub url: String,
}

impl PgCluster {
    fn pg(&self, program: &str) -> Command {
        let path = Path::new(PG_BIN).join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    /// Creates and starts a cluster.
    pub fn start(steps: &mut Steps) -> Result<Self> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros());
        let dir = std::env::temp_dir().join(format!("orgdesk-pg-{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()?;
            if !status.success() {
                bail!("cannot hand {} to the postgres user", dir.display());
            }
        }
        // A free loopback port: bound, read, released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let cluster = Self {
            url: format!("postgres://orgdesk@127.0.0.1:{port}/postgres"),
            dir,
            as_postgres,
        };
        let data = cluster.dir.join("data");
        let mut initdb = cluster.pg("initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "orgdesk", "--no-sync", "-E", "UTF8"])
            .stdout(std::process::Stdio::null());
        steps.run("create a throwaway PostgreSQL cluster", initdb)?;
        let mut start = cluster.pg("pg_ctl");
        start
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.dir.join("server.log"))
            .arg("-o")
            .arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                cluster.dir.display()
            ))
            .args(["-w", "start"])
            .stdout(std::process::Stdio::null());
        steps.run(&format!("start PostgreSQL on 127.0.0.1:{port}"), start)?;
        Ok(cluster)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "stop"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
