//! A zip of a few small text files, written with the `zip` crate.

use std::io::{Cursor, Write};

/// The files, stored uncompressed (an export is a few kilobytes and the response is compressed
/// on the wire anyway), with a fixed date so that the same export gives the same bytes.
///
/// # Errors
/// Only for a name the format refuses, which would be a bug.
pub fn stored(files: &[(&str, &[u8])]) -> Result<Vec<u8>, String> {
    let mut writer = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Stored)
        .last_modified_time(::zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in files {
        writer
            .start_file(*name, options)
            .map_err(|e| format!("zip entry {name}: {e}"))?;
        writer
            .write_all(bytes)
            .map_err(|e| format!("zip entry {name}: {e}"))?;
    }
    writer
        .finish()
        .map(Cursor::into_inner)
        .map_err(|e| format!("zip: {e}"))
}
