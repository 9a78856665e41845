// Where a BFF's CPU time went: a `node --cpu-prof` profile (written when the BFF exits) summarized by self time,
// per package (node_modules/<name>, the repository's own workspaces, Node.js internals, garbage collection) and
// per function, as shares of the samples when the process was busy (idle time is left out).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
};
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/** Self time per package and per function, as shares of the profile's samples. */
export type ProfileSummary = {
  file: string;
  seconds: number;
  busySeconds: number;
  packages: { name: string; share: number }[];
  functions: { name: string; share: number }[];
};

function packageOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(idle)' || functionName === '(program)') return functionName;
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const match = /\/(libs\/domain|bff-web|bff-mobile|contracts\/web|contracts\/mobile)\//.exec(url);
  return match ? (match[1] ?? url) : url;
}

/** Summarizes one .cpuprofile. */
export function summarizeProfile(file: string, profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<number, number>();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const busy = profile.samples.filter((id) => !idleIds.has(id)).length;
  const total = busy || 1;
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, count] of counts) {
    const node = byId.get(id);
    if (!node || idleIds.has(id)) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + count);
    const where = url ? `${url.replace(/^.*\/(node_modules|work\/main)\//, '')}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + count);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, count]) => ({ name, share: count / total }));
  return {
    file,
    seconds,
    busySeconds: (seconds * busy) / (profile.samples.length || 1),
    packages: top(packages, 15),
    functions: top(functions, 20),
  };
}

/** Summaries of every profile in a directory. */
export async function summarizeProfiles(dir: string): Promise<ProfileSummary[]> {
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.cpuprofile'));
  const out: ProfileSummary[] = [];
  for (const f of files)
    out.push(summarizeProfile(path.join(dir, f), JSON.parse(await readFile(path.join(dir, f), 'utf8')) as CpuProfile));
  return out;
}

/** The summary as text. */
export function renderProfile(summary: ProfileSummary): string {
  const pct = (s: number) => `${(s * 100).toFixed(1).padStart(5)}%`;
  return [
    `${path.basename(summary.file)}: busy ${summary.busySeconds.toFixed(1)} s of ${summary.seconds.toFixed(0)} s; self time as a share of the busy time`,
    '  by package:',
    ...summary.packages.map((p) => `    ${pct(p.share)}  ${p.name}`),
    '  by function:',
    ...summary.functions.map((f) => `    ${pct(f.share)}  ${f.name}`),
  ].join('\n');
}
