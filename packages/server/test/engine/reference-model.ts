// A reference model of one call, written from docs/contract.md §2 alone (not from the engine):
// it predicts the outcome of every command, replays the events the engine emitted
// (asserting each was legal at that point), and recomputes dialog time by brute force.
import assert from 'node:assert/strict';
import { DTMF_SYMBOLS } from '@callhook/sdk';
import type { EngineConfig, EngineEvent } from '../../src/engine/call-state.ts';
import type { CallCommand } from '../../src/engine/commands.ts';

export type Standing = 'absent' | 'invited' | 'joined' | 'paused' | 'removed';
type UserCommand = 'invite' | 'join' | 'pause' | 'unpause' | 'remove';

const ALLOWED: Record<UserCommand, Standing[]> = {
  invite: ['absent', 'removed'],
  join: ['invited'],
  pause: ['joined'],
  unpause: ['paused'],
  remove: ['invited', 'joined', 'paused'],
};
const EVENT_OF: Record<UserCommand, string | null> = {
  invite: 'call.user.invited',
  join: null,
  pause: 'call.user.paused',
  unpause: 'call.user.unpaused',
  remove: 'call.user.removed',
};
export const USERS = ['a', 'b', 'c'];
export const BAD_USER = 'bad user';

export type Expected = [type: string, userId: string | null][];

const present = (s: Standing) => s === 'invited' || s === 'joined' || s === 'paused';
const inDialog = (s: Standing) => s === 'joined' || s === 'paused';

export class ReferenceModel {
  /** Map order = invitation order (a re-invite moves the user to the end). */
  readonly users = new Map<string, Standing>();
  /** Every participant change: [time, user, new standing]. */
  readonly log: [number, string, Standing][] = [];
  ended = false;
  endedAt: number | null = null;
  everInvited = false;
  idleSince: number | null;
  lastT: number;

  constructor(readonly createdAt: number) {
    this.idleSince = createdAt;
    this.lastT = createdAt;
  }

  standing(userId: string): Standing {
    return this.users.get(userId) ?? 'absent';
  }

  presentUsers(): string[] {
    return [...this.users].filter(([, s]) => present(s)).map(([u]) => u);
  }

  /** The events an accepted command must emit, or the error code it must be refused with. */
  predict(cmd: CallCommand): Expected | 'validation_error' | 'invalid_transition' {
    if (cmd.type === 'dtmf') {
      const ok = cmd.digits.length >= 1 && cmd.digits.length <= 32;
      const symbols = [...cmd.digits];
      if (!ok || !symbols.every((c) => (DTMF_SYMBOLS as readonly string[]).includes(c))) {
        return 'validation_error';
      }
      if (cmd.userId === BAD_USER) return 'validation_error';
      if (this.ended) return 'invalid_transition';
      if (cmd.userId !== undefined && !inDialog(this.standing(cmd.userId))) {
        return 'invalid_transition';
      }
      return symbols.map(() => ['call.dtmf', null]);
    }
    if (cmd.type === 'end') return this.ended ? 'invalid_transition' : this.endEvents();
    if (cmd.userId === BAD_USER) return 'validation_error';
    if (this.ended) return 'invalid_transition';
    if (!ALLOWED[cmd.type].includes(this.standing(cmd.userId))) return 'invalid_transition';
    const event = EVENT_OF[cmd.type];
    const expected: Expected = event ? [[event, cmd.userId]] : [];
    if (cmd.type === 'remove' && this.presentUsers().length === 1) {
      expected.push(['call.ended', null]);
    }
    return expected;
  }

  /** One of the commands the contract allows for this user now (`pick` chooses). */
  legalMove(userId: string, pick: number): CallCommand {
    const moves = (Object.keys(ALLOWED) as UserCommand[]).filter((c) =>
      ALLOWED[c].includes(this.standing(userId)),
    );
    // Removal (which often ends the call) only one time in three, so calls get deep.
    const stay = moves.filter((c) => c !== 'remove');
    const pool = stay.length > 0 && pick % 3 !== 0 ? stay : moves;
    const type = pool[pick % pool.length]!;
    return { type, userId };
  }

  endEvents(): Expected {
    return [
      ...this.presentUsers().map((u): [string, string] => ['call.user.removed', u]),
      ['call.ended', null],
    ];
  }

  /** When the call must end by itself, per the limits; null if never. */
  deadline(config: EngineConfig): { at: number; reason: string } | null {
    if (this.ended) return null;
    const max = this.createdAt + config.maxDurationMs;
    if (this.idleSince === null) return { at: max, reason: 'max_duration' };
    const idle = this.idleSince + config.idleTimeoutMs;
    return idle < max ? { at: idle, reason: 'idle_timeout' } : { at: max, reason: 'max_duration' };
  }

  private move(userId: string, to: Standing, t: number): void {
    if (to === 'invited') {
      this.users.delete(userId);
      this.everInvited = true;
      this.idleSince = null;
    }
    this.users.set(userId, to);
    this.log.push([t, userId, to]);
    if (this.idleSince === null && this.presentUsers().length === 0) this.idleSince = t;
  }

  join(userId: string, t: number): void {
    assert.equal(this.standing(userId), 'invited', 'only an invited user joins');
    this.move(userId, 'joined', t);
  }

  /** Replays one emitted event, asserting it was legal at that point. */
  replay(event: EngineEvent, t: number): void {
    assert.equal(this.ended, false, 'no event after call.ended');
    assert.equal(event.occurredAt, t, 'stamped with the effective time');
    const p = event.payload;
    switch (p.eventType) {
      case 'call.user.invited':
        assert.ok(!present(this.standing(p.userId)), 'invite only absent/removed users');
        this.move(p.userId, 'invited', t);
        return;
      case 'call.user.paused':
        assert.equal(this.standing(p.userId), 'joined', 'pause only between join and remove');
        this.move(p.userId, 'paused', t);
        return;
      case 'call.user.unpaused':
        assert.equal(this.standing(p.userId), 'paused', 'unpause only a paused user');
        this.move(p.userId, 'joined', t);
        return;
      case 'call.user.removed':
        assert.ok(present(this.standing(p.userId)), 'remove only present users');
        this.move(p.userId, 'removed', t);
        return;
      case 'call.ended':
        assert.deepEqual(this.presentUsers(), [], 'everyone removed before call.ended');
        this.ended = true;
        this.endedAt = t;
        return;
      case 'call.dtmf':
        return;
      case 'call.created':
        assert.fail('call.created after the start');
    }
  }

  /** Dialog time up to `until`, walking every interval between logged changes. */
  bruteForceDialog(until: number): number {
    const times = [...new Set([...this.log.map(([t]) => t), until])].sort((x, y) => x - y);
    let total = 0;
    for (let i = 0; i + 1 < times.length; i++) {
      const from = times[i]!;
      const to = Math.min(times[i + 1]!, until);
      const standing = new Map<string, Standing>();
      for (const [t, user, s] of this.log) if (t <= from) standing.set(user, s);
      const joined = [...standing.values()].filter(inDialog).length;
      if (joined >= 2 && to > from) total += to - from;
    }
    return total;
  }
}
