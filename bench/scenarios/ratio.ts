import { FigureRuns } from '../lib/figures.ts';
import { measured, notMeasured, type Scenario } from './scenario.ts';

// 4. How much of the machine's delivery ceiling callhook reaches end to end: the end-to-end
// median (events/s, each event one signed POST) over the ceiling median (requests/s), both
// measured in this same invocation.

export const ratio: Scenario = {
  id: 'ratio',
  number: 4,
  title: 'Ratio: end-to-end events/s ÷ ceiling requests/s',
  async run({ earlier }) {
    const ceiling = earlier
      .find((s) => s.id === 'ceiling')
      ?.figures.find((f) => f.key === 'requestsPerSecond');
    const e2e = earlier
      .find((s) => s.id === 'end-to-end')
      ?.figures.find((f) => f.key === 'saturatedEventsPerSecond');
    if (!ceiling?.median || !e2e?.median) {
      return notMeasured(
        'not-available',
        'needs the ceiling (1) and end-to-end (3) medians from the same invocation',
      );
    }
    const runs = new FigureRuns({ ratio: { label: 'end-to-end ÷ ceiling', unit: 'x' } });
    runs.add({ ratio: e2e.median / ceiling.median });
    return measured(
      { ceilingRequestsPerSecond: ceiling.median, endToEndEventsPerSecond: e2e.median },
      runs.figures(),
    );
  },
};
