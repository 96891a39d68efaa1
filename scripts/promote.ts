/**
 * npm run promote -- [--status] [--to WAVE] [--rollback WAVE] [--dry-run] …
 * Moves a change from one rollout wave to the next when the wave before has run it healthy for
 * its bake time. See docs/rollout.md, scripts/promote/usage.ts for the options and
 * scripts/promote/main.ts for what it does.
 */
import { parseCli, runMain } from './lib/cli.ts';
import { OPTIONS, USAGE } from './promote/usage.ts';

export const main = (): Promise<void> => runMain(async () => {
  const argv = process.argv.slice(2);
  // Help and usage errors first, so they print without loading the command's code; promoteMain
  // reads the options again (its tests call it with a command line).
  parseCli(argv, OPTIONS, USAGE);
  const { promoteMain } = await import('./promote/main.ts');
  return promoteMain(argv, { env: process.env, out: process.stdout, err: process.stderr });
});
