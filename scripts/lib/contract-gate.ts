// The release gate's rules, as pure functions over documents already in memory (contract-files.ts reads
// them from disk). For one contract:
// - its path version is its package's major: every versioned path is under `<prefix><major>`
//   (`/api/v1` for the web contract 1.x, `/v1` for the mobile contract 1.x);
// - openapi.json's info.version is package.json's version (else the document is stale);
// - the baseline is the newest release snapshot of the same major. Against it: a breaking change fails;
//   an additive change needs a minor bump; a documentation change needs at least a patch bump;
// - a package major above every released one is a new major: breaking changes are allowed.
import { countChanges, diffContracts } from './contract-diff.ts';
import type { ContractChange } from './contract-diff.ts';

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

/** Parses `1.2.3` or `2.0.0-beta.1`; undefined for anything else. */
export function parseVersion(text: string): Version | undefined {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/.exec(text);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: match[4] ?? '' };
}

/** Semver order (prereleases compared as strings, before their release). */
export function compareVersions(a: Version, b: Version): number {
  const byNumber = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (byNumber !== 0) return byNumber;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

function format(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease === '' ? '' : `-${v.prerelease}`}`;
}

export type Baseline =
  | { kind: 'release'; version: string } // compare with this release of the same major
  | { kind: 'new-major'; previous: string | undefined } // no release of this major yet, above every release
  | { kind: 'error'; message: string };

/** Picks the release the current document is judged against. */
export function pickBaseline(packageVersion: string, releaseVersions: readonly string[]): Baseline {
  const current = parseVersion(packageVersion);
  if (current === undefined)
    return { kind: 'error', message: `package.json version "${packageVersion}" is not a semver version` };
  const releases = releaseVersions
    .map((text) => ({ text, version: parseVersion(text) }))
    .filter((r): r is { text: string; version: Version } => r.version !== undefined)
    .sort((a, b) => compareVersions(a.version, b.version));
  const sameMajor = releases.filter((r) => r.version.major === current.major);
  const newer = sameMajor.find((r) => compareVersions(r.version, current) > 0);
  if (newer !== undefined) {
    return { kind: 'error', message: `package.json version ${packageVersion} is behind release ${newer.text}` };
  }
  const newest = sameMajor.at(-1);
  if (newest !== undefined) return { kind: 'release', version: newest.text };
  const highest = releases.at(-1);
  if (highest !== undefined && highest.version.major > current.major) {
    return {
      kind: 'error',
      message: `no release of major ${current.major} to compare with (the newest release is ${highest.text})`,
    };
  }
  return { kind: 'new-major', previous: highest?.text };
}

/** The version segment (`/v2`) a path or server URL carries, if any. */
function versionSegment(path: string): number | undefined {
  const match = /(?:^|\/)v(\d+)(?=\/|$)/.exec(path);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Errors when the document's path version is not the package's major: every path or server URL that
 * carries a `/v<n>` segment must start with `<prefix><major>`, and at least one path must.
 */
export function pathVersionErrors(document: unknown, prefix: string, major: number): string[] {
  const doc = document as { paths?: Record<string, unknown>; servers?: { url?: unknown }[] };
  const expected = `${prefix}${major}`;
  const errors: string[] = [];
  let versioned = 0;
  for (const path of Object.keys(doc.paths ?? {})) {
    if (versionSegment(path) === undefined) continue;
    versioned += 1;
    if (path !== expected && !path.startsWith(`${expected}/`)) {
      errors.push(`path ${path} is not under ${expected}: the contract's major version (${major}) is its path version`);
    }
  }
  for (const server of doc.servers ?? []) {
    const url = typeof server.url === 'string' ? server.url : '';
    const segment = versionSegment(url.replace(/^[a-z]+:\/\/[^/]+/i, ''));
    if (segment !== undefined && segment !== major) {
      errors.push(`server ${url} names v${segment}: the contract's major version (${major}) is its path version`);
    }
  }
  if (versioned === 0)
    errors.push(`no path is under ${expected}: the contract's major version (${major}) is its path version`);
  return errors;
}

/**
 * The document with its `<prefix><from>` paths renamed to `<prefix><to>`, so a new major is compared
 * operation by operation with the previous one (what changed between /v1/timeline and /v2/timeline).
 */
export function rebasePaths(document: unknown, prefix: string, from: number, to: number): unknown {
  const doc = document as { paths?: Record<string, unknown> };
  if (doc.paths === undefined) return document;
  const source = `${prefix}${from}`;
  const paths: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const moved =
      path === source || path.startsWith(`${source}/`) ? `${prefix}${to}${path.slice(source.length)}` : path;
    paths[moved] = item;
  }
  return { ...doc, paths };
}

