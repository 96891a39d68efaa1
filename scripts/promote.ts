/**
 * npm run promote -- [--status] [--to WAVE] [--rollback WAVE] [--dry-run] …
 * Moves a change from one rollout wave to the next when the wave before has run it healthy for
 * its bake time. See docs/rollout.md and scripts/promote/main.ts for the options.
 */
import { runMain } from './lib/cli.ts';
import { promoteMain } from './promote/main.ts';

export const main = (): Promise<void> => runMain(() => promoteMain(process.argv.slice(2), { env: process.env, out: process.stdout, err: process.stderr }));
