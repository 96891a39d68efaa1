/**
 * meshfleet <command> [options]: one command for every subcommand, what the `meshfleet` bin runs
 * (from the prebuilt bundle, bin/meshfleet.mjs). Each subcommand is its own module, loaded only
 * when it is called, so `synth` never loads the GKE client. A command module exports its `main`
 * and runs nothing when it loads: no top-level await, so the bundle can be one CommonJS script
 * that V8 compiles once and then starts from its code cache.
 */
import { endWhenWritten } from './lib/cli.ts';

interface CommandModule {
  /** Runs the command on process.argv; sets process.exitCode and prints its own errors (runMain). */
  readonly main: () => Promise<void>;
}

const COMMANDS: Record<string, { readonly does: string; readonly load: () => Promise<CommandModule> }> = {
  synth: { does: 'render the fleet into per-cluster GitOps folders (dist/)', load: () => import('./synth.ts') },
  check: { does: 'fleet-level checks of config and rendered objects', load: () => import('./check.ts') },
  diff: { does: 'what a change does to each cluster, object by object', load: () => import('./diff.ts') },
  provision: { does: 'create the VPC, subnets, firewall rules, NAT and GKE clusters', load: () => import('./provision.ts') },
  bootstrap: { does: 'hand each cluster to Flux: mesh CA, Flux, git secret, remote secrets', load: () => import('./bootstrap.ts') },
  promote: { does: 'move a change to the next rollout wave when the wave before is healthy', load: () => import('./promote.ts') },
  bench: { does: 'synth scaling benchmark against the serialization floor', load: () => import('./bench.ts') },
};

const USAGE = `Usage: meshfleet <command> [options]   (or: npm run <command> -- [options])

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(11)}${c.does}`).join('\n')}

Run \`meshfleet <command> --help\` for a command's options.
Exit codes: 0 ok, 1 failure (for diff: changes), 2 usage or internal error.`;

async function cli(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    process.exitCode = command === undefined ? 2 : 0;
  } else if (!Object.hasOwn(COMMANDS, command)) {
    process.stderr.write(`meshfleet: unknown command ${JSON.stringify(command)} (expected one of ${Object.keys(COMMANDS).join(', ')})\nRun \`meshfleet --help\` for the list.\n`);
    process.exitCode = 2;
  } else {
    // Each command reads its own options from process.argv, named as the user called it.
    process.argv = [process.argv[0]!, `meshfleet ${command}`, ...rest];
    await (await COMMANDS[command]!.load()).main();
    endWhenWritten();
  }
}

cli().catch((err: unknown) => {
  // Commands report their own errors (runMain); this is a command that failed to load.
  process.stderr.write(`meshfleet: internal error: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 2;
});
