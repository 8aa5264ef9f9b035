import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import {
  type HostResolver,
  type TargetPolicy,
  validateEndpointUrl,
} from '../delivery/target-policy.ts';
import { CallhookError } from '../errors.ts';
import type {
  DeliveryStatus,
  DeliveryStore,
  EndpointFilter,
  EndpointRecord,
  MissedEvents,
} from '../store/delivery-port.ts';
import {
  type CreateEndpointInput,
  createEndpointInputSchema,
  type EnableEndpointInput,
  enableEndpointInputSchema,
  fieldError,
  parseInput,
  type ReplayWindowInput,
  replayWindowSchema,
  type UpdateEndpointInput,
  updateEndpointInputSchema,
} from './endpoint-input.ts';
import { newSecret, rotateSecrets } from './endpoint-secrets.ts';
import {
  type DeliveryView,
  deliveryView,
  type EndpointView,
  type EndpointWithSecret,
  endpointView,
} from './endpoint-views.ts';

export interface EndpointServiceOptions {
  store: DeliveryStore;
  clock: Clock;
  /** Which webhook targets may be dialled (the SSRF guard, docs/contract.md §4). */
  policy: TargetPolicy;
  /** Host name lookup for URL checks; the system resolver by default. */
  resolve?: HostResolver;
  newId?: () => string;
  /** Called after a write that may make deliveries due (retry, replay, enable): wakes the dispatcher. */
  onChange?: () => void;
}

/** An endpoint just enabled, with what it missed while disabled (0 if it was enabled). */
export interface EnabledEndpoint extends EndpointView {
  missed: MissedEvents;
}

export interface PageQuery {
  limit: number;
  cursor?: string;
}

/**
 * Webhook endpoints and their deliveries (docs/contract.md §3): subscriptions with their signing
 * secrets, and the operator's view of and hand on the outbox. Answers are public views; a
 * secret is shown only by `create` and `rotateSecret`.
 */
export class EndpointService {
  private readonly store: DeliveryStore;
  private readonly clock: Clock;
  private readonly policy: TargetPolicy;
  private readonly resolve: HostResolver | undefined;
  private readonly newId: () => string;
  private readonly onChange: () => void;
  /** Read-modify-write of endpoints, one at a time, so two rotations cannot lose one. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(options: EndpointServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.policy = options.policy;
    this.resolve = options.resolve;
    this.newId = options.newId ?? (() => `ep_${randomUUID().replaceAll('-', '')}`);
    this.onChange = options.onChange ?? (() => {});
  }

  async create(input: CreateEndpointInput): Promise<EndpointWithSecret> {
    const fields = parseInput(createEndpointInputSchema, input);
    const url = await this.checkUrl(fields.url);
    const now = this.clock.now();
    const secret = newSecret(now);
    const endpoint: EndpointRecord = {
      id: this.newId(),
      url,
      description: fields.description ?? null,
      eventTypes: fields.eventTypes ?? null,
      filter: filterOf(fields.filter),
      enabled: true,
      disabledReason: null,
      secrets: [secret],
      failingSince: null,
      disabledAfterPosition: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.createEndpoint(endpoint);
    return { ...endpointView(endpoint, now), secret: secret.secret };
  }

  async get(id: string): Promise<EndpointView> {
    return endpointView(await this.existing(id), this.clock.now());
  }

  /** Newest first. */
  async list(query: PageQuery): Promise<{ endpoints: EndpointView[]; nextCursor: string | null }> {
    const page = await this.store.listEndpoints(query);
    const now = this.clock.now();
    return { endpoints: page.items.map((e) => endpointView(e, now)), nextCursor: page.nextCursor };
  }

  /**
   * Changes the given fields; a new URL is checked like at creation. `enabled: false` disables
   * (reason `manual`; an endpoint disabled already keeps the reason it has), `enabled: true`
   * is `enable` without `replayMissed`, and the answer then says what was missed.
   */
  async update(
    id: string,
    input: UpdateEndpointInput,
  ): Promise<EndpointView & { missed?: MissedEvents }> {
    const patch = parseInput(updateEndpointInputSchema, input);
    // Before taking the write turn: a slow DNS answer must not hold up other writes.
    const url = patch.url === undefined ? undefined : await this.checkUrl(patch.url);
    const { endpoint, missed } = await this.exclusive(async () => {
      const current = await this.existing(id);
      const next: EndpointRecord = { ...current, updatedAt: this.clock.now() };
      if (url !== undefined) next.url = url;
      if (patch.eventTypes !== undefined) next.eventTypes = patch.eventTypes;
      if (patch.filter !== undefined) next.filter = filterOf(patch.filter);
      if (patch.description !== undefined) next.description = patch.description;
      if (patch.enabled === true) Object.assign(next, ENABLED);
      if (patch.enabled === false && current.enabled) {
        next.enabled = false;
        next.disabledReason = 'manual';
      }
      if (patch.enabled !== true) {
        await this.store.updateEndpoint(next);
        return { endpoint: next, missed: undefined };
      }
      return {
        endpoint: next,
        missed: await this.store.enableEndpoint(next, { replayMissed: false }),
      };
    });
    const view = endpointView(endpoint, this.clock.now());
    if (missed === undefined) return view;
    this.onChange();
    return { ...view, missed };
  }

