// The contract packages as a client team receives them: each packed as `npm publish` would (its `prepack`
// builds dist/), checked by publint and Are the Types Wrong, and its client entry bundled for a browser.
// The registry round trip (publish, install, type-check, bundle, call the BFFs) is contract-registry.test.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const contracts = [
  { dir: 'contracts/web', name: '@microblog/web-contract', factory: 'createWebClient' },
  { dir: 'contracts/mobile', name: '@microblog/mobile-contract', factory: 'createMobileClient' },
];

type Packed = { filename: string; files: { path: string }[] };

/** Bundles `import { <factory> } from '<specifier>'` for a browser; answers the code and the files it took in. */
async function bundleClient(specifier: string, factory: string): Promise<{ code: string; inputs: string[] }> {
  const result = await esbuild.build({
    stdin: {
      contents: `import { ${factory} } from '${specifier}';\nexport const client = ${factory}({ baseUrl: '' });\n`,
      resolveDir: root,
    },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]?.text ?? '', inputs: Object.keys(result.metafile.inputs) };
}

for (const contract of contracts) {
  describe(`${contract.name} as published`, function () {
    let scratch = '';
    let tarball = '';
    let files: string[] = [];
    before(function () {
      this.timeout(120_000);
      scratch = mkdtempSync(join(tmpdir(), 'contract-pack-'));
      const output = execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], {
        cwd: join(root, contract.dir),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const [packed] = JSON.parse(output.slice(output.indexOf('['))) as Packed[];
      tarball = join(scratch, packed?.filename ?? '');
      files = (packed?.files ?? []).map((f) => f.path);
    });
    after(function () {
      rmSync(scratch, { recursive: true, force: true });
    });

    it('when packed, then it holds JavaScript and declarations for the schemas and client entries, the sources they map to, and no tests or scripts', function () {
      expect(files).to.include.members([
        'package.json',
        'README.md',
        'openapi.json',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/client.js',
        'dist/client.d.ts',
        'dist/schemas.js',
        'dist/generated/openapi-types.d.ts',
        'src/index.ts',
        'src/client.ts',
      ]);
      expect(
        files.filter((f) => /^(test|scripts|releases)\//.test(f) || f.startsWith('tsconfig')),
        'files that are no use to a consumer',
      ).to.deep.equal([]);
    });

    it('when linted by publint (warnings count as errors), then it is all good', function () {
      const result = spawnSync(bin('publint'), ['run', tarball, '--strict'], { encoding: 'utf8' });
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.include('All good!');
    });

    it('when checked by Are the Types Wrong for ESM consumers (node16 from ESM, bundler), then no problem is found', function () {
      this.timeout(60_000);
      const result = spawnSync(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color'], {
        encoding: 'utf8',
      });
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.include(`"${contract.name}/client"`);
      expect(result.stdout).to.not.match(/node16 \(from ESM\): (?!🟢)/u);
    });

    it('when an app bundles the client entry for a browser, then neither zod, zod-openapi nor a Node built-in is in it', async function () {
      const { code, inputs } = await bundleClient(`${contract.name}/client`, contract.factory);
      expect(inputs.filter((i) => /zod|node:/.test(i))).to.deep.equal([]);
      expect(inputs.some((i) => i.includes('openapi-fetch'))).to.equal(true);
      expect(code.length).to.be.above(0);
    });

    it('when an app imports the client from the package root instead, then the bundle is the same (the schemas are shaken out)', async function () {
      const fromClient = await bundleClient(`${contract.name}/client`, contract.factory);
      const fromRoot = await bundleClient(contract.name, contract.factory);
      expect(fromRoot.code.length).to.equal(fromClient.code.length);
    });
  });
}
