// The benchmark harness itself, end to end in its quick mode (small data, a second per scenario): every scenario
// and every ceiling gets a row with figures and no failed request, and the table is printed and saved. Speed is
// never asserted here: the targets are the benchmark's business (`npm run bench`), not the test suite's.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Report } from '../src/report.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const BUDGET_MS = 90_000;

const ENDPOINT_ROWS = [
  'me',
  'timeline',
  'timeline-deep',
  'web-timeline-1',
  'web-timeline-deep',
  'user-posts',
  'create-post',
  'sign-in',
  'mixed',
  'mixed-web',
  'timeline-growth',
];
const CEILING_ROWS = [
  'ceiling-http',
  'ceiling-koa',
  'ceiling-kit',
  'ceiling-sql-me',
  'ceiling-limit-me',
  'ceiling-limit-timeline',
  'ceiling-limit-timeline-deep',
  'ceiling-limit-web-timeline-1',
  'ceiling-limit-user-posts',
  'ceiling-sql-timeline',
  'ceiling-sql-timeline-deep',
  'ceiling-sql-web-timeline-1',
  'ceiling-sql-web-timeline-deep',
  'ceiling-sql-user-posts',
  'ceiling-sql-create-post',
  'ceiling-sql-sign-in',
  'ceiling-sql-mixed',
];
const TARGET_ROWS = [
  'me',
  'timeline',
  'timeline-deep',
  'web-timeline-deep',
  'create-post',
  'mixed',
  'timeline-growth',
  'rss-bff-mobile',
  'rss-bff-web',
];

