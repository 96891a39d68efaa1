/**
 * npm run bootstrap -- [--cluster NAME] [--dry-run] (--ssh-key FILE | --token-env NAME) …
 * Hands each provisioned cluster to Flux with what must never be in git: the mesh CA (`cacerts`),
 * Flux's git credential, and the remote secrets between clusters. See docs/bootstrap.md and
 * scripts/bootstrap/main.ts for the options.
 */
import { bootstrapMain } from './bootstrap/main.ts';
import { runMain } from './lib/cli.ts';

// `npm run bootstrap -- --dry-run | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

await runMain(() => bootstrapMain(process.argv.slice(2), { env: process.env, out: process.stdout, err: process.stderr }));
