/**
 * How promote runs git and kubectl: reads run (also in a dry run, which prints them first, so
 * the gates can still be evaluated), changes run only for real (a dry run prints them instead).
 */
import { spawnSync } from 'node:child_process';
import { formatCommand } from '../bootstrap/command.ts';
import type { Writer } from '../bootstrap/redact.ts';

/** A failure the user can act on: promote prints its message and exits 1. */
export class PromoteError extends Error {
  override readonly name = 'PromoteError';
}

export interface ShellOptions {
  /** The environment of every command (PATH decides which git and kubectl run). */
  readonly env: NodeJS.ProcessEnv;
  /** Working directory: a clone of the fleet repository. */
  readonly cwd: string;
  /** Print changes instead of running them; print reads before running them. */
  readonly dryRun: boolean;
  /** Where a dry run prints. */
  readonly out: Writer;
}

export interface RunOptions {
  /** Standard input. @default - none */
  readonly input?: string;
  /** Return undefined instead of throwing when the command fails. @default false */
  readonly allowFailure?: boolean;
}

export class Shell {
  constructor(readonly options: ShellOptions) {}

  get dryRun(): boolean {
    return this.options.dryRun;
  }

  /** Runs a command that changes nothing; its standard output. */
  read(argv: readonly string[], opts: RunOptions = {}): string | undefined {
    if (this.options.dryRun) this.print(argv, opts.input);
    return this.exec(argv, opts);
  }

  /** Runs a command that changes something; a dry run prints it and returns `placeholder`. */
  change(argv: readonly string[], placeholder: string, opts: RunOptions = {}): string {
    if (this.options.dryRun) {
      this.print(argv, opts.input);
      return placeholder;
    }
    return this.exec(argv, opts) ?? placeholder;
  }

  /** The command as a shell line, its standard input as a heredoc. */
  private print(argv: readonly string[], input?: string): void {
    this.options.out.write(`  $ ${formatCommand({ argv, ...(input ? { input: { text: input, display: input } } : {}) })}\n`);
  }

  private exec(argv: readonly string[], opts: RunOptions): string | undefined {
    const [program, ...args] = argv;
    const result = spawnSync(program!, args, { cwd: this.options.cwd, env: this.options.env, encoding: 'utf8', input: opts.input ?? '' });
    if (result.status === 0) return result.stdout;
    if (opts.allowFailure) return undefined;
    const why = result.error ? result.error.message : (result.stderr.trim() || result.stdout.trim() || 'no output').split('\n').slice(-8).join('\n  ');
    throw new PromoteError(`command failed${result.status === null ? '' : ` with exit code ${result.status}`}: ${formatCommand({ argv })}\n  ${why}`);
  }
}
