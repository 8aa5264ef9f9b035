import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as sql from './sql.ts';

// The checkpoint thread (checkpoint-thread.ts): one connection per database it is given, each
// of which copies its WAL's committed pages back into the database file when asked. That copy
// and its fsync then happen here, not inside a commit on the main thread.

/** What the main thread asks, answered in order, each by the request's id. */
export type CheckpointRequest =
  | { type: 'open'; id: number; db: number; path: string }
  | { type: 'checkpoint'; id: number; db: number }
  | { type: 'close'; id: number; db: number }
  | { type: 'end' };

export type CheckpointReply =
  | { type: 'done'; id: number }
  | { type: 'checkpointed'; id: number; busy: boolean; log: number; checkpointed: number }
  | { type: 'failed'; id: number; message: string; code: string | undefined };

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

if (!parentPort) throw new Error('checkpoint-worker.ts runs as a worker thread only');
const port = parentPort;
const connections = new Map<number, Database.Database>();

function connection(id: number): Database.Database {
  const db = connections.get(id);
  if (!db) throw new Error(`no connection ${id} in the checkpoint thread`);
  return db;
}

function answer(request: Exclude<CheckpointRequest, { type: 'end' }>): CheckpointReply {
  switch (request.type) {
    case 'open': {
      // The main connection created the file and put it in WAL mode (which is persistent);
      // fileMustExist keeps a wrong path from creating an empty database beside the real one.
      const db = new Database(request.path, { fileMustExist: true });
      try {
        db.pragma(sql.PRAGMA_BUSY_TIMEOUT);
        db.pragma(sql.PRAGMA_JOURNAL_WAL);
      } catch (error) {
        db.close();
        throw error;
      }
      connections.set(request.db, db);
      return { type: 'done', id: request.id };
    }
    case 'checkpoint': {
      const [row] = connection(request.db).pragma(sql.PRAGMA_WAL_CHECKPOINT_PASSIVE) as [
        CheckpointRow,
      ];
      return { type: 'checkpointed', id: request.id, ...row, busy: row.busy !== 0 };
    }
    case 'close':
      connections.get(request.db)?.close();
      connections.delete(request.db);
      return { type: 'done', id: request.id };
  }
}

port.on('message', (request: CheckpointRequest) => {
  if (request.type === 'end') {
    for (const db of connections.values()) db.close();
    port.close(); // nothing else is pending, so the thread ends
    return;
  }
  let reply: CheckpointReply;
  try {
    reply = answer(request);
  } catch (error) {
    const { message, code } = error as { message: string; code?: string };
    reply = { type: 'failed', id: request.id, message, code };
  }
  port.postMessage(reply);
});
