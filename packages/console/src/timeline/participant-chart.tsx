import { useEffect, useRef, useState } from 'preact/hooks';
import type { StoredEvent } from '../api/views.ts';
import { formatClock, formatDuration } from '../ui/format.ts';
import type { LaneState, ParticipantLane } from './participant-lanes.ts';

const ROW = 30;
/** Narrower than this, the picture scrolls sideways inside its frame rather than shrink. */
const MIN_WIDTH = 320;
const AXIS = 34;

export const LANE_LABELS: Record<LaneState, string> = {
  invited: 'invited (joining has no event: may have joined)',
  'invited-then-joined': 'invited, then joined',
  joined: 'joined',
  paused: 'paused (on hold)',
};

/** The participants over time: one lane each, coloured by state, the events as ticks above. */
export function ParticipantChart({
  lanes,
  events,
  from,
  to,
}: {
  lanes: ParticipantLane[];
  events: readonly StoredEvent[];
  from: number;
  to: number;
}) {
  // Drawn at the frame's own pixel width, so that its text is as large as the page's.
  const frame = useRef<HTMLElement>(null);
  const [WIDTH, setWidth] = useState(1000);
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setWidth(Math.max(MIN_WIDTH, Math.floor(element.clientWidth - 20))),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [lanes.length === 0]);
  const LABEL_WIDTH = WIDTH < 700 ? 90 : 150;
  if (lanes.length === 0) return <p class="empty">No participant has been invited.</p>;
  const span = Math.max(to - from, 1);
  const x = (t: number) => LABEL_WIDTH + ((t - from) / span) * (WIDTH - LABEL_WIDTH - 10);
  const height = AXIS + lanes.length * ROW + 8;
  const summary = lanes
    .map(
      (l) => `${l.userId}: ${l.marks.map((m) => `${m.what} at ${formatClock(m.at)}`).join(', ')}`,
    )
    .join('; ');
  return (
    <figure class="chart" ref={frame}>
      <svg
        width={WIDTH}
        height={height}
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby="chart-title"
      >
        <title id="chart-title">{`Participants over time. ${summary}`}</title>
        <defs>
          <pattern
            id="hatch"
            width="8"
            height="8"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="8" height="8" class="seg-invited" />
            <rect width="4" height="8" class="seg-joined" />
          </pattern>
        </defs>
        <line x1={LABEL_WIDTH} x2={WIDTH - 10} y1={AXIS - 6} y2={AXIS - 6} class="axis" />
        <text x={LABEL_WIDTH} y={12} class="axis-label">
          {formatClock(from)}
        </text>
        <text x={WIDTH - 10} y={12} class="axis-label end">
          {formatClock(to)} ({formatDuration(to - from)})
        </text>
        {events.map((e) => (
          <line
            key={e.id}
            x1={x(e.occurredAt)}
            x2={x(e.occurredAt)}
            y1={AXIS - 14}
            y2={AXIS - 6}
            class={`tick tick-${e.type.replaceAll('.', '-')}`}
          >
            <title>
              #{e.seq} {e.type} at {formatClock(e.occurredAt)}
            </title>
          </line>
        ))}
        {lanes.map((lane, row) => {
          const y = AXIS + row * ROW;
          return (
            <g key={lane.userId}>
              <text x={0} y={y + ROW / 2 + 4} class="lane-label">
                {lane.userId}
              </text>
              <line
                x1={LABEL_WIDTH}
                x2={WIDTH - 10}
                y1={y + ROW / 2}
                y2={y + ROW / 2}
                class="rail"
              />
              {lane.segments.map((s) => (
                <rect
                  key={`${s.from}-${s.state}`}
                  x={x(s.from)}
                  y={y + 6}
                  width={Math.max(x(s.to) - x(s.from), 2)}
                  height={ROW - 12}
                  class={`seg seg-${s.state}`}
                >
                  <title>
                    {lane.userId}: {LANE_LABELS[s.state]} {formatClock(s.from)}–{formatClock(s.to)}
                  </title>
                </rect>
              ))}
              {lane.marks
                .filter((m) => m.what === 'removed')
                .map((m) => (
                  <rect
                    key={m.seq}
                    x={x(m.at) - 1.5}
                    y={y + 3}
                    width={3}
                    height={ROW - 6}
                    class="mark-removed"
                  >
                    <title>
                      #{m.seq} {lane.userId} removed at {formatClock(m.at)}
                    </title>
                  </rect>
                ))}
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        {(Object.keys(LANE_LABELS) as LaneState[]).map((state) => (
          <span key={state}>
            <i class={`swatch swatch-${state}`} aria-hidden="true" /> {LANE_LABELS[state]}
          </span>
        ))}
        <span>
          <i class="swatch swatch-removed" aria-hidden="true" /> removed
        </span>
      </figcaption>
    </figure>
  );
}
