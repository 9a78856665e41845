// The benchmark's one table: a row per scenario (and per ceiling), each with its ratio to its ceiling and, where
// the issue sets one, its target and pass/fail; printed as text, saved as JSON, compared with an earlier run.
import type { LoadResult } from './load.ts';
import type { ProfileSummary } from './profile.ts';

/** A measured row (a ceiling or a BFF endpoint) or a derived one (growth, memory). */
export type Row = {
  id: string;
  /** What the row is, as printed. */
  label: string;
  kind: 'ceiling' | 'endpoint' | 'derived';
  rps: number | null;
  p50: number | null;
  p99: number | null;
  /** Non-2xx answers plus socket errors and timeouts. */
  errors: number | null;
  /** Statements PostgreSQL completed per request during the row (pg_stat_statements), or null when not counted. */
  roundTrips?: number | null;
  /**
   * CPU time (user + system) the serving process spent per request during the row, in µs: the BFF's own, or the
   * ceilings process's (PostgreSQL's is not in it). Less sensitive to a shared machine's noise than req/s.
   */
  cpuUsPerRequest?: number | null;
  /** Throughput as a share of bare Koa's in the same run (every row but the bare ones). */
  ofKoa?: number | null;
  /** A BFF row's throughput as a share of its limit server's in the same rounds. */
  ofLimit?: number | null;
  /** The ceiling row this one is compared with, and the ratio of throughputs (this / ceiling). */
  ceiling: { id: string; label: string; ratio: number } | null;
  /** The target, what was measured for it, and whether it holds (null: no target). */
  target: { text: string; measured: string; pass: boolean } | null;
  /** The load generator's full answer (measured rows). */
  result?: LoadResult;
  /** Anything else worth keeping (derived rows). */
  detail?: Record<string, unknown>;
};

/** The limit servers' answers compared with the BFFs' before the load (src/bench.ts, checkLimitAnswers). */
export type LimitCheck = { requests: number; identical: number; syncHorizonOnly: number; differing: string[] };

/** The kit floor's answer against bff-mobile's GET /v1/me: the response headers only one of them sends (by name). */
export type KitFloorCheck = { status: number; onlyBff: string[]; onlyFloor: string[] };

/** One criterion of issue 12's "Done when": the run's figure and whether it is met (null: not judged, see note). */
export type DoneWhen = { criterion: string; figure: string; met: boolean | null; note?: string };

/** Everything a run writes to tools/bench/results/<timestamp>.json. */
export type Report = {
  startedAt: string;
  mode: 'full' | 'quick';
  seconds: number;
  settings: {
    connections: number;
    warmupSeconds: number;
    durationSeconds: number;
    readers: number;
    writers: number;
    deepItems: number;
    webDeepPage: number;
  };
  machine: {
    cpus: number;
    cpuModel: string;
    memoryMb: number;
    node: string;
    postgres: string;
    postgresSettings: Record<string, string>;
    database: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  dataSets: {
    name: string;
    users: number;
    posts: number;
    followsPerUser: number;
    loaded: boolean;
    loadSeconds: number;
  }[];
  rows: Row[];
  explain: { name: string; sql: string; plan: string }[];
  /** The statements each endpoint sends, as the SQL ceiling recorded them for its first user. */
  recordedSql: Record<string, { sql: string; values: unknown[]; returnedId: string | null }[]>;
  /** With --cpu-prof: where each BFF's CPU time went. */
  profiles: ProfileSummary[];
  passed: number;
  failed: number;
  limitCheck: LimitCheck;
  kitFloorCheck: KitFloorCheck | null;
  doneWhen: DoneWhen[];
};

/** A row from the load generator's answer. */
export function measuredRow(id: string, label: string, kind: 'ceiling' | 'endpoint', result: LoadResult): Row {
  return {
    id,
    label,
    kind,
    rps: result.rps,
    p50: result.p50,
    p99: result.p99,
    errors: result.non2xx + result.socketErrors + result.timeouts,
    ceiling: null,
    target: null,
    result,
  };
}

/** Sets a row's ceiling ratio from another row. */
export function compareWith(row: Row, ceiling: Row | undefined): void {
  if (!ceiling || row.rps === null || !ceiling.rps) return;
  row.ceiling = { id: ceiling.id, label: ceiling.label, ratio: row.rps / ceiling.rps };
}

const fmt = {
  share: (n: number | null | undefined) => (n == null ? '' : `${(n * 100).toFixed(n < 0.1 ? 1 : 0)}%`),
  rps: (n: number | null) => (n === null ? '' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)),
  ms: (n: number | null) => (n === null ? '' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)),
  ratio: (n: number) => (n >= 10 ? `${n.toFixed(0)}×` : `${n.toFixed(2)}×`),
};

