/** Small shared pieces of the command-line entry points: argument parsing with --help, exits. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, formatProblem, type Problem } from '../../config/problems.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** What node's parser returns per option: boolean or string, a list of them with `multiple: true`. */
export type ParsedValues<O extends Options> = {
  [K in keyof O]?: O[K] extends { multiple: true }
    ? (O[K]['type'] extends 'boolean' ? boolean : string)[]
    : O[K]['type'] extends 'boolean' ? boolean : string;
};

/**
 * Parses argv with node's strict parser. `--help` prints `usage` and exits 0; an unknown or
 * malformed option prints the problem and the usage line and exits 2.
 */
export function parseCli<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: false, strict: true });
    if ((parsed.values as { help?: boolean }).help) {
      // Tells bin/run-bundle.cjs (HELP_SHOWN, the same symbol) not to keep this run's code as the
      // command's cache.
      (globalThis as Record<symbol, unknown>)[Symbol.for('meshfleet.helpShown')] = true;
      process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
      process.exit(0);
    }
    return parsed.values as ParsedValues<O>;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage.split('\n')[0]}\nRun with --help for details.\n`);
    process.exit(2);
  }
}

/** Writes one line per config problem (errors and warnings alike) on stderr. */
export function printProblems(problems: readonly Problem[]): void {
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
}

/** `2 problems in config` (errors), `, 1 warning` when there are warnings too. */
export function configSummary(err: ConfigError): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(err.problems.length, 'problem')} in config${err.warnings.length > 0 ? ` (and ${plural(err.warnings.length, 'warning')})` : ''}`;
}

/**
 * Runs a command's main; user errors (bad config) print one line per problem and exit 1,
 * anything else prints its message (a stack only with MESHFLEET_DEBUG=1) and exits 1.
 */
export async function runMain(main: () => Promise<number | void> | number | void): Promise<void> {
  // `npm run synth | head` closes the pipe early; that is the reader's choice, not a crash.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  try {
    const code = await main();
    process.exitCode = code ?? 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      printProblems([...err.problems, ...err.warnings]);
      process.stderr.write(`${configSummary(err)}; nothing was written.\n`);
    } else {
      process.stderr.write(`error: ${(err as Error).message ?? String(err)}\n`);
      if (process.env.MESHFLEET_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    }
    process.exitCode = 1;
  }
}

/**
 * Ends the process once a command is done, instead of when node would: with the event loop empty,
 * node still waits for V8's background work (optimizing compiles a finished run no longer needs),
 * about 20 ms of wall and 40 ms of CPU of every command. 'exit' listeners run as ever (the code
 * cache is written from one). Only with nothing left to write: where stdout or stderr is written
 * asynchronously (pipes on macOS), the natural end lets it drain.
 */
export function endWhenWritten(
  streams: readonly { readonly writableLength: number }[] = [process.stdout, process.stderr],
  exit: () => void = () => process.exit(),
): void {
  if (streams.every((s) => s.writableLength === 0)) exit();
}
