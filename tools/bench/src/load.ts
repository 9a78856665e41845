// The load generator: autocannon, in a process of its own (forked by src/bench.ts, driven over IPC), so
// that the servers under test never share an event loop with the client. For each scenario it runs a warm-up
// (discarded), then the measured run, and answers throughput, exact latency percentiles (from every response's
// own time, not autocannon's whole-millisecond histogram), and every non-2xx status and socket error.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

/** One request as the scenario describes it; `{n}` in the path, a header value or the body becomes a counter. */
export type RequestTemplate = { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string };

/** One step of a connection's loop: a request and what varies from one request to the next. */
export type LoadStep = {
  request: RequestTemplate;
  /** Rotated request by request (path, headers merged over the request's, body): e.g. one per signed-in user. */
  variants?: Partial<RequestTemplate>[];
  /** A header given a value never sent before (an Idempotency-Key). */
  uniqueHeader?: string;
  /** Sends X-Forwarded-For with a different client address on every request. */
  forwardedFor?: boolean;
};

/** A scenario: where, how hard, how long, what. */
export type LoadSpec = {
  name: string;
  /** Origin, e.g. http://127.0.0.1:3001. */
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Each connection loops over these steps (one step, or two for the mixed run). */
  steps: LoadStep[];
  /**
   * One round of a row measured in rounds: this run is added to the earlier kept runs of the same name, and the
   * answer is their total (responses over the summed seconds, percentiles over every response of every round).
   */
  keep?: boolean;
};

/** The measured run. Latencies in milliseconds. */
export type LoadResult = {
  name: string;
  seconds: number;
  responses: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  statuses: Record<string, number>;
  /** The first few non-2xx answers, for diagnosis. */
  failures: string[];
  /** Responses during the warm-up (not otherwise counted). */
  warmupResponses: number;
  /** Per step (by path of its request): responses and p50. */
  steps: { path: string; responses: number; p50: number }[];
  /** How many runs the figures add up (rounds of a row; 1 otherwise). */
  rounds: number;
};

type AutocannonRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
};
type AutocannonResult = { duration: number; errors: number; timeouts: number; non2xx: number };
type AutocannonInstance = Promise<AutocannonResult> & {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  sampleInt: number;
  requests: AutocannonRequest[];
}) => AutocannonInstance;

// autocannon is CommonJS with no type declarations; the little of it used here is typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const runTag = randomBytes(4).toString('hex');
let counter = 0;

function fill(text: string, n: number): string {
  return text.includes('{n}') ? text.replaceAll('{n}', `${runTag}-${n}`) : text;
}

