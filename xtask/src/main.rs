//! `cargo xtask demo | test | dist`: the only place that knows how to build, install the tools
//! for, test and run orgdesk. Each step prints one progress line; tools already present at the
//! right version are skipped.

#![allow(clippy::print_stdout)]

mod bench;
mod tools;
mod web;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  demo [--listen ADDR] [--data-dir DIR]
          build the app in release mode and run `orgdesk --demo` (default http://127.0.0.1:8080)
  test    install what is missing, then run every test: model, proxy, browser components in
          headless Chromium, end to end in Chromium
  dist    build the release app into dist/ (precompressed) and the proxy into target/server/
  bench [--smoke]
          measure first-load bytes and the proxy on a large synthetic tenant; prints a table
          of figures against budgets and writes target/bench/report.json
";

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // The chain of causes, without a backtrace of xtask itself: it is the step that
            // failed that matters, and its output is just above.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root()?;
    std::env::set_current_dir(&root)?;
    let started = Instant::now();
    match args.first().map(String::as_str) {
        Some("demo") => demo(&root, &args[1..])?,
        Some("test") => test(&root)?,
        Some("bench") => bench::run(&root, &args[1..])?,
        Some("dist") => {
            let mut steps = Steps::new(11);
            tools::ensure_build_tools(&root, &mut steps)?;
            build_app(&root, &mut steps)?;
            steps.run(
                "build the proxy (server profile)",
                cargo(&[
                    "build",
                    "-p",
                    "orgdesk-proxy",
                    "--profile",
                    "server",
                    "--bin",
                    "orgdesk",
                ]),
            )?;
        }
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            return Ok(());
        }
        Some(other) => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
    println!("==> done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn project_root() -> Result<PathBuf> {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .context("xtask must live one folder below the project root")
}

/// Numbered progress lines: `==> [2/7] build the app … ok (12.3 s)`.
pub struct Steps {
    done: usize,
    total: usize,
}

impl Steps {
    fn new(total: usize) -> Self {
        Self { done: 0, total }
    }

    /// Announces a step and returns its number.
    pub fn start(&mut self, what: &str) {
        self.done += 1;
        self.total = self.total.max(self.done);
        println!("==> [{}/{}] {what}", self.done, self.total);
    }

    /// Says a step needed nothing.
    pub fn skip(&mut self, what: &str, why: &str) {
        self.start(what);
        println!("    ok: {why}");
    }

    /// Runs a command as one step, failing with its name if it fails.
    pub fn run(&mut self, what: &str, mut command: Command) -> Result<()> {
        self.start(what);
        let started = Instant::now();
        let status = command
            .status()
            .with_context(|| format!("cannot start {:?}", command.get_program()))?;
        if !status.success() {
            bail!("step failed: {what} ({status})");
        }
        println!("    ok ({:.1} s)", started.elapsed().as_secs_f64());
        Ok(())
    }
}

/// `cargo` with the given arguments, from the same toolchain that runs xtask.
fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    tools::with_tool_path(&mut command);
    command
}

fn build_app(root: &Path, steps: &mut Steps) -> Result<()> {
    web::build(root, steps)
}

/// Writes `.br` and `.gz` beside `path` (text and wasm files), which the proxy then serves as
/// they are. Returns the raw and brotli sizes in bytes (the raw size twice for other files).
/// Brotli at quality 11 takes about 20 s for the main wasm here, so what was compressed before
/// is taken from `target/precompressed/`, by content.
pub fn precompress(path: &Path) -> Result<(usize, usize)> {
    use sha2::Digest as _;
    use std::io::Write;
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let compressible = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "html" | "js" | "css" | "wasm" | "svg" | "json"));
    if !compressible {
        return Ok((data.len(), data.len()));
    }
    let cache = project_root()?.join("target/precompressed");
    std::fs::create_dir_all(&cache)?;
    let key: String = sha2::Sha256::digest(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (cached_br, cached_gz) = (
        cache.join(format!("{key}.br")),
        cache.join(format!("{key}.gz")),
    );
    let name = path.display().to_string();
    if !(cached_br.exists() && cached_gz.exists()) {
        let mut br = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            writer.write_all(&data)?;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data)?;
        std::fs::write(&cached_br, &br)?;
        std::fs::write(&cached_gz, gz.finish()?)?;
    }
    std::fs::copy(&cached_br, format!("{name}.br"))?;
    std::fs::copy(&cached_gz, format!("{name}.gz"))?;
    let br = usize::try_from(std::fs::metadata(&cached_br)?.len()).unwrap_or(0);
    Ok((data.len(), br))
}

