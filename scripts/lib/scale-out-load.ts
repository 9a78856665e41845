// Steady load through the balancers while instances restart or die, and the client-side ledger of writes.
// Phones post with an Idempotency-Key and, like the real app, send the same key again after a failed answer;
// browsers post without one (a browser write the balancer could not retry has an unknown outcome). Everyone reads
// their home timeline between writes. Afterwards every write that got a 2xx must exist exactly once.
import type { Browser, Phone } from './scale-out-http.ts';

export type LedgerEntry = { text: string; via: 'mobile' | 'web'; status: number; attempts: number };

export type LoadFigures = {
  requests: number;
  /** Answers that were not 2xx (or no answer at all), by kind of request. */
  failedReads: number;
  failedKeyedWrites: number;
  /** Of those, 409: the same key still in flight (its first attempt died with an instance); the app retries. */
  keyedWritesInFlight: number;
  failedUnkeyedWrites: number;
  /** Phone writes that still had no 2xx after the app's own retries. */
  keyedWritesGivenUp: number;
  /** First few failures, for the report. */
  samples: string[];
  ledger: LedgerEntry[];
};

const MAX_APP_ATTEMPTS = 5;
// Below the BFFs' 300 posts per user an hour: a worker that wrote this many only reads.
const MAX_WRITES_PER_WORKER = 250;

export function startLoad(options: {
  runId: string;
  mobileUrl: string;
  webUrl: string;
  phones: Phone[];
  browsers: Browser[];
  pauseMs?: number;
}) {
  // An object, so the loops see the change made by stop().
  const state = { running: true };
  const figures: LoadFigures = {
    requests: 0,
    failedReads: 0,
    failedKeyedWrites: 0,
    keyedWritesInFlight: 0,
    failedUnkeyedWrites: 0,
    keyedWritesGivenUp: 0,
    samples: [],
    ledger: [],
  };
  const pause = () => new Promise((r) => setTimeout(r, options.pauseMs ?? 25));
  const failed = (what: string, status: number, error?: string) => {
    if (figures.samples.length < 8) figures.samples.push(`${what}: ${status || error}`);
  };

  const phoneLoop = async (phone: Phone, worker: number) => {
    for (let n = 0; state.running; n++) {
      if (n >= MAX_WRITES_PER_WORKER) {
        figures.requests++;
        const read = await phone.call(options.mobileUrl, 'GET', '/v1/timeline?limit=20');
        if (read.status !== 200) {
          figures.failedReads++;
          failed('GET /v1/timeline', read.status, read.error);
        }
        await pause();
        continue;
      }
      const text = `ledger:${options.runId}:m${worker}:${n}`;
      const key = `${options.runId}-m${worker}-${n}`;
      let status = 0;
      let attempts = 0;
      while (attempts < MAX_APP_ATTEMPTS) {
        attempts++;
        figures.requests++;
        const answer = await phone.post(options.mobileUrl, text, key);
        status = answer.status;
        if (status >= 200 && status < 300) break;
        figures.failedKeyedWrites++;
        if (status === 409) figures.keyedWritesInFlight++;
        failed(`POST /v1/posts (attempt ${attempts})`, status, answer.error);
        await new Promise((r) => setTimeout(r, 200 * attempts));
      }
      if (status < 200 || status >= 300) figures.keyedWritesGivenUp++;
      figures.ledger.push({ text, via: 'mobile', status, attempts });
      figures.requests++;
      const read = await phone.call(options.mobileUrl, 'GET', '/v1/timeline?limit=20');
      if (read.status !== 200) {
        figures.failedReads++;
        failed('GET /v1/timeline', read.status, read.error);
      }
      await pause();
    }
  };

  const browserLoop = async (browser: Browser, worker: number) => {
    for (let n = 0; state.running; n++) {
      const text = `ledger:${options.runId}:w${worker}:${n}`;
      if (n < MAX_WRITES_PER_WORKER) {
        figures.requests++;
        const answer = await browser.call(options.webUrl, 'POST', '/microposts', { text });
        if (answer.status < 200 || answer.status >= 300) {
          figures.failedUnkeyedWrites++;
          failed('POST /api/v1/microposts', answer.status, answer.error);
        }
        figures.ledger.push({ text, via: 'web', status: answer.status, attempts: 1 });
      }
      figures.requests++;
      const read = await browser.call(options.webUrl, 'GET', '/timeline?page=1');
      if (read.status !== 200) {
        figures.failedReads++;
        failed('GET /api/v1/timeline', read.status, read.error);
      }
      await pause();
    }
  };

  const loops = [...options.phones.map(phoneLoop), ...options.browsers.map(browserLoop)];
  return {
    figures,
    async stop(): Promise<LoadFigures> {
      state.running = false;
      await Promise.all(loops);
      return figures;
    },
  };
}

export type LedgerCheck = {
  acknowledged: number;
  /** Acknowledged (2xx) writes not stored exactly once: text → count. */
  wrong: { text: string; count: number }[];
  /** Writes without a 2xx: how many were stored anyway (allowed: the outcome was unknown to the client). */
  unacknowledged: number;
  unacknowledgedStored: number;
  /** Stored posts of this run that the ledger does not know (must be none). */
  unknownStored: number;
};

/** Compares the ledger with what the database holds for this run (texts `ledger:<runId>:…`). */
export function checkLedger(ledger: LedgerEntry[], stored: { text: string; count: number }[]): LedgerCheck {
  const counts = new Map(stored.map((row) => [row.text, Number(row.count)]));
  const known = new Set(ledger.map((entry) => entry.text));
  const acknowledged = ledger.filter((entry) => entry.status >= 200 && entry.status < 300);
  const unacknowledged = ledger.filter((entry) => entry.status < 200 || entry.status >= 300);
  return {
    acknowledged: acknowledged.length,
    wrong: acknowledged
      .map((entry) => ({ text: entry.text, count: counts.get(entry.text) ?? 0 }))
      .filter((row) => row.count !== 1),
    unacknowledged: unacknowledged.length,
    unacknowledgedStored: unacknowledged.filter((entry) => (counts.get(entry.text) ?? 0) > 0).length,
    unknownStored:
      stored.filter((row) => !known.has(row.text)).length +
      unacknowledged.filter((entry) => (counts.get(entry.text) ?? 0) > 1).length,
  };
}
