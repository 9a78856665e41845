// Both BFFs' own settings checks, run by the launcher before it starts anything.
import { readConfig as readWebConfig } from '../../bff-web/src/config.ts';
import { loadConfig as readMobileConfig } from '../../bff-mobile/src/config.ts';

function problemsOf(read: () => unknown): string[] {
  try {
    read();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/** One line for each bad setting of either BFF, given the environment each will run with. */
export function bffSettingsProblems(env: { web: NodeJS.ProcessEnv; mobile: NodeJS.ProcessEnv }): string[] {
  return [...problemsOf(() => readWebConfig(env.web)), ...problemsOf(() => readMobileConfig(env.mobile))];
}
