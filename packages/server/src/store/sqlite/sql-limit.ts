/**
 * `LIMIT @limit`, written so that SQLite does not plan the statement again at every run. The
 * SQLite that better-sqlite3 builds (3.53, with STAT4) reads a bare bound LIMIT while planning,
 * and marks the statement to be planned again whenever that parameter is bound again, which
 * better-sqlite3 does at every run: a claim's due scan cost ~90 µs instead of ~5, on an empty
 * table. An expression is not read while planning; the plans are the same (the limits here are
 * small, or the scans are in index order).
 */
export const LIMIT = 'LIMIT CAST(@limit AS INTEGER)';