  /** Deletes the endpoint with its deliveries and their attempts. */
  async delete(id: string): Promise<void> {
    if (!(await this.store.deleteEndpoint(id))) throw endpointNotFound(id);
  }

  /** A new current secret, returned once; the replaced one keeps signing for 24 h. */
  async rotateSecret(id: string): Promise<EndpointWithSecret> {
    return this.exclusive(async () => {
      const current = await this.existing(id);
      const now = this.clock.now();
      const rotated = rotateSecrets(current.secrets, now);
      const next: EndpointRecord = { ...current, secrets: rotated.secrets, updatedAt: now };
      await this.store.updateEndpoint(next);
      return { ...endpointView(next, now), secret: rotated.current.secret };
    });
  }

  /**
   * Enabled again, its failure run forgotten; its waiting deliveries become due. The answer
   * counts the events it missed while disabled (the outbox queued none for it); with
   * `replayMissed` they are queued too, in seq order per call. Enabled already: a no-op that
   * missed nothing.
   */
  async enable(id: string, input: EnableEndpointInput = {}): Promise<EnabledEndpoint> {
    const { replayMissed = false } = parseInput(enableEndpointInputSchema, input);
    const enabled = await this.exclusive(async () => {
      const current = await this.existing(id);
      if (current.enabled) return { endpoint: current, missed: null };
      const next: EndpointRecord = { ...current, ...ENABLED, updatedAt: this.clock.now() };
      return { endpoint: next, missed: await this.store.enableEndpoint(next, { replayMissed }) };
    });
    if (enabled.missed !== null) this.onChange();
    const missed = enabled.missed ?? { ...NOTHING_MISSED };
    return { ...endpointView(enabled.endpoint, this.clock.now()), missed };
  }

  /** An endpoint's deliveries, newest first, each with its attempts. */
  async listDeliveries(
    endpointId: string,
    query: PageQuery & { status?: DeliveryStatus },
  ): Promise<{ deliveries: DeliveryView[]; nextCursor: string | null }> {
    await this.existing(endpointId);
    const page = await this.store.listDeliveries(endpointId, query);
    return { deliveries: page.items.map(deliveryView), nextCursor: page.nextCursor };
  }

  /** A failed (or pending) delivery goes again now; a delivered one is a `conflict`. */
  async retryDelivery(id: string): Promise<DeliveryView> {
    const retried = await this.store.retryDelivery(id, this.clock.now());
    const delivery = retried && (await this.store.getDelivery(id));
    if (!delivery) {
      throw new CallhookError('not_found', `delivery ${id} does not exist`, { deliveryId: id });
    }
    this.onChange();
    return deliveryView(delivery);
  }

  /**
   * Queues one event again for one endpoint (as replay queues it), delivered before or not.
   * not_found for an unknown endpoint or event, retention_expired for an event retention
   * removed, conflict if the endpoint does not subscribe to it (store/delivery-port.ts).
   */
  async resendEvent(eventId: string, endpointId: string): Promise<DeliveryView> {
    const delivery = await this.store.resendEvent(endpointId, eventId, this.clock.now());
    this.onChange();
    return deliveryView({ ...delivery, attempts: [] });
  }

  /**
   * Queues again every event that occurred in [since, until] (until: now by default) and that
   * the endpoint subscribes to, delivered before or not. Returns how many were queued.
   */
  async replay(endpointId: string, input: ReplayWindowInput): Promise<{ replayed: number }> {
    const window = parseInput(replayWindowSchema, input);
    const now = this.clock.now();
    const until = window.until ?? now;
    if (window.since > until) {
      throw fieldError([
        { path: 'since', message: `must not be after until (${until} ms since the epoch)` },
      ]);
    }
    const replayed = await this.store.replay(endpointId, window.since, until, now);
    if (replayed > 0) this.onChange();
    return { replayed };
  }

  private async existing(id: string): Promise<EndpointRecord> {
    const endpoint = await this.store.getEndpoint(id);
    if (!endpoint) throw endpointNotFound(id);
    return endpoint;
  }

  /** The URL as it will be dialled (WHATWG-normalized), once the target policy allows it. */
  private async checkUrl(url: string): Promise<string> {
    try {
      return (await validateEndpointUrl(url, this.policy, this.resolve)).href;
    } catch (error) {
      // Name the field, like every other validation error of the body.
      if (error instanceof CallhookError && error.code === 'validation_error') {
        throw fieldError([{ path: 'url', message: error.message }]);
      }
      throw error;
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn);
    this.writes = run.catch(() => undefined);
    return run;
  }
}

const ENABLED = { enabled: true, disabledReason: null, failingSince: null } as const;

const NOTHING_MISSED: MissedEvents = { events: 0, replayed: 0, firstAt: null, lastAt: null };

/** An empty filter is no filter. */
function filterOf(filter: EndpointFilter | null | undefined): EndpointFilter | null {
  if (!filter) return null;
  const out: EndpointFilter = {};
  if (filter.streamId !== undefined) out.streamId = filter.streamId;
  if (filter.threadId !== undefined) out.threadId = filter.threadId;
  return Object.keys(out).length > 0 ? out : null;
}

function endpointNotFound(id: string): CallhookError {
  return new CallhookError('not_found', `endpoint ${id} does not exist`, { endpointId: id });
}
