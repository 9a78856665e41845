// The settings `npm start`, `npm run dev`, `npm run seed` and `npm run db:migrate` read themselves (each BFF checks
// its own with its schema). Checked before any other work: a bad value is one line naming it, then exit code 2.
import { createServer } from 'node:net';

/** What the launcher reads from the environment. */
export type LauncherSettings = {
  /** bff-web's port (WEB_PORT). */
  webPort: number;
  /** bff-mobile's port (MOBILE_PORT). */
  mobilePort: number;
  /** The embedded PostgreSQL's port when DATABASE_URL is unset (EMBEDDED_PG_PORT). */
  embeddedPostgresPort: number;
  /** The local development OpenID provider's port when OIDC_PROVIDERS is unset (OIDC_DEV_PORT). */
  oidcDevPort: number;
};

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (value >= 1 && value <= 65535) return value;
  problems.push(`${name}: ${JSON.stringify(raw)} is not a TCP port (an integer from 1 to 65535)`);
  return fallback;
}

/** The launcher's settings, and one line for each bad one. */
export function readLauncherSettings(env: Env = process.env): { settings: LauncherSettings; problems: string[] } {
  const problems: string[] = [];
  const settings = {
    webPort: port(env, 'WEB_PORT', 3000, problems),
    mobilePort: port(env, 'MOBILE_PORT', 3001, problems),
    embeddedPostgresPort: port(env, 'EMBEDDED_PG_PORT', 54320, problems),
    oidcDevPort: port(env, 'OIDC_DEV_PORT', 3002, problems),
  };
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\/./.test(env.DATABASE_URL)) {
    problems.push(`DATABASE_URL: must be a postgres:// URL (or unset, for the embedded PostgreSQL)`);
  }
  const ports = [
    ['WEB_PORT', settings.webPort],
    ['MOBILE_PORT', settings.mobilePort],
  ] as const;
  if (settings.webPort === settings.mobilePort)
    problems.push(`MOBILE_PORT: ${settings.mobilePort} is WEB_PORT too; each BFF needs a port of its own`);
  if (!env.DATABASE_URL && ports.some(([, p]) => p === settings.embeddedPostgresPort)) {
    problems.push(`EMBEDDED_PG_PORT: ${settings.embeddedPostgresPort} is taken by a BFF's port; choose another`);
  }
  return { settings, problems };
}

/** Why `port` cannot be listened on (another process holds it, or it is privileged), or null when it is free. */
export function portUnavailable(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'EADDRINUSE'
          ? 'is in use by another process'
          : error.code === 'EACCES'
            ? 'needs privileges to listen on'
            : (error.code ?? error.message),
      ),
    );
    // No host: the BFFs listen on every interface, and so must the probe to see every holder.
    probe.listen(port, () => probe.close(() => resolve(null)));
  });
}

/** The launcher's settings; with a bad one, its line on stderr and exit code 2. */
export function launcherSettingsOrExit(env: Env = process.env): LauncherSettings {
  const { settings, problems } = readLauncherSettings(env);
  if (problems.length === 0) return settings;
  for (const line of problems) console.error(line);
  return process.exit(2);
}
