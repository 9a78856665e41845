// deploy/compile-cache.ts, as the image uses it: once the cache is filled, a BFF started with NODE_COMPILE_CACHE
// never loads Node's type stripper (the ~20 MB it would keep for the life of the process), and a file changed since
// the cache was filled is compiled again from its new source, not served from the old entry.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { fillCompileCache } from '../../deploy/compile-cache.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the compile cache the image is built with (deploy/compile-cache.ts)', function () {
  this.timeout(120_000);
  let directory: string;
  let probe: string;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'microblog-compile-cache-'));
    // Preloaded as plain JavaScript, so that the probe itself needs no type stripping.
    probe = join(directory, 'probe.mjs');
    writeFileSync(
      probe,
      "process.on('exit', () => process.stderr.write(`\\nstripper loaded: ${process.moduleLoadList.some((m) => m.includes('amaro'))}\\n`));\n",
    );
    await fillCompileCache(join(directory, 'cache'));
  });

  after(() => rmSync(directory, { recursive: true, force: true }));

  /** Runs a BFF's start command (no settings: it stops at them, after loading every module) and says what it loaded. */
  function start(bff: string, cache: string | null) {
    const result = spawnSync(
      process.execPath,
      ['--import', probe, '--import', '@microblog/bff-kit/tracing', `${bff}/src/main.ts`],
      {
        cwd: root,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          NODE_OPTIONS: process.env.NODE_OPTIONS,
          ...(cache === null ? {} : { NODE_COMPILE_CACHE: cache }),
        },
      },
    );
    return { status: result.status, stderr: result.stderr };
  }

  for (const bff of ['bff-web', 'bff-mobile']) {
    it(`when ${bff} starts from the filled cache, then Node never loads its type stripper`, () => {
      const withCache = start(bff, join(directory, 'cache'));
      expect(withCache.stderr).to.include('TOKEN_SECRET: is required');
      expect(withCache.status).to.equal(2);
      expect(withCache.stderr).to.include('stripper loaded: false');
    });

    it(`when ${bff} starts without the cache, then the stripper is loaded (what the cache saves)`, () => {
      const withoutCache = start(bff, null);
      expect(withoutCache.status).to.equal(2);
      expect(withoutCache.stderr).to.include('stripper loaded: true');
    });
  }

  it('when a module changed after the cache was filled, then its new source runs, not the cached one', () => {
    const cache = join(directory, 'cache-changed');
    const entry = join(directory, 'entry.ts');
    const run = () =>
      spawnSync(process.execPath, [entry], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, NODE_COMPILE_CACHE: cache },
      });
    writeFileSync(entry, "const answer: string = 'before';\nconsole.log(answer);\n");
    expect(run().stdout.trim()).to.equal('before');
    writeFileSync(entry, "const answer: string = 'after';\nconsole.log(answer);\n");
    expect(run().stdout.trim()).to.equal('after');
  });
});
