//! The storage under the database: faults SQLite reports, and the file system's state.
//!
//! A full or read-only disk is not a bug: writes are refused whole (the transaction
//! rolls back), reads go on, and writes work again once the disk recovers. These
//! types let the API say so (507 or 503) and `/readyz` say why.

use std::path::Path;

use rusqlite::ErrorCode;

use super::StorageError;

/// Below this many free bytes a write may not fit: a transaction appends whole pages
/// to the WAL, and a checkpoint may grow the main file.
pub const MIN_FREE_BYTES: u64 = 1024 * 1024;

/// A fault of the storage, as opposed to a bug or bad data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFault {
    /// No space left on the device (`SQLITE_FULL`).
    Full,
    /// The file or its file system cannot be written (`SQLITE_READONLY`).
    ReadOnly,
    /// The operating system failed a read, write or sync (`SQLITE_IOERR`).
    Io,
}

impl StorageError {
    /// The storage fault behind this error, if it is one.
    pub fn fault(&self) -> Option<StorageFault> {
        let Self::Sqlite(rusqlite::Error::SqliteFailure(e, _)) = self else {
            return None;
        };
        match e.code {
            ErrorCode::DiskFull => Some(StorageFault::Full),
            ErrorCode::ReadOnly => Some(StorageFault::ReadOnly),
            ErrorCode::SystemIoFailure => Some(StorageFault::Io),
            _ => None,
        }
    }
}

/// Why the file system under `db` cannot take writes now, if it cannot.
pub fn unwritable(db: &Path) -> Option<String> {
    let dir = match db.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let stat = match rustix::fs::statvfs(dir) {
        Ok(stat) => stat,
        Err(e) => return Some(format!("directory cannot be examined ({e})")),
    };
    if stat.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY) {
        return Some("file system is read-only".to_owned());
    }
    let free = stat.f_bavail.saturating_mul(stat.f_frsize);
    if free < MIN_FREE_BYTES {
        return Some(format!(
            "file system is full ({free} bytes free; writes need at least {MIN_FREE_BYTES})"
        ));
    }
    cannot_create_in(dir)
}

/// Why a file cannot be created (and removed) in `dir`, if it cannot. ext4 turned
/// read-only by an error (`errors=remount-ro`) still reports itself writable to
/// `statvfs`; only a write tells.
fn cannot_create_in(dir: &Path) -> Option<String> {
    // A name of its own for each probe: two readiness checks at once must not remove
    // each other's file.
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let probe = dir.join(format!(".newsdesk-probe-{}-{n}", std::process::id()));
    let result = std::fs::File::create(&probe).and_then(|file| {
        drop(file);
        std::fs::remove_file(&probe)
    });
    match result {
        Ok(()) => None,
        Err(e) if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem => {
            Some("file system is read-only".to_owned())
        }
        Err(e) => Some(format!("directory cannot be written ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_faults_are_told_apart_from_other_errors() {
        let fault = |code: i32| {
            StorageError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                None,
            ))
            .fault()
        };
        assert_eq!(fault(rusqlite::ffi::SQLITE_FULL), Some(StorageFault::Full));
        assert_eq!(
            fault(rusqlite::ffi::SQLITE_READONLY),
            Some(StorageFault::ReadOnly)
        );
        assert_eq!(
            fault(rusqlite::ffi::SQLITE_IOERR_FSYNC),
            Some(StorageFault::Io)
        );
        assert_eq!(fault(rusqlite::ffi::SQLITE_CONSTRAINT), None);
    }

    #[test]
    fn a_writable_directory_is_not_reported() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(unwritable(&dir.path().join("x.db")), None);
    }

    #[test]
    fn readiness_checks_at_once_do_not_trip_over_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..200 {
                        assert_eq!(unwritable(&db), None);
                    }
                });
            }
        });
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_read_only_connection_refuses_writes_as_a_fault() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        let conn = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let err = StorageError::from(conn.execute("INSERT INTO t VALUES (1)", []).unwrap_err());
        assert_eq!(err.fault(), Some(StorageFault::ReadOnly));
    }
}
