import { LIMIT } from './sql-limit.ts';
// The SIP directory's statements (migration 6, tables sip_rooms and sip_users).

export const INSERT_ROOM = `
  INSERT INTO sip_rooms (room, stream_id, thread_id, created_at)
  VALUES (@room, @streamId, @threadId, @createdAt)
  ON CONFLICT (room) DO NOTHING`;

export const SELECT_ROOM = `
  SELECT room, stream_id, thread_id, created_at FROM sip_rooms WHERE room = @room`;

export const SELECT_ROOMS_AFTER = `
  SELECT room, stream_id, thread_id, created_at FROM sip_rooms
  WHERE room > @after ORDER BY room ${LIMIT}`;

export const DELETE_ROOM = 'DELETE FROM sip_rooms WHERE room = @room';

export const UPSERT_USER = `
  INSERT INTO sip_users (user_id, realm, ha1_md5, ha1_sha256, created_at)
  VALUES (@userId, @realm, @ha1Md5, @ha1Sha256, @createdAt)
  ON CONFLICT (user_id) DO UPDATE SET realm = excluded.realm, ha1_md5 = excluded.ha1_md5,
    ha1_sha256 = excluded.ha1_sha256, created_at = excluded.created_at`;

export const SELECT_USER = `
  SELECT user_id, realm, ha1_md5, ha1_sha256, created_at FROM sip_users WHERE user_id = @userId`;

export const DELETE_USER = 'DELETE FROM sip_users WHERE user_id = @userId';
