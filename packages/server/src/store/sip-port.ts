// The SIP directory port: the rooms that map a dialled SIP user part to a thread, and the users
// that may REGISTER. Every rule a second adapter must keep is stated here and checked by
// test/store/contract/sip-directory.

/** A room: `sip:<room>@host` joins the active call of this thread (docs/contract.md §3, SIP). */
export interface SipRoom {
  /** The dialled user part: 1–64 of `[A-Za-z0-9._+-]` (checked above the port). */
  room: string;
  streamId: string;
  threadId: string;
  /** Milliseconds since the Unix epoch. */
  createdAt: number;
}

export interface SipRoomPage {
  rooms: SipRoom[];
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: string | null;
}

/** A user that may REGISTER (digest authentication, RFC 8760 / RFC 2617); never the password. */
export interface SipUser {
  /** A userId (docs/contract.md §1), also the digest user name. */
  userId: string;
  /** The digest realm the hashes were made for. */
  realm: string;
  /** H(userId:realm:password) with MD5 and with SHA-256, lower-case hex. */
  ha1Md5: string;
  ha1Sha256: string;
  createdAt: number;
}

export interface SipDirectory {
  /**
   * Stores a new room. A room of that name already stored: throws CallhookError `conflict`
   * and changes nothing (a room is changed by deleting and creating it again).
   */
  createRoom(room: SipRoom): Promise<void>;
  /** The room stored under exactly this name (names compare byte for byte), or undefined. */
  getRoom(room: string): Promise<SipRoom | undefined>;
  /**
   * Rooms in ascending order of their name compared as bytes (binary / "C" collation; names
   * are ASCII), the first `limit` (1–500) whose name is greater than `after`. Each room is
   * listed once across pages; `nextAfter` is null exactly when no room follows this page.
   */
  listRooms(query: { limit: number; after?: string }): Promise<SipRoomPage>;
  /** Deletes the room; true if there was one. */
  deleteRoom(room: string): Promise<boolean>;

  /** Stores the user, replacing one of the same userId (a new password) whole. */
  putUser(user: SipUser): Promise<void>;
  /** The user stored under exactly this userId, or undefined. */
  getUser(userId: string): Promise<SipUser | undefined>;
  /** Deletes the user; true if there was one. */
  deleteUser(userId: string): Promise<boolean>;
}
