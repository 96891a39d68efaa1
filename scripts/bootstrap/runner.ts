/**
 * Runs bootstrap's commands, or, in a dry run, prints them. Steps never call a process or change a
 * file themselves: they hand a `Command` (or a described local action) to a `Runner`, so the dry
 * run shows exactly what a real run would do, in order, and runs none of it.
 */
import { $ } from 'zx';
import { formatCommand, type Command } from './command.ts';
import { BootstrapError } from './errors.ts';
import type { Redactor, Writer } from './redact.ts';

export interface Runner {
  /** True when nothing is executed. */
  readonly dryRun: boolean;
  /** Runs a command that changes something. Throws `BootstrapError` when it fails. */
  change(cmd: Command): Promise<void>;
  /** Runs a command for its standard output. A dry run prints it and returns `placeholder`. */
  read(cmd: Command, placeholder: string): Promise<string>;
  /** A change made in-process (files in the state directory). A dry run prints `description`. */
  local(description: string, action: () => void): Promise<void>;
  /** Something a dry run should mention although nothing runs for it (a file that is reused). */
  note(text: string): void;
}

export interface ExecRunnerOptions {
  /** The environment every command gets (PATH decides which tools run). */
  readonly env: NodeJS.ProcessEnv;
  /** Hides secrets in the error messages of failed commands. */
  readonly redactor: Redactor;
  /** For command lines in error messages. @default - paths shown as they are */
  readonly home?: string;
}

/** Executes commands through zx (bash), with stdin closed unless the command has input. */
export class ExecRunner implements Runner {
  readonly dryRun = false;

  constructor(private readonly options: ExecRunnerOptions) {}

  async change(cmd: Command): Promise<void> {
    await this.exec(cmd);
  }

  async read(cmd: Command): Promise<string> {
    return this.exec(cmd);
  }

  async local(_description: string, action: () => void): Promise<void> {
    action();
  }

  note(): void {
    // The progress line reports it.
  }

  private async exec(cmd: Command): Promise<string> {
    const out = await $({
      quiet: true,
      nothrow: true,
      env: { ...this.options.env, ...cmd.env },
      // An open stdin would hang any tool that reads it when we meant to give it nothing.
      ...(cmd.input ? { input: cmd.input.text } : { stdio: ['ignore', 'pipe', 'pipe'] as const }),
    })`${[...cmd.argv]}`;
    if (out.exitCode === 0) return out.stdout;
    const shown = formatCommand({ ...cmd, input: undefined }, { home: this.options.home });
    const detail = (out.stderr.trim() || out.stdout.trim() || 'no output').split('\n').slice(-12).map((l) => `  ${l}`).join('\n');
    const why = out.exitCode === 127 ? ` (${cmd.argv[0]} not found on PATH)` : '';
    throw new BootstrapError(this.options.redactor.redact(`command failed with exit code ${out.exitCode}${why}: ${shown}\n${detail}`));
  }
}

/** Prints every command, indented under the current progress heading; executes nothing. */
export class DryRunRunner implements Runner {
  readonly dryRun = true;

  constructor(private readonly out: Writer, private readonly home?: string) {}

  async change(cmd: Command): Promise<void> {
    this.print(formatCommand(cmd, { home: this.home }));
  }

  async read(cmd: Command, placeholder: string): Promise<string> {
    this.print(formatCommand(cmd, { home: this.home }));
    return placeholder;
  }

  async local(description: string): Promise<void> {
    this.note(description);
  }

  note(text: string): void {
    const home = this.home?.replace(/\/+$/, '');
    this.print(`# ${home ? text.split(`${home}/`).join('~/') : text}`);
  }

  private print(text: string): void {
    this.out.write(`${text.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
  }
}
