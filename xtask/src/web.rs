//! The release build of the browser app, from the Rust crate to `dist/`: the wasm split into the
//! first screen and chunks loaded as they are needed, bound, optimised, named by content, with
//! integrity on what the page loads and precompressed copies of everything.
//!
//! Trunk cannot split a wasm (trunk-rs/trunk#1022), so the release path is this module's:
//! 1. `cargo rustc --features split -- -C link-arg=--emit-relocs` (the relocations are what the
//!    splitter reads; only the final crate needs them);
//! 2. `wasm_split_cli_support::transform` writes the main module, a module per split point and
//!    per shared chunk, and the loader `__wasm_split.js`;
//! 3. `wasm-bindgen --target web --keep-lld-exports` on the main module (the chunks import what
//!    it exports);
//! 4. `wasm-opt -Oz` on every module, and terser on the JS;
//! 5. everything the app loads goes in `dist/app-<hash>/`, the hash over all of it, so a deploy
//!    never mixes files of two builds and each can be cached for ever; `index.html` names them
//!    with integrity.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use sha2::{Digest, Sha256, Sha384};

use crate::{tools, Steps};

/// The app's crate name, which names the wasm and its JS.
const APP: &str = "orgdesk-web";

/// The loader of the chunks, which the main module's JS imports: preloaded with it, so the
/// page does not learn of it only once that JS has arrived.
const SPLIT_LOADER: &str = "__wasm_split.js";

/// Where the release wasm is built (see [`build`]).
const APP_TARGET_DIR: &str = "target/app";

/// The compiler flags of the release wasm. `RUSTFLAGS` replaces `.cargo/config.toml`'s, so the
/// erased component types are repeated here. A panic aborts at once, with no message and no
/// unwinding machinery, and neither panic locations nor `Debug` output are compiled in; the
/// standard library is rebuilt with the same flags (`-Z build-std`).
const APP_RUSTFLAGS: &[&str] = &[
    "--cfg erase_components",
    "-Z unstable-options",
    "-C panic=immediate-abort",
    "-Z location-detail=none",
    "-Z fmt-debug=none",
];

