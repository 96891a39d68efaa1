/**
 * Live progress, one line per item. On a terminal the lines are redrawn in place (with a clock);
 * elsewhere (CI logs, pipes) each change is appended as a plain line, so logs stay readable.
 */
import { formatDuration } from './format.ts';

/** Where progress goes: a stream, with `isTTY` when it is a terminal. */
export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal width; redrawn lines are cut to it, since a wrapped line would break the redraw. */
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Redraw in place. @default output.isTTY */
  readonly tty?: boolean;
  /** Clock, for tests. @default performance.now */
  readonly now?: () => number;
  /** How often a terminal redraws the clock. @default 1000 */
  readonly tickMs?: number;
  /**
   * Without a terminal: how often a running item's unchanged line is repeated, so a CI log shows
   * the run is alive during a 10-minute cluster create (and CI does not kill a silent job).
   * @default 60000
   */
  readonly heartbeatMs?: number;
}

interface Line {
  readonly key: string;
  status: string;
  started: number;
  ended?: number;
  /** Between start and finish. */
  active: boolean;
  /** When its line was last appended (no terminal). */
  printed: number;
}

export class Progress {
  private readonly lines: Line[];
  private readonly tty: boolean;
  private readonly now: () => number;
  private drawn = 0;
  private timer?: NodeJS.Timeout;
  private readonly keyWidth: number;

  constructor(private readonly out: ProgressOutput, keys: readonly string[], options: ProgressOptions = {}) {
    this.tty = options.tty ?? out.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    const start = this.now();
    this.lines = keys.map((key) => ({ key, status: 'waiting', started: start, active: false, printed: start }));
    this.keyWidth = Math.max(0, ...keys.map((k) => k.length));
    if (keys.length === 0) return;
    if (this.tty) {
      this.draw();
      this.timer = setInterval(() => this.draw(), options.tickMs ?? 1000);
    } else {
      const every = options.heartbeatMs ?? 60_000;
      this.timer = setInterval(() => this.heartbeat(every), every);
    }
    // The clock alone must not keep the process alive.
    this.timer.unref();
  }

  /** Marks `key` as started now (its clock starts) with `status`. */
  start(key: string, status: string): void {
    const line = this.line(key);
    line.started = this.now();
    line.active = true;
    this.set(line, status);
  }

  /** New status for `key`; on a terminal the line is redrawn, elsewhere appended if it changed. */
  update(key: string, status: string): void {
    this.set(this.line(key), status);
  }

  /** Final status for `key`; its clock stops. */
  finish(key: string, status: string): void {
    const line = this.line(key);
    line.ended = this.now();
    line.active = false;
    this.set(line, status);
  }

  /** Stops the clock and leaves the last frame on screen. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.draw();
  }

  private set(line: Line, status: string): void {
    const changed = line.status !== status;
    line.status = status;
    if (this.tty) this.draw();
    else if (changed) this.append(line);
  }

  private append(line: Line): void {
    line.printed = this.now();
    this.out.write(`${this.render(line)}\n`);
  }

  private heartbeat(every: number): void {
    for (const line of this.lines) if (line.active && this.now() - line.printed >= every) this.append(line);
  }

  private render(line: Line): string {
    const elapsed = formatDuration((line.ended ?? this.now()) - line.started);
    return `  ${line.key.padEnd(this.keyWidth)}  ${elapsed.padStart(7)}  ${line.status}`;
  }

  private draw(): void {
    // Move to the first line of the previous frame, then rewrite every line (clearing leftovers).
    let frame = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    const width = this.out.columns ? this.out.columns - 1 : Infinity;
    for (const line of this.lines) frame += `\x1b[2K${this.render(line).slice(0, width)}\n`;
    this.out.write(frame);
    this.drawn = this.lines.length;
  }

  private line(key: string): Line {
    const line = this.lines.find((l) => l.key === key);
    if (!line) throw new Error(`progress: no line ${key}`);
    return line;
  }
}
