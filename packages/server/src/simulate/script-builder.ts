// Builds one call's script while tracking the participants' states (docs/contract.md §2), so every
// step is valid when it is written, and each step knows how many events it will emit.
// A generator bug (a step the contract forbids) throws here, not as a 409 at run time.

type Standing = 'absent' | 'invited' | 'joined' | 'paused' | 'removed';

/** One control-API command of a script. `events` is how many events a correct server emits. */
export type ScriptStep =
  | { op: 'create'; threadId: string; streamId: string; events: number }
  | { op: 'invite' | 'join' | 'pause' | 'unpause' | 'remove'; userId: string; events: number }
  | { op: 'dtmf'; userId: string; digits: string; events: number }
  | { op: 'end'; events: number };

export type ScriptOp = ScriptStep['op'];

export class ScriptBuilder {
  readonly steps: ScriptStep[] = [];
  private readonly standing = new Map<string, Standing>();
  private everInvited = false;
  private ended = false;

  constructor(threadId: string, streamId: string) {
    this.steps.push({ op: 'create', threadId, streamId, events: 1 });
  }

  get isEnded(): boolean {
    return this.ended;
  }

  stateOf(userId: string): Standing {
    return this.standing.get(userId) ?? 'absent';
  }

  /** Users still in the call (ringing, talking or on hold), in invitation order. */
  present(): string[] {
    return [...this.standing].filter(([, s]) => s !== 'removed').map(([u]) => u);
  }

  /** Users joined or on hold: those who can press keys, pause or unpause. */
  inDialog(): string[] {
    return [...this.standing].filter(([, s]) => s === 'joined' || s === 'paused').map(([u]) => u);
  }

  invite(userId: string): this {
    this.move('invite', userId, ['absent', 'removed'], 'invited', 1);
    this.everInvited = true;
    return this;
  }

  join(userId: string): this {
    return this.move('join', userId, ['invited'], 'joined', 0);
  }

  pause(userId: string): this {
    return this.move('pause', userId, ['joined'], 'paused', 1);
  }

  unpause(userId: string): this {
    return this.move('unpause', userId, ['paused'], 'joined', 1);
  }

  /** Removing the last one present ends the call: call.user.removed, then call.ended. */
  remove(userId: string): this {
    this.move('remove', userId, ['invited', 'joined', 'paused'], 'removed', 1);
    if (this.everInvited && this.present().length === 0) {
      this.steps.at(-1)!.events += 1;
      this.ended = true;
    }
    return this;
  }

  dtmf(userId: string, digits: string): this {
    this.assertActive('dtmf');
    const s = this.stateOf(userId);
    if (s !== 'joined' && s !== 'paused') {
      throw new Error(`script bug: dtmf from ${userId}, who is ${s}`);
    }
    if (digits.length < 1 || digits.length > 32) throw new Error('script bug: 1-32 DTMF symbols');
    this.steps.push({ op: 'dtmf', userId, digits, events: digits.length });
    return this;
  }

  /** Hang-up: call.user.removed for everyone present, then call.ended. */
  end(): this {
    this.assertActive('end');
    const present = this.present();
    for (const userId of present) this.standing.set(userId, 'removed');
    this.steps.push({ op: 'end', events: present.length + 1 });
    this.ended = true;
    return this;
  }

  private move(
    op: 'invite' | 'join' | 'pause' | 'unpause' | 'remove',
    userId: string,
    from: readonly Standing[],
    to: Standing,
    events: number,
  ): this {
    this.assertActive(op);
    const s = this.stateOf(userId);
    if (!from.includes(s)) throw new Error(`script bug: ${op} ${userId}, who is ${s}`);
    this.standing.set(userId, to);
    this.steps.push({ op, userId, events });
    return this;
  }

  private assertActive(op: string): void {
    if (this.ended) throw new Error(`script bug: ${op} after the call ended`);
  }
}
