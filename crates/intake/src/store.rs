//! The requests, in SQLite: one row per request id, written with a full sync before the
//! server answers, so a request acknowledged is on disk even if the machine dies.

use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::Mutex;

/// The store behind one lock: SQLite serialises writers anyway, and a union's peak is
/// a few requests per second.
pub struct Store {
    db: Mutex<Connection>,
}

/// What happened to a request offered to the store.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    New,
    /// The same id was stored before: nothing new is written.
    Repeat,
}

impl Store {
    /// Opens (or creates) the database at `path` in WAL mode with full syncs:
    /// `Store::open("intake.sqlite")`.
    pub fn open(path: &Path) -> rusqlite::Result<Store> {
        let db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: the commit is on disk before `save` returns (kill -9 or power loss after
        // a 2xx loses nothing).
        db.pragma_update(None, "synchronous", "FULL")?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS requests (
                id          TEXT PRIMARY KEY,
                kind        TEXT NOT NULL,
                created_at  TEXT NOT NULL,
                received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                body        TEXT NOT NULL
            );",
        )?;
        Ok(Store { db: Mutex::new(db) })
    }

    /// Stores a request once: a second call with the same `id` changes nothing.
    pub fn save(
        &self,
        id: &str,
        kind: &str,
        created_at: &str,
        body: &str,
    ) -> rusqlite::Result<Saved> {
        let db = self
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let inserted = db.execute(
            "INSERT OR IGNORE INTO requests (id, kind, created_at, body) VALUES (?1, ?2, ?3, ?4)",
            params![id, kind, created_at, body],
        )?;
        Ok(if inserted == 1 {
            Saved::New
        } else {
            Saved::Repeat
        })
    }

    /// How many requests are stored, and whether the database answers (`/healthz`).
    pub fn count(&self) -> rusqlite::Result<u64> {
        let db = self
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        db.query_row("SELECT COUNT(*) FROM requests", [], |row| row.get(0))
    }

    /// The stored body of request `id`, if any.
    pub fn body_of(&self, id: &str) -> rusqlite::Result<Option<String>> {
        let db = self
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        db.query_row("SELECT body FROM requests WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()
    }
}