function clientAddress(n: number): string {
  return `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function toRequests(
  spec: LoadSpec,
  onStatus: (step: number, status: number, body: string) => void,
): AutocannonRequest[] {
  return spec.steps.map((step, index) => {
    const base = step.request;
    const request: AutocannonRequest = { method: base.method, path: base.path, headers: { ...base.headers } };
    if (base.body !== undefined) request.body = base.body;
    const dynamic =
      (step.variants?.length ?? 0) > 0 ||
      step.uniqueHeader !== undefined ||
      step.forwardedFor === true ||
      base.path.includes('{n}') ||
      (base.body ?? '').includes('{n}');
    let rotation = 0;
    if (dynamic) {
      request.setupRequest = (req) => {
        const n = counter++;
        const variant = step.variants?.length ? step.variants[rotation++ % step.variants.length] : undefined;
        const headers: Record<string, string> = { ...base.headers, ...variant?.headers };
        for (const [k, v] of Object.entries(headers)) headers[k] = fill(v, n);
        if (step.uniqueHeader) headers[step.uniqueHeader] = `${runTag}-${n}`;
        if (step.forwardedFor) headers['X-Forwarded-For'] = clientAddress(n);
        req.path = fill(variant?.path ?? base.path, n);
        req.method = variant?.method ?? base.method;
        req.headers = headers;
        const body = variant?.body ?? base.body;
        if (body !== undefined) req.body = fill(body, n);
        return req;
      };
    }
    request.onResponse = (status, body) => onStatus(index, status, body);
    return request;
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** What one run saw, before it is summarized (kept rounds add up these). */
type Sample = {
  seconds: number;
  latencies: number[];
  byStep: number[][];
  statuses: Record<string, number>;
  failures: string[];
  socketErrors: number;
  timeouts: number;
  runs: number;
};

async function runOnce(spec: LoadSpec, seconds: number, record: boolean): Promise<Sample> {
  const latencies: number[] = [];
  const byStep: number[][] = spec.steps.map(() => []);
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  // autocannon reports a response's status (onResponse) and then, synchronously, its time ('response').
  let lastStep = 0;
  const requests = toRequests(spec, (step, status, body) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    lastStep = step;
    if ((status < 200 || status > 299) && failures.length < 5) failures.push(`${status} ${body.slice(0, 300)}`);
  });
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    timeout: 30,
    // autocannon stops at its first sampling tick after `duration`: tick often, so a half-second round lasts that.
    sampleInt: 100,
    requests,
  });
  if (record) {
    instance.on('response', (_client, _status, _bytes, ms) => {
      latencies.push(ms);
      byStep[lastStep]?.push(ms);
    });
  }
  const result = await instance;
  return {
    seconds: result.duration,
    latencies,
    byStep,
    statuses,
    failures,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    runs: 1,
  };
}

function merge(into: Sample, more: Sample): Sample {
  for (const [status, count] of Object.entries(more.statuses))
    into.statuses[status] = (into.statuses[status] ?? 0) + count;
  for (const [i, list] of more.byStep.entries()) for (const ms of list) into.byStep[i]?.push(ms);
  for (const ms of more.latencies) into.latencies.push(ms);
  into.failures.push(...more.failures.slice(0, Math.max(0, 5 - into.failures.length)));
  into.seconds += more.seconds;
  into.socketErrors += more.socketErrors;
  into.timeouts += more.timeouts;
  into.runs += more.runs;
  return into;
}

function summarize(spec: LoadSpec, sample: Sample, warmupResponses: number): LoadResult {
  const sorted = Float64Array.from(sample.latencies).sort();
  const responses = Object.values(sample.statuses).reduce((a, b) => a + b, 0);
  const non2xx = Object.entries(sample.statuses)
    .filter(([s]) => !s.startsWith('2'))
    .reduce((a, [, c]) => a + c, 0);
  return {
    name: spec.name,
    seconds: sample.seconds,
    responses,
    rps: sample.seconds > 0 ? responses / sample.seconds : 0,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] ?? 0) : 0,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0,
    non2xx,
    socketErrors: sample.socketErrors,
    timeouts: sample.timeouts,
    statuses: sample.statuses,
    failures: sample.failures,
    warmupResponses,
    steps: spec.steps.map((step, i) => {
      const own = Float64Array.from(sample.byStep[i] ?? []).sort();
      return { path: step.request.path, responses: own.length, p50: percentile(own, 50) };
    }),
    rounds: sample.runs,
  };
}

// The kept rounds of each row, by name, with the warm-up responses they were preceded by.
const kept = new Map<string, { sample: Sample; warmupResponses: number }>();

/** Warm-up (discarded), then the measured run; with `keep`, the total of this row's rounds so far. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const warmup = spec.warmupSeconds > 0 ? await runOnce(spec, spec.warmupSeconds, false) : null;
  const warmupResponses = warmup ? Object.values(warmup.statuses).reduce((a, b) => a + b, 0) : 0;
  const sample = await runOnce(spec, spec.durationSeconds, true);
  if (!spec.keep) return summarize(spec, sample, warmupResponses);
  const earlier = kept.get(spec.name);
  const total = earlier
    ? { sample: merge(earlier.sample, sample), warmupResponses: earlier.warmupResponses + warmupResponses }
    : { sample, warmupResponses };
  kept.set(spec.name, total);
  return summarize(spec, total.sample, total.warmupResponses);
}

// As a forked child: run each scenario the parent sends, answer its result.
if (process.send && process.argv[2] === '--child') {
  process.on('message', (message: { id: number; spec: LoadSpec }) => {
    runLoad(message.spec).then(
      (result) => process.send?.({ id: message.id, result }),
      (error: unknown) =>
        process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
