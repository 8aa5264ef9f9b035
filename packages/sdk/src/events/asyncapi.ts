import {
  DELIVERY_HEADER_NAMES,
  type DeliveryHeaderName,
} from '../signing/delivery-header-names.ts';
import { EVENT_EXAMPLES } from './examples.ts';
import { UUID_PATTERN } from './identifiers.ts';
import { eventJsonSchema, type JsonSchema } from './json-schema.ts';
import { type CallEventType, EVENT_TYPES, eventSchemas } from './schemas.ts';

// The AsyncAPI 3.0 description of the webhook side of callhook, seen from the subscriber:
// callhook POSTs every event to the endpoint's URL. Built from the event schemas, so it
// cannot drift from them.

/** An AsyncAPI document as plain JSON. */
export type AsyncApiDocument = { [key: string]: unknown };

const CHANNEL = 'callEvents';
const OPERATION = 'receiveCallEvent';
const HEADERS = 'webhookHeaders';

const POSITIVE_INTEGER = '^[1-9][0-9]*$';

/**
 * The HTTP headers of every delivery (docs/contract.md §4, Standard Webhooks). Header values
 * are strings, so numbers are written as digit patterns. Other headers may be present.
 */
export function webhookHeadersJsonSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'HTTP headers of a delivery (Standard Webhooks); names are case-insensitive.',
    properties: {
      'content-type': {
        type: 'string',
        const: 'application/json',
        description: 'the body is the event as JSON',
      },
      'webhook-id': {
        type: 'string',
        pattern: UUID_PATTERN.source,
        description:
          "the event's UUID, the same on every attempt and every replay: deduplicate on it",
      },
      'webhook-timestamp': {
        type: 'string',
        pattern: '^[0-9]+$',
        description: 'Unix seconds when this attempt was sent; part of the signed content',
      },
      'webhook-signature': {
        type: 'string',
        pattern: '^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$',
        description:
          '`v1,` then the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`; one per live secret, space separated, during a secret rotation',
      },
      'callhook-event-type': {
        type: 'string',
        enum: [...EVENT_TYPES],
        description: 'the eventType of the body, to route without parsing it',
      },
      'callhook-call-id': {
        type: 'string',
        pattern: UUID_PATTERN.source,
        description: 'the callId of the body',
      },
      'callhook-seq': {
        type: 'string',
        pattern: POSITIVE_INTEGER,
        description:
          'position of the event in its call: 1, 2, 3 … without gaps; call.created is 1, call.ended is last',
      },
      'callhook-previous-seq': {
        type: 'string',
        pattern: '^(0|[1-9][0-9]*)$',
        description:
          'seq of the previous event of this call that this endpoint was sent, 0 when none: an endpoint filtered by type or thread sees gaps in callhook-seq, and an ordered receiver waits only for this one',
      },
      'callhook-attempt': {
        type: 'string',
        pattern: POSITIVE_INTEGER,
        description: 'delivery attempt number of this event to this endpoint, from 1',
      },
    } satisfies Record<DeliveryHeaderName, JsonSchema>,
    required: [...DELIVERY_HEADER_NAMES],
  };
}

// Inside AsyncAPI a payload is an AsyncAPI Schema Object (a JSON Schema superset), so the
// standalone-document keys of the published schema are left out.
function payloadSchema(type: CallEventType): JsonSchema {
  const { $schema: _schema, $id: _id, ...schema } = eventJsonSchema(type);
  return schema;
}

function message(type: CallEventType) {
  return {
    name: type,
    title: type,
    summary: eventSchemas[type].description,
    contentType: 'application/json',
    headers: { $ref: `#/components/schemas/${HEADERS}` },
    payload: { $ref: `#/components/schemas/${type}` },
    examples: [{ name: type, summary: `A ${type} body`, payload: EVENT_EXAMPLES[type] }],
  };
}

function byType<V>(make: (type: CallEventType) => V): { [key: string]: V } {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, make(type)]));
}

/** The AsyncAPI 3.0 document of callhook's webhooks: one channel, seven messages. */
export function buildAsyncApiDocument(): AsyncApiDocument {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'callhook call events',
      // The version of the event contract, served under /v1 of the HTTP API.
      version: '1.0.0',
      description:
        'Call events that callhook sends to bots as signed webhooks (Standard Webhooks). Each event is POSTed to every endpoint subscribed to it; answer 2xx to acknowledge. Delivery is at least once and in order per call and endpoint.',
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    channels: {
      [CHANNEL]: {
        // The address is the subscriber's own endpoint URL (POST /v1/endpoints), not fixed.
        address: null,
        title: 'Your webhook endpoint',
        description:
          'The URL you registered with POST /v1/endpoints. callhook sends one HTTP POST per event; the body is the event, metadata travels in headers.',
        messages: byType((type) => ({ $ref: `#/components/messages/${type}` })),
      },
    },
    operations: {
      [OPERATION]: {
        action: 'receive',
        channel: { $ref: `#/channels/${CHANNEL}` },
        title: 'Receive a call event',
        summary: 'callhook POSTs a call event to your endpoint.',
        description:
          'Verify webhook-signature over the raw body, then answer 2xx. Anything else (another status, a redirect, a timeout) is retried with growing delays, the same webhook-id each time: deduplicate on it. 410 Gone disables the endpoint.',
        bindings: { http: { method: 'POST', bindingVersion: '0.3.0' } },
        messages: EVENT_TYPES.map((type) => ({
          $ref: `#/channels/${CHANNEL}/messages/${type}`,
        })),
      },
    },
    components: {
      schemas: { ...byType(payloadSchema), [HEADERS]: webhookHeadersJsonSchema() },
      messages: byType(message),
    },
  };
}
