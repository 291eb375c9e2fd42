//! The requests, in SQLite: one row per request id, written with a full sync before the
//! server answers, so a request acknowledged is on disk even if the machine dies.
//!
//! A request stays only until the desk confirms it holds it (`ack`: the row is deleted
//! and its id kept as a tombstone, so a replay is not stored again) or until the
//! retention period ends (`purge`). Deleted rows leave no readable bytes behind:
//! `secure_delete` overwrites them in the file and a `wal_checkpoint(TRUNCATE)` after
//! each deletion empties the write-ahead log.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// What the intake remembers of a request the desk took: a hash of its id under the
/// intake's own label, enough to refuse a replay. Not the id, and not the public
/// feed's `ref` (SHA-256 of the id): a stolen disk cannot link the times requests
/// arrived to the answers the feed publishes. `tombstone(id)`.
pub fn tombstone(id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"yizhan-intake/acked\n")
        .chain_update(id.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The store behind one lock: SQLite serialises writers anyway, and a union's peak is
/// a few requests per second.
pub struct Store {
    db: Mutex<Connection>,
}

/// What happened to a request offered to the store.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    New,
    /// The same id was stored before (or stored and then acknowledged by the desk):
    /// nothing new is written.
    Repeat,
}

/// One stored request as the desk API pages through them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub seq: i64,
    pub id: String,
    pub received_at: String,
    /// The body exactly as received.
    pub body: String,
}

/// What a purge removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Requests received before the cut-off that the desk never acknowledged.
    pub requests: usize,
    /// Tombstones of acknowledged ids older than the cut-off.
    pub tombstones: usize,
}

