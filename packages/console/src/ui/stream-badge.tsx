import type { StreamState } from '../api/event-stream.ts';

const LABELS: Record<StreamState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  stopped: 'paused',
  refused: 'refused',
};

/** Whether the page is following the event stream. */
export function StreamBadge({
  state,
  detail,
}: {
  state: StreamState;
  detail?: string | undefined;
}) {
  return (
    <span class={`stream stream-${state}`} role="status" title={detail}>
      {LABELS[state]}
    </span>
  );
}
