import type Database from 'better-sqlite3';
import { CallhookError } from '../../errors.ts';
import type { SipDirectory, SipRoom, SipRoomPage, SipUser } from '../sip-port.ts';
import * as sql from './sip-directory-sql.ts';

interface RoomRow {
  room: string;
  stream_id: string;
  thread_id: string;
  created_at: number;
}

interface UserRow {
  user_id: string;
  realm: string;
  ha1_md5: string;
  ha1_sha256: string;
  created_at: number;
}

const MAX_ROOM_PAGE = 500;

/** The SIP directory in the store's SQLite file, on its connection (migration 6). */
export class SqliteSipDirectory implements SipDirectory {
  private readonly insert: Database.Statement<SipRoom>;
  private readonly select: Database.Statement<{ room: string }, RoomRow>;
  private readonly page: Database.Statement<{ after: string; limit: number }, RoomRow>;
  private readonly remove: Database.Statement<{ room: string }>;
  private readonly upsertUser: Database.Statement<SipUser>;
  private readonly selectUser: Database.Statement<{ userId: string }, UserRow>;
  private readonly removeUser: Database.Statement<{ userId: string }>;

  constructor(db: Database.Database) {
    this.insert = db.prepare(sql.INSERT_ROOM);
    this.select = db.prepare(sql.SELECT_ROOM);
    this.page = db.prepare(sql.SELECT_ROOMS_AFTER);
    this.remove = db.prepare(sql.DELETE_ROOM);
    this.upsertUser = db.prepare(sql.UPSERT_USER);
    this.selectUser = db.prepare(sql.SELECT_USER);
    this.removeUser = db.prepare(sql.DELETE_USER);
  }

  async putUser(user: SipUser): Promise<void> {
    this.upsertUser.run(user);
  }

  async getUser(userId: string): Promise<SipUser | undefined> {
    const row = this.selectUser.get({ userId });
    return row
      ? {
          userId: row.user_id,
          realm: row.realm,
          ha1Md5: row.ha1_md5,
          ha1Sha256: row.ha1_sha256,
          createdAt: row.created_at,
        }
      : undefined;
  }

  async deleteUser(userId: string): Promise<boolean> {
    return this.removeUser.run({ userId }).changes > 0;
  }

  async createRoom(room: SipRoom): Promise<void> {
    const { changes } = this.insert.run(room);
    if (changes === 0) {
      throw new CallhookError(
        'conflict',
        `room ${room.room} exists; delete it first to change it`,
        {
          room: room.room,
        },
      );
    }
  }

  async getRoom(room: string): Promise<SipRoom | undefined> {
    const row = this.select.get({ room });
    return row ? roomOf(row) : undefined;
  }

  async listRooms(query: { limit: number; after?: string }): Promise<SipRoomPage> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_ROOM_PAGE) {
      throw new CallhookError(
        'validation_error',
        `limit must be an integer from 1 to ${MAX_ROOM_PAGE}`,
        {
          limit: query.limit,
        },
      );
    }
    const rows = this.page.all({ after: query.after ?? '', limit: query.limit + 1 });
    const rooms = rows.slice(0, query.limit).map(roomOf);
    const last = rooms[rooms.length - 1];
    return { rooms, nextAfter: rows.length > query.limit && last ? last.room : null };
  }

  async deleteRoom(room: string): Promise<boolean> {
    return this.remove.run({ room }).changes > 0;
  }
}

function roomOf(row: RoomRow): SipRoom {
  return {
    room: row.room,
    streamId: row.stream_id,
    threadId: row.thread_id,
    createdAt: row.created_at,
  };
}