/// `t` as the intake writes times: UTC, RFC 3339, milliseconds, `Z`
/// (`2026-11-23T02:00:00.000Z`): `timestamp(SystemTime::now())`. The same shape sorts
/// the same as text and as time.
pub fn timestamp(t: SystemTime) -> String {
    DateTime::<Utc>::from(t).to_rfc3339_opts(SecondsFormat::Millis, true)
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS requests (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT UNIQUE NOT NULL,
        kind        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        received_at TEXT NOT NULL,
        body        TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS requests_received_at ON requests (received_at);
    CREATE TABLE IF NOT EXISTS acked (
        id       TEXT PRIMARY KEY,
        acked_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS acked_acked_at ON acked (acked_at);";

impl Store {
    /// Opens (or creates) the database at `path` in WAL mode with full syncs, and
    /// brings a database of an earlier intake (`requests` keyed by `id`, no `seq`) to
    /// this schema, keeping its rows: `Store::open("intake.sqlite")`.
    pub fn open(path: &Path) -> rusqlite::Result<Store> {
        let mut db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: the commit is on disk before `save` returns (kill -9 or power loss after
        // a 2xx loses nothing).
        db.pragma_update(None, "synchronous", "FULL")?;
        // A deleted row's bytes are overwritten with zeros, not left in free space.
        db.pragma_update(None, "secure_delete", "ON")?;
        db.busy_timeout(Duration::from_secs(5))?;
        let tx = db.transaction()?;
        let old = tx.query_row(
            "SELECT COUNT(*) = 0 FROM pragma_table_info('requests') WHERE name = 'seq'",
            [],
            |row| row.get::<_, bool>(0),
        )? && tx.query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'requests'",
            [],
            |row| row.get::<_, bool>(0),
        )?;
        if old {
            tx.execute_batch("ALTER TABLE requests RENAME TO requests_before_seq;")?;
        }
        tx.execute_batch(SCHEMA)?;
        if old {
            // In the order they arrived: the desk pages by seq.
            tx.execute_batch(
                "INSERT OR IGNORE INTO requests (id, kind, created_at, received_at, body)
                     SELECT lower(id), kind, created_at, received_at, body
                     FROM requests_before_seq ORDER BY received_at, rowid;
                 DROP TABLE requests_before_seq;",
            )?;
        }
        tx.commit()?;
        if old {
            checkpoint(&db)?;
        }
        Ok(Store { db: Mutex::new(db) })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores a request once, received at `received_at` ([`timestamp`]): a second
    /// call with the same `id`, or one after the desk acknowledged it, changes nothing.
    pub fn save(
        &self,
        id: &str,
        kind: &str,
        created_at: &str,
        body: &str,
        received_at: &str,
    ) -> rusqlite::Result<Saved> {
        let inserted = self.lock().execute(
            "INSERT OR IGNORE INTO requests (id, kind, created_at, received_at, body)
                 SELECT ?1, ?2, ?3, ?4, ?5
                 WHERE NOT EXISTS (SELECT 1 FROM acked WHERE id = ?6)",
            params![id, kind, created_at, received_at, body, tombstone(id)],
        )?;
        Ok(if inserted == 1 {
            Saved::New
        } else {
            Saved::Repeat
        })
    }

    /// How many requests are stored, and whether the database answers (`/healthz`).
    pub fn count(&self) -> rusqlite::Result<u64> {
        self.lock()
            .query_row("SELECT COUNT(*) FROM requests", [], |row| row.get(0))
    }

    /// The stored body of request `id`, if any.
    pub fn body_of(&self, id: &str) -> rusqlite::Result<Option<String>> {
        self.lock()
            .query_row("SELECT body FROM requests WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()
    }

    /// At most `limit` requests with a seq above `after`, oldest first.
    pub fn page(&self, after: i64, limit: usize) -> rusqlite::Result<Vec<Row>> {
        let db = self.lock();
        let mut statement = db.prepare_cached(
            "SELECT seq, id, received_at, body FROM requests
                 WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = statement.query_map(params![after, limit as i64], |row| {
            Ok(Row {
                seq: row.get(0)?,
                id: row.get(1)?,
                received_at: row.get(2)?,
                body: row.get(3)?,
            })
        })?;
        rows.collect()
    }

    /// The desk holds these requests: deletes them, remembers their ids (as of
    /// `acked_at`) so a replay is not stored again, and empties the WAL. Returns how
    /// many were deleted; ids not stored (unknown, or acknowledged before) are skipped.
    pub fn ack(&self, ids: &[String], acked_at: &str) -> rusqlite::Result<usize> {
        let mut db = self.lock();
        let tx = db.transaction()?;
        let mut deleted = 0;
        {
            let mut delete = tx.prepare_cached("DELETE FROM requests WHERE id = ?1")?;
            let mut remember =
                tx.prepare_cached("INSERT OR IGNORE INTO acked (id, acked_at) VALUES (?1, ?2)")?;
            for id in ids {
                let id = id.trim().to_ascii_lowercase();
                if delete.execute([&id])? == 1 {
                    remember.execute([&tombstone(&id), acked_at])?;
                    deleted += 1;
                }
            }
        }
        tx.commit()?;
        if deleted > 0 {
            checkpoint(&db)?;
        }
        Ok(deleted)
    }

    /// Forgets what is older than `keep_days` days at `now`: the requests received
    /// before then that the desk never acknowledged, and the tombstones of the ones it
    /// did. `store.purge(SystemTime::now(), 30)`.
    pub fn purge(&self, now: SystemTime, keep_days: u32) -> rusqlite::Result<Purged> {
        let span = Duration::from_secs(u64::from(keep_days) * 86_400);
        let cutoff = timestamp(now.checked_sub(span).unwrap_or(SystemTime::UNIX_EPOCH));
        let mut db = self.lock();
        let tx = db.transaction()?;
        let purged = Purged {
            requests: tx.execute("DELETE FROM requests WHERE received_at < ?1", [&cutoff])?,
            tombstones: tx.execute("DELETE FROM acked WHERE acked_at < ?1", [&cutoff])?,
        };
        tx.commit()?;
        if purged.requests + purged.tombstones > 0 {
            checkpoint(&db)?;
        }
        Ok(purged)
    }
}

/// Copies the WAL into the database and truncates it to nothing, so no old page of a
/// deleted row stays in the log.
fn checkpoint(db: &Connection) -> rusqlite::Result<()> {
    db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("yizhan-intake-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("intake.sqlite")
    }

    #[test]
    fn times_are_utc_with_milliseconds() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_795_000_000_123);
        assert_eq!(timestamp(t), "2026-11-18T11:06:40.123Z");
    }

    #[test]
    fn an_old_database_is_migrated_and_keeps_its_rows() {
        let path = temp_db("migrate");
        {
            let db = Connection::open(&path).unwrap();
            db.execute_batch(
                "CREATE TABLE requests (
                    id          TEXT PRIMARY KEY,
                    kind        TEXT NOT NULL,
                    created_at  TEXT NOT NULL,
                    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                    body        TEXT NOT NULL
                );
                INSERT INTO requests VALUES ('b', 'join', 't', '2026-11-02T00:00:00.000Z', '{\"n\":2}');
                INSERT INTO requests VALUES ('a', 'report', 't', '2026-11-01T00:00:00.000Z', '{\"n\":1}');",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.count().unwrap(), 2);
        let rows = store.page(0, 10).unwrap();
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"], "in the order they arrived");
        assert!(rows[0].seq < rows[1].seq);
        assert_eq!(rows[0].received_at, "2026-11-01T00:00:00.000Z");
        assert_eq!(
            store.save("a", "report", "t", "{}", "x").unwrap(),
            Saved::Repeat
        );
        drop(store);
        // Opening again changes nothing.
        let store = Store::open(&path).unwrap();
        assert_eq!(store.page(0, 10).unwrap(), rows);
    }

    #[test]
    fn seqs_are_never_reused_after_deletions() {
        let store = Store::open(&temp_db("seq")).unwrap();
        let now = timestamp(SystemTime::now());
        store.save("a", "report", "t", "{}", &now).unwrap();
        store.save("b", "report", "t", "{}", &now).unwrap();
        let last = store.page(0, 10).unwrap()[1].seq;
        assert_eq!(store.ack(&["b".into(), "a".into()], &now).unwrap(), 2);
        store.save("c", "report", "t", "{}", &now).unwrap();
        assert!(store.page(0, 10).unwrap()[0].seq > last);
        assert_eq!(
            store.save("b", "report", "t", "{}", &now).unwrap(),
            Saved::Repeat,
            "an acknowledged id is not stored again"
        );
        assert_eq!(store.ack(&["B".into()], &now).unwrap(), 0);
    }

    #[test]
    fn a_replay_after_the_ack_is_refused_and_the_id_is_not_kept() {
        let path = temp_db("tombstone");
        let store = Store::open(&path).unwrap();
        let now = timestamp(SystemTime::now());
        let id = "0b9e6c1e-6a54-4f3b-9a57-1f0a2b3c4d5e";
        assert_eq!(store.save(id, "join", "t", "{}", &now).unwrap(), Saved::New);
        assert_eq!(store.ack(&[id.to_string()], &now).unwrap(), 1);
        assert_eq!(
            store.save(id, "join", "t", "{}", &now).unwrap(),
            Saved::Repeat
        );
        // Neither the id nor the feed's ref of it (SHA-256 of the id) is on disk.
        let public_ref: String = Sha256::digest(id.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        drop(store);
        for file in [path.clone(), path.with_extension("sqlite-wal")] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(id) && !text.contains(&public_ref),
                "{}",
                file.display()
            );
        }
    }

    #[test]
    fn a_purge_forgets_what_is_older_than_the_retention() {
        let store = Store::open(&temp_db("purge")).unwrap();
        let now = SystemTime::now();
        let days = |n: u64| timestamp(now - Duration::from_secs(n * 86_400));
        store.save("old", "report", "t", "{}", &days(31)).unwrap();
        store.save("new", "report", "t", "{}", &days(29)).unwrap();
        store.save("gone", "report", "t", "{}", &days(40)).unwrap();
        store.save("kept", "report", "t", "{}", &days(40)).unwrap();
        store.ack(&["gone".into()], &days(31)).unwrap();
        store.ack(&["kept".into()], &days(1)).unwrap();
        assert_eq!(
            store.purge(now, 30).unwrap(),
            Purged {
                requests: 1,
                tombstones: 1
            }
        );
        assert!(store.body_of("old").unwrap().is_none());
        assert!(store.body_of("new").unwrap().is_some());
        assert_eq!(
            store.save("kept", "report", "t", "{}", &days(0)).unwrap(),
            Saved::Repeat
        );
        assert_eq!(store.purge(now, 30).unwrap(), Purged::default());
    }
}