export interface ContractInput {
  /** `contracts/web`, used in messages. */
  label: string;
  /** `/api/v` or `/v`: the path version is this prefix followed by the major. */
  pathPrefix: string;
  packageVersion: string;
  /** The current openapi.json. */
  current: unknown;
  /** Released documents by version (the files in releases/). */
  releases: ReadonlyMap<string, unknown>;
}

export interface GateResult {
  ok: boolean;
  /** What the document was compared with, for the report. */
  comparedWith: string;
  changes: ContractChange[];
  /** Why the gate fails (empty when ok). */
  errors: string[];
  /** Other lines worth printing. */
  notes: string[];
}

/** Applies every rule to one contract. */
export function checkContract(input: ContractInput): GateResult {
  const errors: string[] = [];
  const notes: string[] = [];
  const { label, packageVersion } = input;
  const infoVersion = (input.current as { info?: { version?: unknown } }).info?.version;
  if (infoVersion !== packageVersion) {
    errors.push(
      `openapi.json says info.version ${JSON.stringify(infoVersion)} but package.json is ${packageVersion}: ` +
        `the document is stale, run \`npm run generate -w ${label}\``,
    );
  }
  const version = parseVersion(packageVersion);
  if (version !== undefined) errors.push(...pathVersionErrors(input.current, input.pathPrefix, version.major));
  const baseline = pickBaseline(packageVersion, [...input.releases.keys()]);
  if (baseline.kind === 'error' || version === undefined) {
    errors.push(baseline.kind === 'error' ? baseline.message : `bad version ${packageVersion}`);
    return { ok: false, comparedWith: '(nothing)', changes: [], errors, notes };
  }

  if (baseline.kind === 'new-major') {
    if (baseline.previous === undefined) {
      notes.push(`no release yet: ${packageVersion} will be the first (nothing to compare with)`);
      return { ok: errors.length === 0, comparedWith: '(no release)', changes: [], errors, notes };
    }
    const previousMajor = parseVersion(baseline.previous)?.major ?? 0;
    const rebased = rebasePaths(input.releases.get(baseline.previous), input.pathPrefix, previousMajor, version.major);
    const changes = diffContracts(rebased, input.current);
    const count = countChanges(changes);
    notes.push(
      `${packageVersion} is a new major: ${count.breaking} breaking, ${count.additive} additive change(s) ` +
        `against release ${baseline.previous} (its paths read as ${input.pathPrefix}${version.major}) are allowed; ` +
        `serve it beside ${input.pathPrefix}${previousMajor} (RELEASING.md)`,
    );
    return {
      ok: errors.length === 0,
      comparedWith: `release ${baseline.previous} (previous major)`,
      changes,
      errors,
      notes,
    };
  }

  const released = parseVersion(baseline.version);
  const changes = diffContracts(input.releases.get(baseline.version), input.current);
  const count = countChanges(changes);
  if (released === undefined) throw new Error(`unreachable: ${baseline.version}`);
  const nextMinor = format({ ...released, minor: released.minor + 1, patch: 0, prerelease: '' });
  const nextPatch = format({ ...released, patch: released.patch + 1, prerelease: '' });
  if (count.breaking > 0) {
    errors.push(
      `${count.breaking} breaking change(s) against release ${baseline.version}: within major ${version.major} ` +
        `only additive changes are allowed. Undo them, or ship them as ${version.major + 1}.0.0 served at ` +
        `${input.pathPrefix}${version.major + 1} beside ${input.pathPrefix}${version.major} (RELEASING.md)`,
    );
  } else if (count.additive > 0 && version.minor === released.minor) {
    const still =
      packageVersion === baseline.version ? `is still ${packageVersion}` : `is ${packageVersion}, a patch release`;
    errors.push(
      `${count.additive} additive change(s) against release ${baseline.version} but package.json ${still}: ` +
        `bump the minor version (${nextMinor}); a patch bump is for releases with no API change`,
    );
  } else if (count.docs > 0 && packageVersion === baseline.version) {
    errors.push(
      `openapi.json differs from release ${baseline.version} (documentation only) but package.json is still ` +
        `${packageVersion}: bump at least the patch version (${nextPatch})`,
    );
  }
  return { ok: errors.length === 0, comparedWith: `release ${baseline.version}`, changes, errors, notes };
}