/// Builds `dist/` from scratch.
pub fn build(root: &Path, steps: &mut Steps) -> Result<()> {
    // The pinned nightly through rustup, not the cargo running the xtask; a target folder of its
    // own, so the stable builds' artifacts and this one's never replace each other.
    let mut rustc = Command::new("rustup");
    rustc
        .args(["run", tools::APP_TOOLCHAIN, "cargo", "rustc"])
        .args(["-p", APP, "--bin", APP, "--release"])
        .args(["--target", "wasm32-unknown-unknown", "--features", "split"])
        .args(["-Z", "build-std=std,panic_abort", "--target-dir"])
        .arg(root.join(APP_TARGET_DIR))
        .args(["--", "-C", "link-arg=--emit-relocs"])
        .env("RUSTFLAGS", APP_RUSTFLAGS.join(" "));
    for inherited in [
        "CARGO",
        "RUSTC",
        "RUSTUP_TOOLCHAIN",
        "RUSTC_WRAPPER",
        "CARGO_TARGET_DIR",
    ] {
        rustc.env_remove(inherited);
    }
    tools::with_tool_path(&mut rustc);
    rustc.current_dir(root);
    steps.run(
        "build the browser app (release, wasm32, with relocations)",
        rustc,
    )?;

    let work = root.join("target/web");
    if work.exists() {
        std::fs::remove_dir_all(&work).with_context(|| format!("clearing {}", work.display()))?;
    }
    std::fs::create_dir_all(&work)?;
    let input = root.join(format!(
        "{APP_TARGET_DIR}/wasm32-unknown-unknown/release/{APP}.wasm"
    ));

    steps.start("split the wasm into the first screen and chunks");
    let wasm = std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
    let main_wasm = work.join("main.wasm");
    let link_name = format!("./{SPLIT_LOADER}");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&wasm);
        options.output_dir = &work;
        options.main_out_path = &main_wasm;
        options.main_module = "./orgdesk-web.js";
        options.link_name = &link_name;
        options
    })
    .map_err(|err| anyhow::anyhow!("{err:?}"))
    .context("splitting the wasm")?;
    println!(
        "    ok: {} modules besides the main one",
        split.split_modules.len()
    );

    let mut bindgen = Command::new(tools::cargo_bin("wasm-bindgen"));
    bindgen
        .args([
            "--target",
            "web",
            "--keep-lld-exports",
            "--no-typescript",
            "--out-name",
            APP,
            "--out-dir",
        ])
        .arg(&work)
        .arg(&main_wasm);
    steps.run("bind the main module (wasm-bindgen)", bindgen)?;
    std::fs::remove_file(&main_wasm)?;

    let mut modules: Vec<PathBuf> = split.split_modules.clone();
    modules.push(work.join(format!("{APP}_bg.wasm")));
    steps.start(&format!(
        "optimise {} modules (wasm-opt -Oz)",
        modules.len()
    ));
    for module in &modules {
        let mut opt = Command::new("wasm-opt");
        opt.args([
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
        ])
        .arg(module)
        .arg("-o")
        .arg(module);
        tools::with_tool_path(&mut opt);
        let status = opt.status().context("running wasm-opt")?;
        if !status.success() {
            bail!("wasm-opt failed on {}", module.display());
        }
    }

    // The bound JS carries every import of every chunk, and the loader a line per chunk: both
    // are on the first screen, and minified they are about half as many bytes on the wire.
    steps.start("minify the app's JS (terser)");
    for script in [format!("{APP}.js"), SPLIT_LOADER.to_owned()] {
        let path = work.join(&script);
        let mut terser = Command::new("terser");
        terser
            .arg(&path)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(&path);
        tools::with_tool_path(&mut terser);
        let status = terser.status().context("running terser")?;
        if !status.success() {
            bail!("terser failed on {script}");
        }
    }

    steps.start("write dist/ (names by content, integrity, brotli and gzip)");
    let dist = root.join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)?;
    }
    std::fs::create_dir_all(&dist)?;
    // One hash over every file the app loads: a deploy is one folder, never a mix.
    let mut app_files = BTreeMap::new();
    for entry in std::fs::read_dir(&work)? {
        let path = entry?.path();
        let name = file_name(&path)?;
        app_files.insert(name, std::fs::read(&path)?);
    }
    let mut hasher = Sha256::new();
    for (name, bytes) in &app_files {
        hasher.update(name.as_bytes());
        hasher.update(bytes);
    }
    let app_dir = format!("app-{}", &hex(&hasher.finalize())[..16]);
    std::fs::create_dir_all(dist.join(&app_dir))?;
    for (name, bytes) in &app_files {
        std::fs::write(dist.join(&app_dir).join(name), bytes)?;
    }
    let css = std::fs::read(root.join("style/main.css"))?;
    let css_name = format!("main-{}.css", &hex(&Sha256::digest(&css))[..16]);
    std::fs::write(dist.join(&css_name), &css)?;

    let template = std::fs::read_to_string(root.join("index.html"))?;
    let built = |name: &str| Built {
        href: format!("/{app_dir}/{name}"),
        integrity: integrity(&app_files[name]),
    };
    let html = page(
        &template,
        &Built {
            href: format!("/{css_name}"),
            integrity: integrity(&css),
        },
        &built(&format!("{APP}.js")),
        &built(&format!("{APP}_bg.wasm")),
        &built(SPLIT_LOADER),
    )?;
    std::fs::write(dist.join("index.html"), html)?;

    let mut files = Vec::new();
    for path in walk(&dist)? {
        let (raw, br) = crate::precompress(&path)?;
        let relative = path.strip_prefix(&dist)?.display().to_string();
        files.push((relative, raw, br));
    }
    files.sort_by(|a, b| (a.0 != "index.html", &a.0).cmp(&(b.0 != "index.html", &b.0)));
    let (raw, br) = files
        .iter()
        .fold((0, 0), |(r, b), (_, raw, br)| (r + raw, b + br));
    for (name, raw, br) in &files {
        println!("    {name}: {} KB raw, {} KB brotli", raw / 1024, br / 1024);
    }
    println!(
        "    ok: {} files, {} KB raw, {} KB brotli",
        files.len(),
        raw / 1024,
        br / 1024
    );
    Ok(())
}

/// A file the page links to: its address and its integrity.
struct Built {
    href: String,
    integrity: String,
}

/// `index.html` with its two markers replaced by the built files: the stylesheet, then the
/// app's JS and its chunk loader (module preloads), the main module (a preload) and the inline
/// module that starts it.
fn page(template: &str, css: &Built, js: &Built, wasm: &Built, loader: &Built) -> Result<String> {
    let css_link =
        "<!-- orgdesk:stylesheet (cargo xtask writes the built stylesheet's link here) -->";
    let rust_link = "<!-- orgdesk:app (cargo xtask writes the app's preloads and loader here) -->";
    if !template.contains(css_link) || !template.contains(rust_link) {
        bail!("index.html no longer has the two markers this build replaces");
    }
    let module = |file: &Built| {
        format!(
            r#"<link rel="modulepreload" href="{}" crossorigin="anonymous" integrity="{}" />"#,
            file.href, file.integrity
        )
    };
    Ok(template
        .replace(
            css_link,
            &format!(
                r#"<link rel="stylesheet" href="{}" integrity="{}" />"#,
                css.href, css.integrity
            ),
        )
        .replace(
            rust_link,
            &format!(
                r#"{}
    {}
    <link rel="preload" href="{wasm}" as="fetch" type="application/wasm" crossorigin="anonymous" integrity="{wasm_integrity}" />
    <script type="module">import init from '{js}'; await init({{ module_or_path: '{wasm}' }});</script>"#,
                module(js),
                module(loader),
                wasm = wasm.href,
                wasm_integrity = wasm.integrity,
                js = js.href,
            ),
        ))
}

fn integrity(bytes: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes))
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn file_name(path: &Path) -> Result<String> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .with_context(|| format!("a file name in {}", path.display()))
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(walk(&path)?);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}
