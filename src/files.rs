//! Files the desk writes for people (documents, labels, manifests, QR
//! images, trust lists) and files it reads from them: one writer that
//! never leaves half a file and keeps it private, one reader that never
//! takes more than it was told to.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::i18n::Message;

/// Writes `bytes` to `path` through a temporary file beside it, synced to
/// the disk and then renamed over the target: a full disk or a killed
/// process leaves the old file or the new one, never half of one. The
/// file is readable by its owner only (0600): documents carry a citizen's
/// personal data.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    // A name of its own (two writers of one file never share it), made
    // new (a leftover with another mode is never reused).
    let mut suffix = [0u8; 6];
    getrandom::fill(&mut suffix).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.partial", hex::encode(suffix)));
    let tmp = PathBuf::from(tmp);
    let result = write_private(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .and_then(|_| sync_folder(path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Makes every file and folder this process creates from now on its
/// owner's only (umask 077): documents, labels, manifests, previews,
/// trust lists, backups, temporary print files and SQLite's journals,
/// whichever way they are written. The program calls it first thing.
pub fn private_by_default() {
    #[cfg(unix)]
    // SAFETY: umask only sets this process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
}

/// Writes a new file (never an existing one) readable by its owner only.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The rename is durable once the folder that holds the file is synced.
fn sync_folder(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::File::open(folder)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates `dir` (and its parents) if missing; a folder this creates is
/// its owner's only (0700). An existing folder keeps its mode.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

/// Decodes a picture (PNG or JPEG) from memory with the decoder held to
/// `max_side` pixels a side and `max_alloc` bytes: a small file that
/// claims a huge picture (a decompression bomb) is refused by the limits,
/// never allocated. `format`: the one already checked, or none to guess.
/// The caller says what a refusal means in its own words.
pub fn decode_image_bounded(
    bytes: &[u8],
    format: Option<image::ImageFormat>,
    max_side: u32,
    max_alloc: u64,
) -> std::result::Result<image::DynamicImage, image::ImageError> {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    limits.max_alloc = Some(max_alloc);
    let cursor = std::io::Cursor::new(bytes);
    let mut reader = match format {
        Some(format) => image::ImageReader::with_format(cursor, format),
        None => image::ImageReader::new(cursor).with_guessed_format()?,
    };
    reader.limits(limits);
    reader.decode()
}

/// Reads at most `limit` bytes of `path`; a longer file is refused in
/// words (a hostile or mistaken file must not fill the memory).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let unreadable = |e: std::io::Error| {
        Error::BadInput(
            Message::new("err-io")
                .arg("path", path.display())
                .arg("detail", e),
        )
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(Error::BadInput(
            Message::new("err-file-too-large")
                .arg("path", path.display())
                .arg("limit", limit / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_for_the_owner_only() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("doc.pdf");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["doc.pdf"], "no temporary file is left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("no-such-dir").join("doc.pdf");
        assert!(matches!(write_atomic(&path, b"x"), Err(Error::Io { .. })));
        assert!(!path.exists());
    }

    #[test]
    fn reads_are_bounded() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![7u8; 2048]).unwrap();
        assert_eq!(read_bounded(&path, 2048).unwrap().len(), 2048);
        let err = read_bounded(&path, 2047).unwrap_err();
        assert!(
            matches!(err, Error::BadInput(ref m) if m.id == "err-file-too-large"),
            "{err:?}"
        );
        assert!(matches!(
            read_bounded(&dir.path().join("missing"), 10),
            Err(Error::BadInput(_))
        ));
    }
}
