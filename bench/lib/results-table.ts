import type { BenchResults } from './results-file.ts';

// The table `npm run bench` prints (and the README shows): one row per figure, the median
// and the runs it was taken from; then the targets, met or not.

export function formatResultsTable(results: BenchResults): string {
  const rows: string[][] = [];
  for (const s of results.scenarios) {
    if (s.status !== 'measured') {
      // Two cells: the reason spans the row and does not widen the figure column.
      rows.push([`${s.number}. ${s.id}`, `${s.status}: ${s.reason ?? ''}`]);
      continue;
    }
    s.figures.forEach((f, i) => {
      rows.push([
        i === 0 ? `${s.number}. ${s.id}` : '',
        f.label,
        f.median === null ? '-' : `${formatNumber(f.median)} ${f.unit}`,
        f.runs.length > 1 ? f.runs.map(formatNumber).join(' · ') : '',
      ]);
    });
  }
  const m = results.machine;
  const head = [
    `callhook bench (${results.mode}) — ${results.date}`,
    `${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryMb} MB, Node ${m.node}; server from ${results.server.from}`,
    `load average at start ${m.loadAverage.start.join(' ')}, at end ${m.loadAverage.end.join(' ')}`,
    '',
  ];
  const targets = results.targets.map((t) => [
    t.description,
    t.target,
    t.value === null ? '-' : `${formatNumber(t.value)} ${t.unit}`,
    t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met',
  ]);
  const notes = results.scenarios.flatMap((s) => s.notes.map((n) => `  ${s.number}. ${n}`));
  return [
    ...head,
    align([['scenario', 'figure', 'median', 'runs'], ...rows]),
    '',
    align([['target', 'wanted', 'measured', ''], ...targets]),
    ...(notes.length > 0 ? ['', 'notes:', ...notes] : []),
  ].join('\n');
}

/** The same tables in Markdown, for bench/README.md. */
export function formatResultsMarkdown(results: BenchResults): string {
  const lines = ['| scenario | figure | median | runs |', '|---|---|---:|---|'];
  for (const s of results.scenarios) {
    if (s.status !== 'measured') {
      lines.push(`| ${s.number}. ${s.id} | ${s.status}: ${s.reason ?? ''} | | |`);
      continue;
    }
    for (const f of s.figures) {
      const value = f.median === null ? '-' : `${formatNumber(f.median)} ${f.unit}`;
      lines.push(
        `| ${s.number}. ${s.id} | ${f.label} | ${value} | ${f.runs.map(formatNumber).join(' · ')} |`,
      );
    }
  }
  lines.push('', '| target | wanted | measured | |', '|---|---|---:|---|');
  for (const t of results.targets) {
    const value = t.value === null ? '-' : `${formatNumber(t.value)} ${t.unit}`;
    lines.push(
      `| ${t.description} | ${t.target} | ${value} | ${t.met === null ? 'not measured' : t.met ? 'met' : '**not met**'} |`,
    );
  }
  return lines.join('\n');
}

export function formatNumber(x: number): string {
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 1) return x.toFixed(2).replace(/\.?0+$/, '');
  return x.toFixed(3).replace(/\.?0+$/, '') || '0';
}

/** Pads columns to their widest cell; a row shorter than the header spans its last cell. */
function align(rows: string[][]): string {
  const columns = rows[0]!.length;
  // A spanning (last) cell of a short row does not widen its column; its other cells do.
  const fits = (r: string[], c: number) => r.length === columns || c < r.length - 1;
  const widths = rows[0]!.map((_, c) =>
    Math.max(...rows.map((r) => (fits(r, c) ? (r[c] ?? '').length : 0))),
  );
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c < r.length - 1 ? cell.padEnd(widths[c]!) : cell))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
