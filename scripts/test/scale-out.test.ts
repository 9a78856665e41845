// The pieces of `npm run test:scale-out` that decide pass or fail without the whole cluster: the write ledger's
// verdicts, and the balancer configuration it runs (the shipped deploy/haproxy/haproxy.cfg policy), which HAProxy
// itself must accept. The proof end to end runs in .ci/run (`npm run test:scale-out`), not here: it takes a minute.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { checkLedger, type LedgerEntry } from '../lib/scale-out-load.ts';
import { haproxyBinary, proofHaproxyConfig, shippedHaproxyPolicy } from '../lib/scale-out-processes.ts';

const entry = (text: string, status: number): LedgerEntry => ({ text, via: 'mobile', status, attempts: 1 });

describe('scale-out proof: the write ledger', () => {
  it('when every acknowledged write is stored once, then nothing is wrong, and an unacknowledged one may be stored or not', () => {
    const ledger = [entry('a', 201), entry('b', 201), entry('c', 502), entry('d', 0)];
    const check = checkLedger(ledger, [
      { text: 'a', count: 1 },
      { text: 'b', count: 1 },
      { text: 'c', count: 1 },
    ]);
    expect(check).to.deep.equal({
      acknowledged: 2,
      wrong: [],
      unacknowledged: 2,
      unacknowledgedStored: 1,
      unknownStored: 0,
    });
  });

  it('when an acknowledged write is missing or doubled, then it is named with its count', () => {
    const check = checkLedger([entry('a', 201), entry('b', 201)], [{ text: 'b', count: 2 }]);
    expect(check.wrong).to.deep.equal([
      { text: 'a', count: 0 },
      { text: 'b', count: 2 },
    ]);
  });

  it('when the database holds a post the clients never sent, or an unacknowledged write twice, then it is counted', () => {
    const check = checkLedger(
      [entry('a', 201), entry('c', 502)],
      [
        { text: 'a', count: 1 },
        { text: 'c', count: 2 },
        { text: 'x', count: 1 },
      ],
    );
    expect(check.unknownStored).to.equal(2);
  });
});

describe('scale-out proof: the balancer configuration', () => {
  it('when the policy is read, then it is the shipped one: retries, redispatch, readiness checks on /readyz, no retry of un-keyed writes', () => {
    const policy = shippedHaproxyPolicy();
    expect(policy).to.match(/^\s*retries 3$/m);
    expect(policy).to.match(/^\s*option redispatch/m);
    expect(policy).to.match(/^\s*http-check send meth GET uri \/readyz$/m);
    expect(policy).to.match(/^\s*http-request disable-l7-retry if !safe_to_repeat !has_idempotency_key$/m);
    expect(policy).to.not.match(/^(frontend|backend) /m);
  });

  it('when HAProxy checks the configuration the proof runs, then it accepts it', function () {
    const binary = haproxyBinary();
    if (!binary) {
      if (process.env.CI === 'true') throw new Error('haproxy is not installed (.ci/run installs it)');
      console.log('      (no haproxy: apt-get install haproxy to check the configuration)');
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'scale-out-haproxy-'));
    try {
      const file = join(dir, 'haproxy.cfg');
      writeFileSync(
        file,
        proofHaproxyConfig([
          {
            backend: 'web',
            port: 1,
            servers: [
              { name: 'web-1', port: 2 },
              { name: 'web-2', port: 3 },
            ],
          },
        ]),
      );
      const result = spawnSync(binary as string, ['-c', '-f', file], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HAPROXY_RUNTIME_SOCKET: join(dir, 's.sock') },
      });
      expect(result.status, result.stdout + result.stderr).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
