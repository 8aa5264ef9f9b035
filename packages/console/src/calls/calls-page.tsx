import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { StreamState } from '../api/event-stream.ts';
import type { CallView } from '../api/views.ts';
import { hrefOf } from '../hash-route.ts';
import { formatDuration, formatTime, shortId } from '../ui/format.ts';
import { StreamBadge } from '../ui/stream-badge.tsx';
import {
  firstPageStart,
  type ListFilters,
  loadCallPage,
  matchesFilters,
  type PageStart,
} from './call-list-pages.ts';
import { useCallChanges } from './live-call-updates.ts';

const PAGE_SIZE = 50;
const NO_FILTERS: ListFilters = { state: 'active-first', streamId: '', threadId: '' };

export function CallsPage({ client }: { client: ApiClient }) {
  const [filters, setFilters] = useState<ListFilters>(NO_FILTERS);
  const [draft, setDraft] = useState<ListFilters>(NO_FILTERS);
  // The starts of the pages before this one, to go back; the last is this page's.
  const [starts, setStarts] = useState<PageStart[]>([firstPageStart(NO_FILTERS)]);
  const [calls, setCalls] = useState<CallView[]>([]);
  const [next, setNext] = useState<PageStart | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [stream, setStream] = useState<{ state: StreamState; detail?: string }>({
    state: 'connecting',
  });
  const start = starts[starts.length - 1]!;
  const onFirstPage = starts.length === 1;

  useEffect(() => {
    let current = true;
    setLoading(true);
    loadCallPage(client, filters, start, PAGE_SIZE).then(
      (page) => {
        if (!current) return;
        setCalls(page.calls);
        setNext(page.next);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!current) return;
        setError(describeError(err));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [client, filters, start]);

  const onChanged = useCallback(
    async (callIds: Set<string>, created: Set<string>) => {
      const shown = new Set(calls.map((c) => c.callId));
      const wanted = [...callIds].filter((id) => shown.has(id) || (onFirstPage && created.has(id)));
      if (wanted.length === 0) return;
      const views = await Promise.all(wanted.map((id) => client.getCall(id).catch(() => null)));
      const byId = new Map(views.filter((v) => v !== null).map((v) => [v.callId, v]));
      setCalls((list) => {
        const updated = list.map((c) => byId.get(c.callId) ?? c);
        const known = new Set(list.map((c) => c.callId));
        const arrived = [...byId.values()].filter(
          (v) => !known.has(v.callId) && matchesFilters(v, filters),
        );
        return [...arrived.reverse(), ...updated];
      });
      setFresh(new Set(byId.keys()));
    },
    [calls, client, filters, onFirstPage],
  );
  useCallChanges(client, onChanged, (state, detail) =>
    setStream(detail === undefined ? { state } : { state, detail }),
  );

  const apply = (event: Event) => {
    event.preventDefault();
    setFilters(draft);
    setStarts([firstPageStart(draft)]);
  };

  return (
    <section aria-labelledby="calls-title">
      <div class="title-row">
        <h1 id="calls-title">Calls</h1>
        <StreamBadge state={stream.state} detail={stream.detail} />
      </div>
      <form class="filters" onSubmit={apply} aria-label="Filter calls">
        <label>
          State
          <select
            value={draft.state}
            onChange={(e) =>
              setDraft({ ...draft, state: e.currentTarget.value as ListFilters['state'] })
            }
          >
            <option value="active-first">active first</option>
            <option value="active">active</option>
            <option value="ended">ended</option>
          </select>
        </label>
        <label>
          Stream
          <input
            value={draft.streamId}
            placeholder="any"
            onInput={(e) => setDraft({ ...draft, streamId: e.currentTarget.value.trim() })}
          />
        </label>
        <label>
          Thread
          <input
            value={draft.threadId}
            placeholder="any"
            onInput={(e) => setDraft({ ...draft, threadId: e.currentTarget.value.trim() })}
          />
        </label>
        <button type="submit">Apply</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="table-wrap">
        <table class="calls" aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">State</th>
              <th scope="col">Participants</th>
              <th scope="col">Stream / thread</th>
              <th scope="col">Created</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((call) => (
              <CallRow key={call.callId} call={call} fresh={fresh.has(call.callId)} />
            ))}
          </tbody>
        </table>
      </div>
      {!loading && calls.length === 0 && <p class="empty">No calls match.</p>}
      {!(onFirstPage && next === null) && (
        <nav class="pager" aria-label="Pages">
          <button
            type="button"
            disabled={onFirstPage}
            onClick={() => setStarts((s) => (s.length > 1 ? s.slice(0, -1) : s))}
          >
            ← Newer
          </button>
          <span>page {starts.length}</span>
          <button
            type="button"
            disabled={next === null}
            onClick={() => next && setStarts((s) => [...s, next])}
          >
            Older →
          </button>
        </nav>
      )}
    </section>
  );
}

function CallRow({ call, fresh }: { call: CallView; fresh: boolean }) {
  const present = call.participants.filter((p) => p.state !== 'removed').length;
  return (
    <tr class={fresh ? 'fresh' : undefined} data-call-id={call.callId}>
      <td>
        <a href={hrefOf({ screen: 'call', callId: call.callId })} title={call.callId}>
          <code>{shortId(call.callId)}</code>
        </a>
      </td>
      <td>
        <span class={`badge state-${call.status}`}>{call.status}</span>
      </td>
      <td>
        {present} present / {call.participants.length}
      </td>
      <td class="ids">
        <code title={call.streamId}>{shortId(call.streamId, 12)}</code> /{' '}
        <code title={call.threadId}>{shortId(call.threadId, 12)}</code>
      </td>
      <td>{formatTime(call.createdAt)}</td>
      <td>
        {call.callDuration === null ? 'ongoing' : formatDuration(call.callDuration)}
        {call.dialogDuration > 0 && (
          <span class="muted"> · dialog {formatDuration(call.dialogDuration)}</span>
        )}
      </td>
    </tr>
  );
}
