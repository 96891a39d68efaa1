/**
 * One progress line per step: `[frankfurt] 2/6 cacerts … done`. A real run prints the line when
 * the step starts and its result when it ends; a dry run prints the step as a heading, with the
 * commands it would run below it.
 */
import type { Writer } from './redact.ts';

export class Progress {
  constructor(private readonly out: Writer, private readonly dryRun: boolean) {}

  /**
   * Runs `fn` as the step `label`. Its return value is the result shown after the ellipsis
   * (default `done`); on failure the line ends in `failed` and the error goes on.
   */
  async step(label: string, fn: () => Promise<string | void>): Promise<void> {
    if (this.dryRun) {
      this.out.write(`${label}\n`);
      await fn();
      return;
    }
    this.out.write(`${label} … `);
    try {
      const result = await fn();
      this.out.write(`${result ?? 'done'}\n`);
    } catch (err) {
      this.out.write('failed\n');
      throw err;
    }
  }
}

/** `[cluster] 2/6 label`, or `[cluster] label` for a step outside the numbered sequence. */
export function stepLabel(scope: string, label: string, index?: number, total?: number): string {
  return index === undefined ? `[${scope}] ${label}` : `[${scope}] ${index}/${total} ${label}`;
}
