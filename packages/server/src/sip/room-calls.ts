import { CallhookError } from '../errors.ts';
import type { CallService, CommandResult } from '../service/call-service.ts';
import type { SipRoom } from '../store/sip-port.ts';

// An INVITE to a room joins the active call of the room's thread, or starts one. Finding the
// call and inviting into it run one at a time per thread in this process, so two phones
// dialling an idle room at once make one call between them, not two.

export class RoomCalls {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly service: CallService) {}

  /** Invites `userId` into the room's active call (created if none). */
  invite(room: SipRoom, userId: string): Promise<RoomInvite> {
    const key = `${room.streamId}\n${room.threadId}`;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.inviteNow(room, userId));
    const tail = run.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  private async inviteNow(room: SipRoom, userId: string): Promise<RoomInvite> {
    const active = await this.service.listCalls({
      status: 'active',
      threadId: room.threadId,
      streamId: room.streamId,
      limit: 1,
    });
    const existing = active.calls[0];
    if (existing) {
      try {
        return invitedIn(await this.service.command(existing.callId, { type: 'invite', userId }));
      } catch (error) {
        // The call ended meanwhile (a deadline, the API): start a new one below.
        const ended =
          error instanceof CallhookError &&
          error.code === 'invalid_transition' &&
          (await this.service.getCall(existing.callId)).status === 'ended';
        if (!ended) throw error;
      }
    }
    const created = await this.service.createCall({
      threadId: room.threadId,
      streamId: room.streamId,
    });
    return invitedIn(await this.service.command(created.call.callId, { type: 'invite', userId }));
  }
}

export interface RoomInvite {
  callId: string;
  /** seq of the call.user.invited this invite emitted. */
  invitedSeq: number;
}

function invitedIn(result: CommandResult): RoomInvite {
  const invited = result.events.find((e) => e.type === 'call.user.invited');
  return { callId: result.call.callId, invitedSeq: invited?.seq ?? result.call.lastSeq };
}
