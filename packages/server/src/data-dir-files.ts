// The files of a data directory (`--data`), by name: known to the server and to commands such
// as `callhook backup` that must not load the server to find them.

/** The SQLite database. */
export const DATABASE_FILE = 'callhook.db';
/** File in the data directory naming the node that owns it (its delivery leases). */
export const NODE_ID_FILE = 'node-id';
