import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchResults } from '../lib/results-file.ts';
import { formatNumber, formatResultsMarkdown, formatResultsTable } from '../lib/results-table.ts';

const results: BenchResults = {
  schema: 'callhook-bench/1',
  date: '2026-01-02T03:04:05.000Z',
  mode: 'full',
  durationSeconds: 600,
  machine: {
    cpuModel: 'Test CPU',
    cores: 2,
    totalMemoryMb: 4096,
    node: 'v20.19.0',
    platform: 'linux',
    arch: 'x64',
    loadAverage: { start: [0.1, 0.2, 0.3], end: [1, 1, 1] },
  },
  server: { from: 'dist', version: '0.1.0' },
  processes: 'three',
  scenarios: [
    {
      id: 'ceiling',
      number: 1,
      title: 'Ceiling',
      status: 'measured',
      settings: {},
      figures: [
        {
          key: 'r',
          label: 'requests/s',
          unit: 'req/s',
          median: 12345.6,
          runs: [12000, 12345.6, 13000],
        },
      ],
      notes: ['receiver answered 204 every time'],
    },
    {
      id: 'backlog',
      number: 6,
      title: 'Backlog',
      status: 'not-available',
      reason: 'no --retry-schedule',
      settings: {},
      figures: [],
      notes: [],
    },
  ],
  targets: [
    {
      description: 'end to end, sustained',
      target: '≥ 5,000 events/s',
      value: null,
      unit: 'events/s',
      met: null,
    },
    { description: 'end to end ÷ ceiling', target: '≥ 0.35 x', value: 0.41, unit: 'x', met: true },
  ],
};

test('the text table: machine, medians with their runs, unmeasured scenarios with the reason, targets', () => {
  const text = formatResultsTable(results);
  assert.match(text, /Test CPU, 2 cores, 4096 MB, Node v20\.19\.0; server from dist/);
  assert.match(text, /load average at start 0\.1 0\.2 0\.3, at end 1 1 1/);
  assert.match(text, /1\. ceiling\s+requests\/s\s+12,346 req\/s\s+12,000 · 12,346 · 13,000/);
  assert.match(text, /6\. backlog\s+not-available: no --retry-schedule/);
  // The long reason spans the row: it does not push the figure column out.
  assert.match(text, /\n1\. ceiling {2}requests\/s {2}12,346 req\/s/);
  assert.match(text, /\n6\. backlog {2}not-available/);
  assert.match(text, /end to end, sustained\s+≥ 5,000 events\/s\s+-\s+not measured/);
  assert.match(text, /end to end ÷ ceiling\s+≥ 0\.35 x\s+0\.41 x\s+met/);
  assert.match(text, /notes:\n {2}1\. receiver answered 204 every time/);
});

test('the Markdown table for the README', () => {
  const md = formatResultsMarkdown(results);
  assert.match(md, /\| 1\. ceiling \| requests\/s \| 12,346 req\/s \| 12,000 · 12,346 · 13,000 \|/);
  assert.match(md, /\| 6\. backlog \| not-available: no --retry-schedule \| \| \|/);
});

test('numbers: whole above 100, two decimals above 1, three below', () => {
  assert.equal(formatNumber(12345.6), '12,346');
  assert.equal(formatNumber(12.345), '12.35');
  assert.equal(formatNumber(3), '3');
  assert.equal(formatNumber(0.0123), '0.012');
  assert.equal(formatNumber(0), '0');
});
