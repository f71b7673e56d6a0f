//! `--secret-file PATH`: a one-time secret written to a new file that only its owner can read,
//! instead of to stdout, where it would stay in terminal scrollback and CI logs.
//!
//! The file is created (empty, mode 0600, never over an existing file) before any request is
//! made, so that a path that cannot be written is found out before a secret exists that would
//! then be lost. It holds the secret alone, without a newline. If the command ends without a
//! secret to write, the empty file is removed again.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// Where a one-time secret went: to stdout, or to its `--secret-file`.
pub enum SecretShown {
    Stdout,
    InFile(PathBuf),
}

impl SecretShown {
    /// What a person reads in the secret's place: the secret itself, or where it was written.
    pub fn describe(&self, secret: &str) -> String {
        match self {
            Self::Stdout => secret.to_string(),
            Self::InFile(path) => format!("written to {}", path.display()),
        }
    }

    /// The file it went to, if it did not go to stdout.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Self::Stdout => None,
            Self::InFile(path) => Some(path),
        }
    }
}

/// A reserved secret file, removed again unless a secret is written to it.
pub struct SecretFile {
    path: PathBuf,
    file: Option<File>,
}

impl SecretFile {
    /// Creates `path`, empty, readable and writable by its owner only. An existing file (or a
    /// symbolic link, even a dangling one) is never opened: that is a usage error.
    pub fn reserve(path: &Path) -> Result<Self, Failure> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(file) => Ok(Self {
                path: path.to_path_buf(),
                file: Some(file),
            }),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Err(Failure::usage(format_args!(
                    "--secret-file {} exists already: it is never overwritten; pass a new path",
                    path.display()
                )))
            }
            Err(e) => Err(Failure::usage(format_args!(
                "--secret-file {}: cannot create it: {e}",
                path.display()
            ))),
        }
    }

    /// Only checks that `path` does not exist, for a dry run, which writes nothing.
    pub fn check_absent(path: &Path) -> Result<(), Failure> {
        if path.symlink_metadata().is_ok() {
            return Err(Failure::usage(format_args!(
                "--secret-file {} exists already: it is never overwritten; pass a new path",
                path.display()
            )));
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the secret and syncs it to disk; the file is then kept.
    pub fn write(mut self, secret: &str) -> io::Result<()> {
        let mut file = self.file.take().ok_or(io::ErrorKind::BrokenPipe)?;
        let written = file
            .write_all(secret.as_bytes())
            .and_then(|()| file.sync_all());
        if written.is_err() {
            // A partial secret is worse than none.
            let _ = std::fs::remove_file(&self.path);
        }
        written
    }
}

impl Drop for SecretFile {
    fn drop(&mut self) {
        // Still holding the file means nothing was written: remove the empty file made for it.
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reserved_file_is_private_and_removed_unless_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        let file = SecretFile::reserve(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = path.metadata().unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            matches!(SecretFile::reserve(&path), Err(Failure::Usage(m)) if m.contains("exists already"))
        );
        drop(file);
        assert!(!path.exists(), "an unused reservation is removed");

        let file = SecretFile::reserve(&path).unwrap();
        file.write("s3cr3t").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "s3cr3t");
    }

    #[test]
    fn existing_files_and_links_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken");
        std::fs::write(&path, "keep me").unwrap();
        assert!(SecretFile::reserve(&path).is_err());
        assert!(SecretFile::check_absent(&path).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
            assert!(SecretFile::reserve(&link).is_err());
            assert!(SecretFile::check_absent(&link).is_err());
            assert!(!dir.path().join("nowhere").exists());
        }
        let missing_dir = dir.path().join("no/such/dir/secret");
        assert!(
            matches!(SecretFile::reserve(&missing_dir), Err(Failure::Usage(m)) if m.contains("cannot create"))
        );
        assert!(SecretFile::check_absent(&dir.path().join("free")).is_ok());
    }
}
