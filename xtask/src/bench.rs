//! `cargo xtask bench`: orgdesk's figures against their budgets, as one table and as
//! `target/bench/report.json`. A benchmark, not a test: budgets are reported, not asserted.
//!
//! Five figures: the first-load bytes of the whole app as the proxy serves them; load time in
//! Chromium against a static page of the same rows; the proxy and the browser on a large
//! synthetic tenant (10,000 orgs, 100,000 users, one org of 20,000 members); orgdesk against
//! nginx in front of the same Management API stand-in under wrk; and the Management API calls an
//! admin session spends. The proxy side is `orgdesk-bench` (proxy/src/bin/orgdesk-bench), the
//! browser and network side `tests/e2e/bench.mjs`. `--smoke` runs everything tiny, so that
//! `cargo xtask test` keeps the harness alive.

use std::path::Path;
use std::process::{Command, Stdio};

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
/// The screens split off into chunks (`split_*.wasm`, `chunk_*.wasm`) are listed with their
/// sizes but are not part of the first load.
fn bundle(dist: &Path) -> Result<(u64, u64, Vec<Value>)> {
    let mut raw_total = 0;
    let mut br_total = 0;
    let mut files = Vec::new();
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path)? {
                paths.push(inner?.path());
            }
        } else {
            paths.push(path);
        }
    }
    paths.sort();
    for path in paths {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !matches!(ext, "html" | "js" | "wasm" | "css") {
            continue;
        }
        let name = path.strip_prefix(dist)?.display().to_string();
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let lazy = file.starts_with("split_") || file.starts_with("chunk_");
        let raw = std::fs::metadata(&path)?.len();
        let br = std::fs::metadata(format!("{}.br", path.display()))
            .map(|m| m.len())
            .with_context(|| format!("{} has no .br copy", path.display()))?;
        if !lazy {
            raw_total += raw;
            br_total += br;
        }
        files.push(json!({
            "file": name,
            "first_load": !lazy,
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
    let mut steps = Steps::new(21);
    tools::ensure_build_tools(root, &mut steps)?;
    tools::ensure_test_tools(root, &mut steps)?;
    tools::ensure_bench_tools(&mut steps)?;
    tools::ensure_postgres(&mut steps)?;
    build_app(root, &mut steps)?;
    steps.run(
        "build orgdesk and its bench (server profile)",
        cargo(&[
            "build",
            "-p",
            "orgdesk-proxy",
            "--profile",
            "server",
            "--bin",
            "orgdesk",
            "--bin",
            "orgdesk-bench",
        ]),
    )?;
    let postgres = tools::PgCluster::start(&mut steps)?;
    report(
        root,
        &root.join("target/server"),
        smoke,
        Some(&postgres.url),
        &mut steps,
    )
}

fn ms(value: &Value) -> f64 {
    value.as_f64().unwrap_or(f64::NAN)
}

/// Runs the proxy bench and the browser/network bench with the binaries in `bin_dir`, adds the
/// bundle figures from `dist/` (built and compressed already), prints the table and writes the
/// report.
pub fn report(
    root: &Path,
    bin_dir: &Path,
    smoke: bool,
    postgres: Option<&str>,
    steps: &mut Steps,
) -> Result<()> {
    let bench_bin = bin_dir.join("orgdesk-bench");
    let tenant_dir =
        std::env::temp_dir().join(format!("orgdesk-bench-tenant-{}", std::process::id()));
    steps.start(if smoke {
        "proxy on a small synthetic tenant (smoke)"
    } else {
        "proxy on a large synthetic tenant"
    });
    let mut bench = Command::new(&bench_bin);
    bench.arg("tenant").arg("--keep").arg(&tenant_dir);
    if smoke {
        bench.arg("--smoke");
    }
    let proxy = json_output(bench, "the proxy bench")?;
    let on_postgres = match postgres {
        Some(url) => {
            steps.start(if smoke {
                "proxy on a small synthetic tenant on PostgreSQL (smoke)"
            } else {
                "proxy on a large synthetic tenant on PostgreSQL"
            });
            let mut bench = Command::new(&bench_bin);
            bench.arg("tenant").arg("--database-url").arg(url);
            if smoke {
                bench.arg("--smoke");
            }
            Some(json_output(bench, "the proxy bench on PostgreSQL")?)
        }
        None => None,
    };

    steps.start(if smoke {
        "browser, nginx and upstream figures (smoke)"
    } else {
        "browser load, big tenant in the browser, orgdesk vs nginx, upstream calls"
    });
    let mut browser = Command::new("node");
    browser
        .arg("tests/e2e/bench.mjs")
        .env("BENCH_SMOKE", if smoke { "1" } else { "0" })
        .env("BENCH_BIN", &bench_bin)
        .env("ORGDESK_BIN", bin_dir.join("orgdesk"))
        .env("ORGDESK_DIST", root.join("dist"))
        .env("TENANT_DIR", &tenant_dir)
        .env("CHROMIUM", tools::CHROMIUM)
        .env("NGINX_BIN", tools::NGINX)
        .env("WRK_BIN", tools::WRK);
    let web = json_output(browser, "the browser and network bench");
    let _ = std::fs::remove_dir_all(&tenant_dir);
    let web = web?;

    let (raw, br, files) = bundle(&root.join("dist"))?;
    let budget = 150 * 1024;
    let load = &web["load"];
    let wire = load["first_screen_wire_bytes"].as_u64().unwrap_or(u64::MAX);
    let (chunks, chunk_bytes) = files
        .iter()
        .filter(|f| f["first_load"] == false)
        .fold((0, 0), |(n, bytes), f| {
            (n + 1, bytes + f["brotli_bytes"].as_u64().unwrap_or(0))
        });
    let screens: Vec<(String, u64)> = files
        .iter()
        .filter_map(|f| {
            let name = f["file"].as_str()?.rsplit('/').next()?;
            let screen = name.strip_prefix("split_")?.strip_suffix("_chunk.wasm")?;
            Some((screen.replace('_', " "), f["brotli_bytes"].as_u64()?))
        })
        .collect();
    let mut rows = vec![
        Row {
            figure: format!(
                "first screen on the wire until the first org row paints, cold cache, Chromium (median of {})",
                load["runs"]
            ),
            value: kb(wire),
            budget: "≤ 150 KB".into(),
            met: Some(wire <= budget),
        },
        Row {
            figure: "first load as built: HTML + CSS + JS + main wasm, brotli (raw)".into(),
            value: format!("{} ({})", kb(br), kb(raw)),
            budget: "—".into(),
            met: None,
        },
        Row {
            figure: "all chunks (screens and the code they share), brotli".into(),
            value: format!("{chunks} files, {}", kb(chunk_bytes)),
            budget: "—".into(),
            met: None,
        },
    ];
    for (screen, bytes) in screens {
        rows.push(Row {
            figure: format!("chunk of the {screen} screen, brotli"),
            value: kb(bytes),
            budget: "—".into(),
            met: None,
        });
    }
    rows.push(Row {
        figure: format!(
            "load to first org row painted, cold cache (median of {})",
            load["runs"]
        ),
        value: format!(
            "{:.0} ms = {:.2}× static page ({:.0} ms)",
            ms(&load["app_ms"]),
            ms(&load["ratio"]),
            ms(&load["baseline_ms"])
        ),
        budget: "≤ 2× static".into(),
        met: Some(ms(&load["ratio"]) <= 2.0),
    });
    rows.push(Row {
        figure: format!(
            "list to an org's branding studio painted, after prefetch (median of {})",
            load["runs"]
        ),
        value: format!("{:.1} ms", ms(&load["list_to_studio_ms"])),
        budget: "≤ 100 ms".into(),
        met: Some(ms(&load["list_to_studio_ms"]) <= 100.0),
    });
    for (proxy, engine) in
        std::iter::once((&proxy, "SQLite")).chain(on_postgres.iter().map(|p| (p, "PostgreSQL")))
    {
        let tenant = &proxy["tenant"];
        rows.push(Row {
            figure: format!(
                "synthetic tenant written on {engine} ({} orgs, {} users, {} in one org)",
                tenant["orgs"], tenant["users"], tenant["big_org_members"]
            ),
            value: format!("{:.1} s", ms(&tenant["generate_ms"]) / 1000.0),
            budget: "—".into(),
            met: None,
        });
        for figure in proxy["figures"].as_array().into_iter().flatten() {
            let p99 = ms(&figure["p99_ms"]);
            rows.push(Row {
                figure: format!(
                    "proxy on {engine}: {}, p50 / p99 of {}",
                    figure["name"].as_str().unwrap_or("?"),
                    figure["requests"]
                ),
                value: format!("{:.1} / {p99:.1} ms", ms(&figure["p50_ms"])),
                budget: "p99 ≤ 20 ms".into(),
                met: Some(p99 <= 20.0),
            });
        }
    }
    let big = &web["big_tenant"];
    let after_data = ms(&big["member_page_after_data_ms"]);
    rows.push(Row {
        figure: format!(
            "browser: big org's first member page painted after its data (median of {})",
            big["runs"]
        ),
        value: format!("{after_data:.1} ms"),
        budget: "≤ 100 ms".into(),
        met: Some(after_data <= 100.0),
    });
    let key = ms(&big["keystroke_median_ms"]);
    rows.push(Row {
        figure: format!(
            "browser: member search keystroke, main thread (median, max of {})",
            big["keystrokes"]
        ),
        value: format!("{key:.1} ms, {:.1} ms", ms(&big["keystroke_max_ms"])),
        budget: "≤ 16 ms".into(),
        met: Some(key <= 16.0),
    });
    let over = &web["overhead"];
    let throughput = ms(&over["throughput_ratio"]);
    let p99_ratio = ms(&over["p99_ratio"]);
    rows.push(Row {
        figure: format!(
            "orgdesk vs nginx, throughput (wrk, {} connections, median of {})",
            over["connections"], over["rounds"]
        ),
        value: format!(
            "{:.0} / {:.0} req/s = {throughput:.2}×",
            ms(&over["orgdesk"]["rps"]),
            ms(&over["nginx"]["rps"])
        ),
        budget: "≥ 0.5×".into(),
        met: Some(throughput >= 0.5),
    });
    rows.push(Row {
        figure: "orgdesk vs nginx, p99 latency".into(),
        value: format!(
            "{:.1} / {:.1} ms = {p99_ratio:.2}×",
            ms(&over["orgdesk"]["p99_ms"]),
            ms(&over["nginx"]["p99_ms"])
        ),
        budget: "≤ 2×".into(),
        met: Some(p99_ratio <= 2.0),
    });
    rows.push(Row {
        figure: "peak memory under that load, orgdesk / nginx".into(),
        value: format!(
            "{:.1} / {:.1} MB",
            ms(&over["orgdesk"]["peak_memory_kb"]) / 1024.0,
            ms(&over["nginx"]["peak_memory_kb"]) / 1024.0
        ),
        budget: "—".into(),
        met: None,
    });
    let slow = &web["overhead_20ms_upstream"];
    rows.push(Row {
        figure: "the same, upstream answering in 20 ms: throughput, p99".into(),
        value: format!(
            "{:.2}×, {:.2}×",
            ms(&slow["throughput_ratio"]),
            ms(&slow["p99_ratio"])
        ),
        budget: "—".into(),
        met: None,
    });
    let economy = &web["economy"];
    for step in economy["steps"].as_array().into_iter().flatten() {
        let name = step["step"].as_str().unwrap_or("?");
        let calls = step["calls"].as_u64().unwrap_or(u64::MAX);
        let role_checks = step["role_checks"].as_u64().unwrap_or(0);
        let budget = match name {
            "open the org list" => Some(1),
            "open an org" => Some(3),
            "save branding" => Some(2),
            _ => None,
        };
        rows.push(Row {
            figure: format!("Management API calls: {name}"),
            value: if role_checks > 0 {
                format!("{calls} (+{role_checks} role re-check)")
            } else {
                calls.to_string()
            },
            budget: budget.map_or_else(|| "—".into(), |b| format!("≤ {b}")),
            met: budget.map(|b| calls <= b),
        });
    }
    let tokens = economy["token_requests"].as_u64().unwrap_or(u64::MAX);
    rows.push(Row {
        figure: format!(
            "token requests for {} concurrent cold requests",
            economy["cold_requests"]
        ),
        value: tokens.to_string(),
        budget: "= 1".into(),
        met: Some(tokens == 1),
    });

    print_table(&rows);
    let report = json!({
        "smoke": smoke,
        "machine": {
            "cores": std::thread::available_parallelism().map(std::num::NonZeroUsize::get).unwrap_or(0),
            "os": std::env::consts::OS,
        },
        "bundle": { "raw_bytes": raw, "brotli_bytes": br, "files": files },
        "proxy": proxy,
        "proxy_on_postgres": on_postgres,
        "browser_and_network": web,
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

/// Runs `command`, its progress on stderr shown as it comes, and reads its stdout as JSON.
fn json_output(mut command: Command, what: &str) -> Result<Value> {
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot start {what}"))?;
    anyhow::ensure!(output.status.success(), "{what} failed ({})", output.status);
    serde_json::from_slice(&output.stdout).with_context(|| format!("reading {what}'s report"))
}

fn print_table(rows: &[Row]) {
    let width = rows
        .iter()
        .map(|r| r.figure.chars().count())
        .max()
        .unwrap_or(10);
    let value_width = rows
        .iter()
        .map(|r| r.value.chars().count())
        .max()
        .unwrap_or(10);
    println!();
    println!(
        "    {:<width$}  {:>value_width$}  {:>12}  met",
        "figure", "value", "budget"
    );
    for row in rows {
        let met = match row.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "",
        };
        println!(
            "    {:<width$}  {:>value_width$}  {:>12}  {met}",
            row.figure, row.value, row.budget
        );
    }
}