function runQuickBench(outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // Under `npm test` the suite's PostgreSQL server is reused (the harness makes and drops its own databases there).
    if (process.env.TEST_DATABASE_URL) env.BENCH_DATABASE_URL = process.env.TEST_DATABASE_URL;
    const child = spawn(process.execPath, ['src/bench.ts', '--quick', '--out', outDir], {
      cwd: packageDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), BUDGET_MS - 5_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run bench -- --quick', function () {
  this.timeout(BUDGET_MS);
  let outDir: string;
  let output: string;
  let report: Report;

  before(async function () {
    this.timeout(BUDGET_MS);
    outDir = mkdtempSync(join(tmpdir(), 'microblog-bench-test-'));
    const run = await runQuickBench(outDir);
    output = run.output;
    expect(run.code, `the harness exited with ${run.code}:\n${output}`).to.equal(0);
    const files = readdirSync(outDir).filter((f) => f.endsWith('-quick.json'));
    expect(files, output).to.have.length(1);
    report = JSON.parse(readFileSync(join(outDir, files[0] as string), 'utf8')) as Report;
  });

  after(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('when it runs, then the saved report has a row for every scenario and every ceiling', () => {
    expect(report.mode).to.equal('quick');
    const ids = report.rows.map((r) => r.id);
    expect(ids).to.include.members([...ENDPOINT_ROWS, ...CEILING_ROWS, 'rss-bff-mobile', 'rss-bff-web']);
  });

  it('when it runs, then every measured row has throughput and latency figures and no failed request', () => {
    for (const row of report.rows.filter((r) => r.kind !== 'derived')) {
      const where = `${row.id}: ${JSON.stringify(row.result?.statuses)} ${row.result?.failures.join(' | ')}`;
      expect(row.result?.responses, where).to.be.greaterThan(0);
      expect(row.rps, where).to.be.a('number').and.greaterThan(0);
      expect(row.p50, where).to.be.a('number').and.greaterThan(0);
      expect(row.p99, where)
        .to.be.a('number')
        .and.at.least(row.p50 ?? 0);
      expect(row.errors, where).to.equal(0);
    }
  });

  it('when it runs, then each BFF row is compared with its ceiling and each target is judged', () => {
    for (const id of ENDPOINT_ROWS.filter((id) => id !== 'mixed-web' && id !== 'timeline-growth')) {
      const row = report.rows.find((r) => r.id === id);
      expect(row?.ceiling?.ratio, id).to.be.a('number').and.greaterThan(0);
    }
    for (const id of TARGET_ROWS) {
      const target = report.rows.find((r) => r.id === id)?.target;
      expect(target?.text, id).to.be.a('string').and.not.equal('');
      expect(target?.measured, id).to.be.a('string').and.not.equal('');
      expect(target?.pass, id).to.be.a('boolean');
    }
    const memory = report.rows.find((r) => r.id === 'rss-bff-mobile');
    expect(memory?.detail?.peakKb).to.be.a('number').and.greaterThan(0);
  });

  it('when it runs, then each BFF row on the main data set says how many round trips PostgreSQL counted per request (none for an answer the answer cache holds), or the output says the server cannot count them', () => {
    // A server given by BENCH_DATABASE_URL (TEST_DATABASE_URL under npm test) may not preload pg_stat_statements.
    if (/round trips per request: not counted/.test(output)) {
      for (const row of report.rows) expect(row.roundTrips ?? null, row.id).to.equal(null);
      return;
    }
    // Answered from the answer cache once warm: the profile, the first timeline page, the web's page 1 and page 50
    // (the count allows for the first, cold request of each user, and for writes of other rows invalidating it).
    const cached = new Set(['me', 'timeline', 'web-timeline-1', 'web-timeline-deep']);
    for (const id of ENDPOINT_ROWS.filter((id) => id !== 'timeline-growth')) {
      const row = report.rows.find((r) => r.id === id);
      if (cached.has(id)) expect(row?.roundTrips, id).to.be.a('number').and.lessThan(0.1);
      else expect(row?.roundTrips, id).to.be.a('number').and.greaterThan(0);
    }
    expect(output).to.match(/GET \/v1\/me .* 0\.\d\d round trips\/request/);
  });

  it('when it runs, then the limit server answers GET /v1/me for the same tokens, and the BFF row is compared with it', () => {
    const limit = report.rows.find((r) => r.id === 'ceiling-limit-me');
    expect(limit?.result?.statuses).to.have.keys('200');
    expect(report.rows.find((r) => r.id === 'me')?.detail?.ratioToLimitServer)
      .to.be.a('number')
      .and.greaterThan(0);
  });

  it('when it runs, then every limit server answered, before the load, what its BFF answers to the same requests', () => {
    expect(report.limitCheck.requests).to.be.greaterThan(0);
    expect(report.limitCheck.differing, output).to.deep.equal([]);
    expect(report.limitCheck.identical + report.limitCheck.syncHorizonOnly).to.equal(report.limitCheck.requests);
    expect(output).to.match(/limit servers: \d+ of \d+ answers byte for byte the BFFs'/);
    for (const id of CEILING_ROWS.filter((id) => id.startsWith('ceiling-limit-')))
      expect(report.rows.find((r) => r.id === id)?.result?.statuses, id).to.have.keys('200');
  });

  it("when it runs, then the kit floor answers bff-mobile's GET /v1/me with the same response headers, and is given as a share of bare Koa", () => {
    expect(report.kitFloorCheck, output).to.deep.equal({ status: 200, onlyBff: [], onlyFloor: [] });
    expect(output).to.include('kit floor: answers GET /v1/me with the same response headers as bff-mobile');
    const floor = report.rows.find((r) => r.id === 'ceiling-kit');
    expect(floor?.result?.statuses).to.have.keys('200');
    expect(floor?.ofKoa).to.be.a('number').and.greaterThan(0);
  });

  it('when it runs, then the bare servers, the limit servers and the BFF rows of the hot paths are measured in the same rounds, and each BFF row is given as a share of bare Koa and of its limit server', () => {
    const inRounds = [
      'ceiling-http',
      'ceiling-koa',
      'ceiling-kit',
      ...CEILING_ROWS.filter((id) => id.startsWith('ceiling-limit-')),
      'me',
      'timeline',
      'timeline-deep',
      'web-timeline-1',
      'user-posts',
      'create-post',
    ];
    for (const id of inRounds) expect(report.rows.find((r) => r.id === id)?.result?.rounds, id).to.equal(2);
    for (const id of ENDPOINT_ROWS) {
      const row = report.rows.find((r) => r.id === id);
      expect(row?.ofKoa, id).to.be.a('number').and.greaterThan(0);
    }
    for (const id of ['me', 'timeline', 'timeline-deep', 'web-timeline-1', 'user-posts']) {
      const row = report.rows.find((r) => r.id === id);
      const limit = report.rows.find((r) => r.id === `ceiling-limit-${id}`);
      expect(row?.ofLimit, id).to.be.closeTo((row?.rps ?? 0) / (limit?.rps ?? 1), 1e-9);
    }
    expect(output).to.match(/round 2 of 2: \d+ rows/);
  });

  it('when it runs, then it prints issue 12\'s "Done when" as a table of criterion, figure and result, with the load average, judged from the run', () => {
    const criteria = report.doneWhen.map((c) => c.criterion).join('\n');
    for (const wanted of [
      /GET \/v1\/me ≥ 50% of bare Koa/,
      /timeline first page ≥ 35% of bare Koa and p99 < 50 ms/,
      /after 1,000 items ≥ 90% of its limit server/,
      /page=1 ≥ 35% of bare Koa/,
      /POST \/v1\/posts ≤ 2 round trips per request and ≥ 4% of bare Koa/,
      /peak RSS of bff-mobile/,
      /peak RSS of bff-web/,
    ])
      expect(criteria).to.match(wanted);
    for (const c of report.doneWhen) {
      expect(c.figure, c.criterion).to.be.a('string').and.not.equal('');
      if (c.met === null) expect(c.note, c.criterion).to.be.a('string').and.not.equal('');
      else expect(c.met, c.criterion).to.be.a('boolean');
    }
    const me = report.rows.find((r) => r.id === 'me');
    const koa = report.rows.find((r) => r.id === 'ceiling-koa');
    const judged = report.doneWhen.find((c) => c.criterion.startsWith('GET /v1/me'));
    expect(judged?.met).to.equal((me?.rps ?? 0) / (koa?.rps ?? 1) >= 0.5);
    const timeline = report.doneWhen.find((c) => c.criterion.includes('p99 < 50 ms'));
    if ((report.machine.loadAverageBefore[0] ?? 0) >= 1.5) expect(timeline?.met).to.equal(null);
    expect(output).to.match(/load average \(1, 5, 15 min\) before [\d.]+ [\d.]+ [\d.]+, after/);
    expect(output).to.match(/criterion \(issue 12, "Done when"\)\s+figure\s+result/);
    expect(output).to.match(/\d+ of \d+ criteria met/);
  });

  it('when it runs, then every measured row says how much CPU its serving process spent per request', () => {
    for (const id of [...ENDPOINT_ROWS, ...CEILING_ROWS]) {
      const row = report.rows.find((r) => r.id === id);
      expect(row?.cpuUsPerRequest, id).to.be.a('number').and.greaterThan(0);
    }
    expect(output).to.match(/GET \/v1\/me .* \d+ µs CPU\/request/);
    expect(output).to.match(/result\s+CPU µs\/req/);
  });

  it('when it runs, then it prints the table with every row', () => {
    expect(output).to.match(
      /endpoint\s+req\/s\s+p50 ms\s+p99 ms\s+errors\s+round trips\s+vs ceiling\s+% Koa\s+% limit\s+target\s+measured\s+result/,
    );
    for (const row of report.rows) expect(output, row.label).to.include(row.label);
    expect(output).to.match(/\d+ of \d+ targets pass/);
  });

  it('when it runs, then the plans of the hot queries are saved with the figures', () => {
    expect(report.explain.length).to.be.greaterThan(0);
    for (const e of report.explain) expect(e.plan, e.name).to.include('Execution Time');
    expect(report.explain.map((e) => e.name).join('\n'))
      .to.match(/first page/)
      .and.to.match(/web page/)
      .and.to.match(/microposts/);
  });
});
