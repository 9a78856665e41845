// Node's compile cache for the BFFs, filled before they serve: `node deploy/compile-cache.ts <directory>`.
//
// Why: the BFFs run their TypeScript directly, and the first `.ts` file a process loads brings in Node's type
// stripper, a WebAssembly module that keeps about 20 MB for the life of the process (measured on bff-mobile: 169 MB
// resident at rest without the cache, 146 MB with it). With NODE_COMPILE_CACHE pointing at a directory that already
// holds every module's stripped source and V8 code, the stripper is never loaded, and start-up compiles nothing.
//
// How it is filled: each BFF's own start command (tracing preload included, with an OTLP endpoint so that the tracing
// SDK's modules are loaded too) is run with no settings. ES module imports are all loaded before the first line of
// main.ts runs, so by the time main.ts refuses to start for want of its secrets (exit code 2), Node has compiled the
// whole module graph, and it writes the cache as it exits.
//
// What Node checks: an entry is used only for the same file path, the same source (a checksum), the same Node
// version and the same user id (the cache keeps one folder per uid), so a stale entry is recompiled, never run.
// Whoever can write the directory can change the code the BFFs run: in the image it is filled as the serving user,
// then handed to root and made read-only (deploy/Dockerfile).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SETTINGS_REFUSED = 2;

/** Fills `directory` with Node's compile cache of both BFFs' module graphs, as run from this checkout. */
export async function fillCompileCache(directory: string): Promise<void> {
  await Promise.all(['bff-web', 'bff-mobile'].map((bff) => compileBff(bff, directory)));
}

function compileBff(bff: string, directory: string): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_OPTIONS: process.env.NODE_OPTIONS,
    NODE_ENV: 'production',
    NODE_COMPILE_CACHE: directory,
    // Nothing listens there, and the process exits before the first span would be sent.
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
  };
  const child = spawn(process.execPath, ['--import', '@microblog/bff-kit/tracing', `${bff}/src/main.ts`], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === SETTINGS_REFUSED) resolve();
      else reject(new Error(`${bff} did not stop at its settings (exit code ${code}):\n${stderr}`));
    });
  });
}

if (import.meta.main) {
  const directory = process.argv[2];
  if (directory === undefined) {
    console.error('usage: node deploy/compile-cache.ts <directory>');
    process.exit(1);
  }
  await fillCompileCache(directory);
}
