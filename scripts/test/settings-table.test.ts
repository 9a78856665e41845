// The root README's tables list every environment variable the code reads, and nothing it does not: the names the
// settings schemas ask for (recorded by handing them an environment that notes each name read), and the names read
// directly (through `process.env` or any `env` object) anywhere in the repository's TypeScript.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { readSettings as readWebSettings } from '@microblog/bff-web/settings';
import { readSettings as readMobileSettings } from '@microblog/bff-mobile/settings';
import { readLauncherSettings } from '../lib/launcher-settings.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Read, but not settings of this project: set by npm or the shell, or passed by the bench harness to its own child.
const NOT_SETTINGS = new Set(['PATH', 'HOME', 'INIT_CWD', 'NODE_OPTIONS', 'BENCH_CEILING_OPTIONS']);

function recordingEnv(seen: Set<string>): Record<string, string | undefined> {
  return new Proxy({} as Record<string, string | undefined>, {
    get: (_target, key) => {
      if (typeof key === 'string' && /^[A-Z][A-Z0-9_]+$/.test(key)) seen.add(key);
      return undefined;
    },
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return [];
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function readDirectly(): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /\b(?:process\.env|env)(?:\.([A-Z][A-Z0-9_]+)\b|\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\])/g;
  for (const top of ['libs', 'bff-web', 'bff-mobile', 'contracts', 'scripts', 'tools']) {
    for (const file of sourceFiles(join(root, top))) {
      if (file.includes(`${join('client', 'src')}`) || file.includes('generated')) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(pattern))
        found.set(match[1] ?? match[2] ?? '', relative(root, file));
    }
  }
  return found;
}

function documented(): Set<string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const names = new Set<string>();
  for (const line of readme.split('\n')) {
    if (!line.startsWith('|')) continue;
    const firstCell = line.split('|')[1] ?? '';
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(match[1] ?? '');
  }
  return names;
}

describe("the root README's settings tables", () => {
  it('when the code reads an environment variable, then a table row names it', () => {
    const seen = new Set<string>();
    readWebSettings(recordingEnv(seen));
    readMobileSettings(recordingEnv(seen));
    readLauncherSettings(recordingEnv(seen));
    const direct = readDirectly();
    const read = new Set([...seen, ...direct.keys()].filter((name) => !NOT_SETTINGS.has(name)));
    expect(seen).to.include.members(['WEB_PORT', 'MOBILE_PORT', 'TOKEN_SECRET', 'EMBEDDED_PG_PORT']); // the recording works
    const missing = [...read]
      .filter((name) => !documented().has(name))
      .map((name) => `${name} (${direct.get(name) ?? 'a settings schema'})`);
    expect(missing, 'read by the code but not in a README table').to.deep.equal([]);
  });

  it('when a table row names a variable, then the code reads it', () => {
    const seen = new Set<string>();
    readWebSettings(recordingEnv(seen));
    readMobileSettings(recordingEnv(seen));
    readLauncherSettings(recordingEnv(seen));
    const read = new Set([...seen, ...readDirectly().keys()]);
    const stale = [...documented()].filter((name) => !read.has(name));
    expect(stale, 'in a README table but read nowhere').to.deep.equal([]);
  });
});
