/**
 * npm run bootstrap -- [--cluster NAME] [--dry-run] (--ssh-key FILE | --token-env NAME) …
 * Hands each provisioned cluster to Flux with what must never be in git: the mesh CA (`cacerts`),
 * Flux's git credential, and the remote secrets between clusters. See docs/bootstrap.md and
 * scripts/bootstrap/main.ts for the options.
 */
import { bootstrapMain } from './bootstrap/main.ts';
import { runMain } from './lib/cli.ts';

// runMain also ends quietly on a closed pipe (`npm run bootstrap -- --dry-run | head`).
export const main = (): Promise<void> => runMain(() => bootstrapMain(process.argv.slice(2), { env: process.env, out: process.stdout, err: process.stderr }));
