//! `cargo xtask bench`: orgdesk's figures against their budgets, as one table and as
//! `target/bench/report.json`. A benchmark, not a test: budgets are reported, not asserted.
//!
//! Measured so far: the first-load bytes of the whole app as the proxy serves them, and the
//! proxy's latency on a large synthetic tenant (10,000 orgs, 100,000 users, one org of 20,000
//! members). `--smoke` runs everything tiny, so that `cargo xtask test` keeps the harness alive.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::{json, Value};

use crate::{build_app, cargo, tools, Steps};

/// One row of the table.
struct Row {
    figure: String,
    value: String,
    budget: String,
    met: Option<bool>,
}

/// The first-load bytes: HTML, JS, wasm and CSS, raw and as the proxy serves them (brotli).
fn bundle(dist: &Path) -> Result<(u64, u64, Vec<Value>)> {
    let mut raw_total = 0;
    let mut br_total = 0;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))? {
        let path = entry?.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !matches!(ext, "html" | "js" | "wasm" | "css") {
            continue;
        }
        let raw = std::fs::metadata(&path)?.len();
        let br = std::fs::metadata(format!("{}.br", path.display()))
            .map(|m| m.len())
            .with_context(|| format!("{} has no .br copy", path.display()))?;
        raw_total += raw;
        br_total += br;
        files.push(json!({
            "file": path.file_name().and_then(|n| n.to_str()).unwrap_or_default(),
            "raw_bytes": raw,
            "brotli_bytes": br,
        }));
    }
    Ok((raw_total, br_total, files))
}

fn kb(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let kb = bytes as f64 / 1024.0;
    format!("{kb:.1} KB")
}

/// Runs the benchmark.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let smoke = args.iter().any(|a| a == "--smoke");
    if let Some(other) = args.iter().find(|a| *a != "--smoke") {
        anyhow::bail!("unknown option `{other}` for bench");
    }
    let mut steps = Steps::new(8);
    tools::ensure_build_tools(root, &mut steps)?;
    build_app(root, &mut steps)?;
    steps.run(
        "build the proxy's bench (server profile)",
        cargo(&[
            "build",
            "-p",
            "orgdesk-proxy",
            "--profile",
            "server",
            "--bin",
            "orgdesk-bench",
        ]),
    )?;
    report(
        root,
        &root.join("target/server/orgdesk-bench"),
        smoke,
        &mut steps,
    )
}

/// Runs the proxy bench `binary`, adds the bundle figures from `dist/` (built and compressed
/// already), prints the table and writes the report.
pub fn report(root: &Path, binary: &Path, smoke: bool, steps: &mut Steps) -> Result<()> {
    steps.start(if smoke {
        "benchmark harness on a small synthetic tenant (smoke)"
    } else {
        "time the proxy on a large synthetic tenant"
    });
    let mut bench = Command::new(binary);
    if smoke {
        bench.arg("--smoke");
    }
    let output = bench
        .output()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    anyhow::ensure!(
        output.status.success(),
        "the proxy bench failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let proxy: Value =
        serde_json::from_slice(&output.stdout).context("reading the bench's report")?;

    let (raw, br, files) = bundle(&root.join("dist"))?;
    let budget_br = 150 * 1024;
    let mut rows = vec![
        Row {
            figure: "first load, brotli (HTML+JS+wasm+CSS)".into(),
            value: kb(br),
            budget: "≤ 150 KB".into(),
            met: Some(br <= budget_br),
        },
        Row {
            figure: "first load, raw".into(),
            value: kb(raw),
            budget: "—".into(),
            met: None,
        },
    ];
    let tenant = &proxy["tenant"];
    rows.push(Row {
        figure: format!(
            "synthetic tenant written ({} orgs, {} users, {} in one org)",
            tenant["orgs"], tenant["users"], tenant["big_org_members"]
        ),
        value: format!(
            "{:.1} s",
            tenant["generate_ms"].as_f64().unwrap_or(0.0) / 1000.0
        ),
        budget: "—".into(),
        met: None,
    });
    for figure in proxy["figures"].as_array().into_iter().flatten() {
        let p50 = figure["p50_ms"].as_f64().unwrap_or(f64::NAN);
        let p99 = figure["p99_ms"].as_f64().unwrap_or(f64::NAN);
        rows.push(Row {
            figure: format!(
                "proxy {}, p50 / p99 of {}",
                figure["name"].as_str().unwrap_or("?"),
                figure["requests"]
            ),
            value: format!("{p50:.1} / {p99:.1} ms"),
            budget: "p99 ≤ 20 ms".into(),
            met: Some(p99 <= 20.0),
        });
    }

    let width = rows
        .iter()
        .map(|r| r.figure.chars().count())
        .max()
        .unwrap_or(10);
    println!();
    println!(
        "    {:<width$}  {:>16}  {:>12}  met",
        "figure", "value", "budget"
    );
    for row in &rows {
        let met = match row.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "",
        };
        println!(
            "    {:<width$}  {:>16}  {:>12}  {met}",
            row.figure, row.value, row.budget
        );
    }
    let report = json!({
        "smoke": smoke,
        "machine": {
            "cores": std::thread::available_parallelism().map(std::num::NonZeroUsize::get).unwrap_or(0),
            "os": std::env::consts::OS,
        },
        "bundle": { "raw_bytes": raw, "brotli_bytes": br, "files": files },
        "proxy": proxy,
        "table": rows.iter().map(|r| json!({
            "figure": r.figure, "value": r.value, "budget": r.budget, "met": r.met,
        })).collect::<Vec<_>>(),
    });
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("report.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    println!();
    println!("    report: target/bench/report.json");
    Ok(())
}
