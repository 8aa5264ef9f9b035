import type { CallEventType } from '@callhook/sdk';
import { useState } from 'preact/hooks';
import type { EndpointInput } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { EndpointView } from '../api/views.ts';
import { EVENT_TYPES, eventTypeNote } from '../ui/event-types.ts';

export interface EndpointFields {
  url: string;
  description: string;
  allTypes: boolean;
  eventTypes: CallEventType[];
  streamId: string;
  threadId: string;
}

export function fieldsOf(endpoint: EndpointView | null): EndpointFields {
  return {
    url: endpoint?.url ?? '',
    description: endpoint?.description ?? '',
    allTypes: endpoint?.eventTypes == null,
    eventTypes: endpoint?.eventTypes ?? [],
    streamId: endpoint?.filter?.streamId ?? '',
    threadId: endpoint?.filter?.threadId ?? '',
  };
}

/** The request body the fields stand for (empty filter parts and description are null). */
export function inputOf(fields: EndpointFields): EndpointInput & { url: string } {
  const filter = {
    ...(fields.streamId && { streamId: fields.streamId }),
    ...(fields.threadId && { threadId: fields.threadId }),
  };
  return {
    url: fields.url.trim(),
    description: fields.description.trim() || null,
    eventTypes: fields.allTypes ? null : fields.eventTypes,
    filter: Object.keys(filter).length > 0 ? filter : null,
  };
}

/** URL, description, event types and filter of an endpoint, to create or to change. */
export function EndpointForm({
  initial,
  submitLabel,
  onSubmit,
  idPrefix,
}: {
  initial: EndpointFields;
  submitLabel: string;
  onSubmit: (input: EndpointInput & { url: string }) => Promise<void>;
  idPrefix: string;
}) {
  const [fields, setFields] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<EndpointFields>) => setFields({ ...fields, ...patch });
  const id = (name: string) => `${idPrefix}-${name}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(inputOf(fields));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (type: CallEventType, on: boolean) =>
    set({
      eventTypes: on ? [...fields.eventTypes, type] : fields.eventTypes.filter((t) => t !== type),
    });

  return (
    <form class="endpoint-form" onSubmit={submit}>
      <label for={id('url')}>URL</label>
      <input
        id={id('url')}
        type="url"
        required
        placeholder="https://bot.example.com/hooks"
        value={fields.url}
        onInput={(e) => set({ url: e.currentTarget.value })}
      />
      <label for={id('description')}>Description</label>
      <input
        id={id('description')}
        value={fields.description}
        onInput={(e) => set({ description: e.currentTarget.value })}
      />
      <fieldset>
        <legend>Event types</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={fields.allTypes}
            onChange={(e) => set({ allTypes: e.currentTarget.checked })}
          />
          every type
        </label>
        {!fields.allTypes &&
          EVENT_TYPES.map((type) => (
            <label class="check" key={type} title={eventTypeNote(type)}>
              <input
                type="checkbox"
                checked={fields.eventTypes.includes(type)}
                onChange={(e) => toggle(type, e.currentTarget.checked)}
              />
              <code>{type}</code>
            </label>
          ))}
      </fieldset>
      <fieldset>
        <legend>Only calls in (empty: all)</legend>
        <label for={id('stream')}>Stream</label>
        <input
          id={id('stream')}
          value={fields.streamId}
          onInput={(e) => set({ streamId: e.currentTarget.value.trim() })}
        />
        <label for={id('thread')}>Thread</label>
        <input
          id={id('thread')}
          value={fields.threadId}
          onInput={(e) => set({ threadId: e.currentTarget.value.trim() })}
        />
      </fieldset>
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : submitLabel}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
