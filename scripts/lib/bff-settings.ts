// Both BFFs' own settings checks, run by the launcher before it starts anything.
import { readSettings as readWebSettings } from '@microblog/bff-web/settings';
import { readSettings as readMobileSettings } from '@microblog/bff-mobile/settings';

/** One line for each bad setting of either BFF, given the environment each will run with. */
export function bffSettingsProblems(env: { web: NodeJS.ProcessEnv; mobile: NodeJS.ProcessEnv }): string[] {
  return [readWebSettings(env.web), readMobileSettings(env.mobile)].flatMap((result) =>
    result.ok ? [] : result.problems,
  );
}
