// `npm test`: type-check, lint, then every package's mocha suite (in dependency order, via Lerna) on one
// throwaway embedded PostgreSQL (or the server in TEST_DATABASE_URL), and a closing "N passed, N failed" line.
//   --scope <package>   run only that package's suite (repeatable)
//   --skip-static       skip type-check and lint
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stopTestServer, testServerUrl } from '@microblog/domain/testing';

const { values } = parseArgs({
  options: { scope: { type: 'string', multiple: true }, 'skip-static': { type: 'boolean', default: false } },
});

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const started = Date.now();
const rootScripts = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }
).scripts;
if (!values['skip-static']) {
  for (const script of ['typecheck', 'lint', 'build', 'contracts:check'].filter((s) => s in rootScripts)) {
    console.log(`\n== npm run ${script}`);
    const { code } = await run('npm', ['run', script, '--silent']);
    if (code !== 0) {
      console.error(`npm run ${script} failed`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
}

const usingEmbedded = !process.env.TEST_DATABASE_URL;
const serverUrl = await testServerUrl();
console.log(`\n== test database server: ${usingEmbedded ? 'embedded PostgreSQL (throwaway)' : 'TEST_DATABASE_URL'}`);
let result: { code: number; output: string };
try {
  const scopes = (values.scope ?? []).flatMap((s) => ['--scope', s]);
  const env = { ...process.env, TEST_DATABASE_URL: serverUrl };
  result = await run(
    'lerna',
    ['run', 'test', '--stream', '--concurrency', '1', '--no-prefix', '--skip-nx-cache', ...scopes],
    env,
  );
  // Repository-level suites (scripts, release gate) live in scripts/test/; the benchmark harness's is tools/bench's own.
  if (!values.scope && existsSync(new URL('./test', import.meta.url))) {
    console.log('\n== scripts/test');
    const scriptsSuite = await run('mocha', ['--config', 'scripts/.mocharc.json'], env);
    result = { code: result.code || scriptsSuite.code, output: result.output + scriptsSuite.output };
  }
} finally {
  await stopTestServer();
}

// Mocha prints "N passing", "N failing", "N pending" per package (maybe coloured); add them up.
// oxlint-disable-next-line no-control-regex -- stripping ANSI colour codes
const plain = result.output.replace(/\x1b\[[0-9;]*m/g, '');
const sum = (word: string) =>
  [...plain.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
const passed = sum('passing');
const failed = sum('failing') + (result.code !== 0 && sum('failing') === 0 ? 1 : 0);
const skipped = sum('pending');
console.log(`\n== done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(result.code === 0 && failed === 0 ? 0 : 1);
