// Where the contracts live and how the gate reads them: package.json's version, the current openapi.json,
// and releases/<version>.json, one snapshot of the document per released version.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractInput } from './contract-gate.ts';

export interface ContractLocation {
  /** Short name for --contract. */
  name: string;
  /** Directory relative to the repository root. */
  dir: string;
  /** The path version is this prefix followed by the package's major. */
  pathPrefix: string;
}

export const contracts: readonly ContractLocation[] = [
  { name: 'web', dir: 'contracts/web', pathPrefix: '/api/v' },
  { name: 'mobile', dir: 'contracts/mobile', pathPrefix: '/v' },
];

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

/** The released documents of a contract directory, by version (releases/<version>.json). */
export function readReleases(contractDir: string): Map<string, unknown> {
  const dir = join(contractDir, 'releases');
  const releases = new Map<string, unknown>();
  if (!existsSync(dir)) return releases;
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    releases.set(file.slice(0, -'.json'.length), readJson(join(dir, file)));
  }
  return releases;
}

/** Everything the gate needs about one contract, read from disk under `root`. */
export function readContract(root: string, location: ContractLocation): ContractInput {
  const dir = join(root, location.dir);
  const { version } = readJson(join(dir, 'package.json')) as { version: string };
  return {
    label: location.dir,
    pathPrefix: location.pathPrefix,
    packageVersion: version,
    current: readJson(join(dir, 'openapi.json')),
    releases: readReleases(dir),
  };
}