function cells(row: Row): string[] {
  return [
    row.label,
    fmt.rps(row.rps),
    fmt.ms(row.p50),
    fmt.ms(row.p99),
    row.errors === null ? '' : String(row.errors),
    row.roundTrips == null ? '' : row.roundTrips.toFixed(2),
    row.ceiling ? `${fmt.ratio(row.ceiling.ratio)} ${row.ceiling.label}` : '',
    fmt.share(row.ofKoa),
    fmt.share(row.ofLimit),
    row.target?.text ?? '',
    row.target?.measured ?? '',
    row.target ? (row.target.pass ? 'pass' : 'FAIL') : '',
    row.cpuUsPerRequest == null ? '' : row.cpuUsPerRequest.toFixed(0),
  ];
}

const HEADER = [
  'endpoint',
  'req/s',
  'p50 ms',
  'p99 ms',
  'errors',
  'round trips',
  'vs ceiling',
  '% Koa',
  '% limit',
  'target',
  'measured',
  'result',
  'CPU µs/req',
];
const RIGHT = new Set([1, 2, 3, 4, 5, 7, 8, 12]);

/** The table as aligned plain text. */
export function renderTable(rows: Row[]): string {
  const body = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (RIGHT.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Issue 12's "Done when" as aligned plain text, headed by the load average it was measured at. */
export function renderDoneWhen(checks: DoneWhen[], load: { before: number[]; after: number[]; cpus: number }): string {
  const avg = (l: number[]) => l.map((n) => n.toFixed(2)).join(' ');
  const header = ['criterion (issue 12, "Done when")', 'figure', 'result'];
  const body = checks.map((c) => [
    c.criterion,
    c.figure,
    c.met === null ? `not judged: ${c.note ?? ''}` : c.met ? 'met' : 'NOT MET',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const met = checks.filter((c) => c.met === true).length;
  return [
    `load average (1, 5, 15 min) before ${avg(load.before)}, after ${avg(load.after)}, on ${load.cpus} CPUs`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    `${met} of ${checks.length} criteria met${checks.some((c) => c.met === null) ? ` (${checks.filter((c) => c.met === null).length} not judged)` : ''}`,
  ].join('\n');
}

/** The table as Markdown (for README.md). */
export function renderMarkdown(rows: Row[]): string {
  const body = rows.map(cells);
  const esc = (c: string) => c.replaceAll('|', '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (RIGHT.has(i) ? '---:' : '---')).join('|')}|`,
    ...body.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** The same rows side by side with an earlier run's: throughput and p50 change per row. */
export function renderComparison(rows: Row[], earlier: Report): string {
  const before = new Map(earlier.rows.map((r) => [r.id, r]));
  const header = [
    'endpoint',
    'req/s before',
    'req/s now',
    'change',
    'p50 before',
    'p50 now',
    'result before',
    'result now',
  ];
  const body = rows.map((row) => {
    const old = before.get(row.id);
    const change = old?.rps && row.rps !== null ? `${(((row.rps - old.rps) / old.rps) * 100).toFixed(0)}%` : '';
    const verdict = (r: Row | undefined) => (r?.target ? (r.target.pass ? 'pass' : 'FAIL') : '');
    return [
      row.label,
      fmt.rps(old?.rps ?? null),
      fmt.rps(row.rps),
      change,
      fmt.ms(old?.p50 ?? null),
      fmt.ms(row.p50),
      verdict(old),
      verdict(row),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 || i >= 6 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [`compared with ${earlier.startedAt} (${earlier.mode})`, line(header), ...body.map(line)].join('\n');
}
