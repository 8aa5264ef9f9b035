import type pg from 'pg';
import { CallhookError } from '../../errors.ts';
import type { SipDirectory, SipRoom, SipRoomPage, SipUser } from '../sip-port.ts';
import { query } from './pg-connection.ts';

// SIP rooms and users on PostgreSQL (sip-port.ts); names compare byte for byte (COLLATE "C").

interface Row {
  room: string;
  stream_id: string;
  thread_id: string;
  created_at: number;
}

const roomOf = (r: Row): SipRoom => ({
  room: r.room,
  streamId: r.stream_id,
  threadId: r.thread_id,
  createdAt: r.created_at,
});

export class PgSipDirectory implements SipDirectory {
  constructor(private readonly pool: pg.Pool) {}

  async createRoom(room: SipRoom): Promise<void> {
    try {
      await query(
        this.pool,
        'INSERT INTO sip_rooms (room, stream_id, thread_id, created_at) VALUES ($1, $2, $3, $4)',
        [room.room, room.streamId, room.threadId, room.createdAt],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new CallhookError('conflict', `room ${room.room} exists already`, {
          room: room.room,
        });
      }
      throw error;
    }
  }

  async getRoom(room: string): Promise<SipRoom | undefined> {
    const rows = await query<Row>(
      this.pool,
      'SELECT room, stream_id, thread_id, created_at FROM sip_rooms WHERE room = $1',
      [room],
    );
    return rows[0] ? roomOf(rows[0]) : undefined;
  }

  async listRooms(q: { limit: number; after?: string }): Promise<SipRoomPage> {
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 500) {
      throw new CallhookError('validation_error', 'limit must be an integer from 1 to 500', {
        limit: q.limit,
      });
    }
    const rows = await query<Row>(
      this.pool,
      `SELECT room, stream_id, thread_id, created_at FROM sip_rooms
       WHERE $1::text IS NULL OR room > $1::text COLLATE "C"
       ORDER BY room COLLATE "C" LIMIT $2`,
      [q.after ?? null, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    return {
      rooms: page.map(roomOf),
      nextAfter: rows.length > q.limit ? page[page.length - 1]!.room : null,
    };
  }

  async deleteRoom(room: string): Promise<boolean> {
    const rows = await query<{ room: string }>(
      this.pool,
      'DELETE FROM sip_rooms WHERE room = $1 RETURNING room',
      [room],
    );
    return rows.length > 0;
  }

  async putUser(user: SipUser): Promise<void> {
    await query(
      this.pool,
      `INSERT INTO sip_users (user_id, realm, ha1_md5, ha1_sha256, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET realm = excluded.realm, ha1_md5 = excluded.ha1_md5,
         ha1_sha256 = excluded.ha1_sha256, created_at = excluded.created_at`,
      [user.userId, user.realm, user.ha1Md5, user.ha1Sha256, user.createdAt],
    );
  }

  async getUser(userId: string): Promise<SipUser | undefined> {
    const rows = await query<{
      user_id: string;
      realm: string;
      ha1_md5: string;
      ha1_sha256: string;
      created_at: number;
    }>(
      this.pool,
      'SELECT user_id, realm, ha1_md5, ha1_sha256, created_at FROM sip_users WHERE user_id = $1',
      [userId],
    );
    const r = rows[0];
    return r
      ? {
          userId: r.user_id,
          realm: r.realm,
          ha1Md5: r.ha1_md5,
          ha1Sha256: r.ha1_sha256,
          createdAt: r.created_at,
        }
      : undefined;
  }

  async deleteUser(userId: string): Promise<boolean> {
    const rows = await query<{ user_id: string }>(
      this.pool,
      'DELETE FROM sip_users WHERE user_id = $1 RETURNING user_id',
      [userId],
    );
    return rows.length > 0;
  }
}
