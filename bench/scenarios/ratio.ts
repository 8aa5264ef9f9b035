import { ceilingRatios } from '../lib/ceiling-ratios.ts';
import { FigureRuns } from '../lib/figures.ts';
import { measured, notMeasured, type Scenario } from './scenario.ts';

// 4. How much of the machine's ceilings callhook reaches end to end: the end-to-end median
// (events/s, each event one signed POST) over the undici ceiling's median (1, requests/s) and
// over the relay ceiling's (8, events/s), all measured in this same invocation.

export const ratio: Scenario = {
  id: 'ratio',
  number: 4,
  title: 'Ratio: end-to-end events/s ÷ the ceilings (1: undici, 8: relay)',
  async run({ earlier }) {
    const r = ceilingRatios(earlier);
    if (r.ratio === null && r.relayRatio === null) {
      return notMeasured(
        'not-available',
        'needs the end-to-end (3) median and a ceiling (1 or 8) median from the same invocation',
      );
    }
    const runs = new FigureRuns({
      ratio: { label: 'end-to-end ÷ ceiling', unit: 'x' },
      relayRatio: { label: 'end-to-end ÷ relay ceiling', unit: 'x' },
    });
    runs.add({ ratio: r.ratio, relayRatio: r.relayRatio });
    const notes: string[] = [];
    if (r.ratio === null) notes.push('no end-to-end ÷ ceiling: the ceiling (1) was not measured');
    if (r.relayRatio === null) {
      notes.push('no end-to-end ÷ relay ceiling: the relay ceiling (8) was not measured');
    }
    return measured(
      {
        endToEndEventsPerSecond: r.endToEndEventsPerSecond!,
        ...(r.ceilingRequestsPerSecond !== null && {
          ceilingRequestsPerSecond: r.ceilingRequestsPerSecond,
        }),
        ...(r.relayCeilingEventsPerSecond !== null && {
          relayCeilingEventsPerSecond: r.relayCeilingEventsPerSecond,
        }),
      },
      runs.figures(),
      notes,
    );
  },
};