fn demo(root: &Path, args: &[String]) -> Result<()> {
    let mut listen = "127.0.0.1:8080".to_owned();
    let mut data_dir = "data".to_owned();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().context("--listen needs an address")?.clone(),
            "--data-dir" => data_dir = args.next().context("--data-dir needs a folder")?.clone(),
            other => bail!("unknown option `{other}` for demo\n\n{USAGE}"),
        }
    }
    let mut steps = Steps::new(11);
    tools::ensure_build_tools(root, &mut steps)?;
    build_app(root, &mut steps)?;
    steps.run(
        "build the proxy (server profile)",
        cargo(&[
            "build",
            "-p",
            "orgdesk-proxy",
            "--profile",
            "server",
            "--bin",
            "orgdesk",
        ]),
    )?;
    println!();
    println!("    orgdesk is starting on http://{listen}  (Ctrl-C stops it)");
    println!("    Sign in by picking a persona: platform admin, org admin of AI Organization,");
    println!("    org admin of Acme Robotics, or a plain member. Data lives in {data_dir}/.");
    println!();
    let status = Command::new(root.join("target/server/orgdesk"))
        .args([
            "--demo",
            "--listen",
            &listen,
            "--data-dir",
            &data_dir,
            "--assets",
            "dist",
        ])
        .status()
        .context("cannot start target/server/orgdesk")?;
    if !status.success() {
        bail!("orgdesk stopped: {status}");
    }
    Ok(())
}

fn test(root: &Path) -> Result<()> {
    let mut steps = Steps::new(29);
    tools::ensure_build_tools(root, &mut steps)?;
    tools::ensure_test_tools(root, &mut steps)?;
    tools::ensure_dns_server(&mut steps)?;
    tools::ensure_config_code_tools(root, &mut steps)?;
    tools::ensure_bench_tools(&mut steps)?;
    tools::ensure_postgres(&mut steps)?;
    steps.run("check formatting", cargo(&["fmt", "--all", "--check"]))?;
    steps.run(
        "lint the native crates (clippy)",
        cargo(&[
            "clippy",
            "-p",
            "orgdesk-model",
            "-p",
            "orgdesk-proxy",
            "-p",
            "xtask",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    steps.run(
        "lint the browser app (clippy, wasm32)",
        cargo(&[
            "clippy",
            "-p",
            "orgdesk-web",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    steps.run(
        "lint the split build of the app (clippy, wasm32, lazily loaded screens)",
        cargo(&[
            "clippy",
            "-p",
            "orgdesk-web",
            "--target",
            "wasm32-unknown-unknown",
            "--features",
            "split",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // Stopped and removed when `test` returns, whichever way.
    let postgres = tools::PgCluster::start(&mut steps)?;
    // --show-output: the replay test lists the recorded interactions orgdesk does not use.
    let mut unit = cargo(&[
        "test",
        "-p",
        "orgdesk-model",
        "-p",
        "orgdesk-proxy",
        "--",
        "--show-output",
    ]);
    unit.env("ORGDESK_TEST_DATABASE_URL", &postgres.url);
    // A snapshot that differs fails the test; nothing is written into the tree.
    unit.env("INSTA_UPDATE", "no");
    steps.run(
        "test the model and the proxy (SQLite and PostgreSQL, with Auth0's recorded traffic)",
        unit,
    )?;
    let mut components = cargo(&[
        "test",
        "-p",
        "orgdesk-web",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "components",
    ]);
    components.env("CHROMEDRIVER", tools::CHROMEDRIVER);
    steps.run("browser component tests (headless Chromium)", components)?;
    build_app(root, &mut steps)?;
    steps.run("build the proxy", cargo(&["build", "-p", "orgdesk-proxy"]))?;
    bench::report(
        root,
        &root.join("target/debug"),
        true,
        Some(&postgres.url),
        &mut steps,
    )?;
    let mut e2e = Command::new("node");
    e2e.args(["--test", "--test-concurrency=1", "tests/e2e/"])
        .env("ORGDESK_TEST_DATABASE_URL", &postgres.url)
        .env("ORGDESK_BIN", root.join("target/debug/orgdesk"))
        .env("ORGDESK_DIST", root.join("dist"))
        .env("CHROMIUM", tools::CHROMIUM)
        .env("DNSMASQ", tools::DNSMASQ)
        .env("ORGDESK_PYTHON", tools::config_code_python(root))
        .env("SCREENSHOT_DIR", root.join("docs"));
    steps.run("end-to-end tests (Chromium)", e2e)?;
    Ok(())
}
