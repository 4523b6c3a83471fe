//! The site's built files (`site-root`: the WASM, its JavaScript, the stylesheet, the public
//! assets) as a phone on 4G should get them: compressed once, and cached for as long as they
//! cannot change.
//!
//! - Compression happens once per file, never per request: a release build is precompressed by
//!   cargo-leptos (`--precompress`, highest levels), and at start-up [`precompress`] writes the
//!   `.br` and `.gz` twins of any file that lacks a current one (a development build; quick
//!   levels, a few seconds). [`ServeDir`] sends the
//!   twin the browser accepts, with `Content-Encoding`.
//! - A build with hashed file names (`hash-files`, the release build) names each file of the
//!   package directory by its content: those are `public, max-age=31536000, immutable`. Without
//!   hashes (a development build) they are `no-cache`: the browser asks again and gets a
//!   `304 Not Modified` from `Last-Modified` when nothing changed.
//! - Pages and JSON are compressed per answer by [`compression`], the only way for what is made
//!   per request; answers that already carry an encoding (the twins above) are left alone.

use axum::Router;
use axum::http::{HeaderValue, header};
use leptos::prelude::LeptosOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// `Cache-Control` of a file whose name changes with its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The file types worth compressing; images and fonts are compressed already.
const COMPRESSIBLE: &[&str] = &[
    "wasm", "js", "css", "svg", "json", "html", "txt", "map", "ico",
];

/// Files smaller than this are sent as they are: compression would not pay for its header.
const MIN_SIZE: u64 = 1024;

/// The package directory (`/pkg`): the WASM, its JavaScript and the stylesheet, precompressed,
/// with conditional requests, and immutable when the build hashed their names.
pub fn package_routes<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    let cache = if options.hash_files {
        IMMUTABLE
    } else {
        "no-cache"
    };
    Router::new().nest_service(
        &format!("/{}", options.site_pkg_dir),
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache),
            ))
            .service(files),
    )
}

/// Compression of what is made per request (pages, JSON); never of the WASM or of anything that
/// already carries a `Content-Encoding` (the precompressed files).
pub fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = DefaultPredicate::new()
        .and(SizeAbove::new(MIN_SIZE as u16))
        .and(NotForContentType::const_new("application/wasm"));
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .no_deflate()
        .no_zstd()
        .compress_when(predicate)
}

/// Whether the build beside the running program hashed its file names: cargo-leptos writes the
/// hashes to `hash.txt` next to the server binary, and Leptos reads them from there.
pub fn build_has_hashes(options: &LeptosOptions) -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
        .is_some_and(|path| path.is_file())
}

/// Writes the `.br` and `.gz` twin of every compressible file under `root` that lacks one as new
/// as the file. Returns how many files it compressed. Runs in a blocking thread.
pub async fn precompress(root: PathBuf) -> std::io::Result<usize> {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut done = 0;
        for file in files_under(&root)? {
            if compress_file(&file)? {
                done += 1;
            }
        }
        if done > 0 {
            tracing::info!(
                files = done,
                ms = started.elapsed().as_millis() as u64,
                "compressed the site's files"
            );
        }
        Ok(done)
    })
    .await
    .map_err(std::io::Error::other)?
}

fn files_under(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| COMPRESSIBLE.contains(&e))
            {
                found.push(path);
            }
        }
    }
    Ok(found)
}

/// Compresses one file unless its twins are current; true when it wrote them.
fn compress_file(path: &Path) -> std::io::Result<bool> {
    let meta = std::fs::metadata(path)?;
    if meta.len() < MIN_SIZE {
        return Ok(false);
    }
    let modified = meta.modified()?;
    let current = |suffix: &str| {
        std::fs::metadata(with_suffix(path, suffix))
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= modified)
    };
    if current("br") && current("gz") {
        return Ok(false);
    }
    let content = std::fs::read(path)?;
    // Quick levels: this runs for a development build, whose files change with every build (a
    // release build arrives precompressed at the highest levels); at level 11 the WASM of a
    // development build took a minute and a half.
    let quality = 5;
    let mut brotli = Vec::with_capacity(content.len() / 3);
    {
        let params = brotli::enc::BrotliEncoderParams {
            quality,
            lgwin: 22,
            ..Default::default()
        };
        let mut writer = brotli::CompressorWriter::with_params(&mut brotli, 64 * 1024, &params);
        writer.write_all(&content)?;
    }
    let mut gzip = flate2::write::GzEncoder::new(
        Vec::with_capacity(content.len() / 3),
        flate2::Compression::default(),
    );
    gzip.write_all(&content)?;
    let gzip = gzip.finish()?;
    write_atomically(&with_suffix(path, "br"), &brotli)?;
    write_atomically(&with_suffix(path, "gz"), &gzip)?;
    Ok(true)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// A reader never sees half a file: written beside, then renamed over.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_twins_once_and_again_after_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir(&pkg).unwrap();
        let wasm = pkg.join("app.wasm");
        std::fs::write(&wasm, "hydrate ".repeat(1000)).unwrap();
        std::fs::write(pkg.join("tiny.js"), "x").unwrap();
        std::fs::write(pkg.join("photo.png"), vec![7u8; 4096]).unwrap();

        assert_eq!(precompress(dir.path().into()).await.unwrap(), 1);
        assert!(pkg.join("app.wasm.br").is_file() && pkg.join("app.wasm.gz").is_file());
        assert!(!pkg.join("tiny.js.br").exists(), "too small to be worth it");
        assert!(
            !pkg.join("photo.png.br").exists(),
            "not a compressible type"
        );
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(
            &mut std::fs::File::open(pkg.join("app.wasm.br")).unwrap(),
            &mut unbrotli,
        )
        .unwrap();
        assert_eq!(unbrotli, std::fs::read(&wasm).unwrap());

        assert_eq!(precompress(dir.path().into()).await.unwrap(), 0, "current");
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&wasm, "hydrated ".repeat(1000)).unwrap();
        assert_eq!(
            precompress(dir.path().into()).await.unwrap(),
            1,
            "stale twins"
        );
    }
}
