/** Test helpers: run `provision()` in-process against the fakes and capture what it prints. */
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadFleet } from '../../config/load.ts';
import type { Fleet } from '../../config/model.ts';
import type { ComputeTarget, Endpoints } from '../../scripts/provision/endpoints.ts';
import type { Gcloud } from '../../scripts/provision/gcloud.ts';
import { provision, type ProvisionOptions } from '../../scripts/provision/run.ts';
import type { Timing } from '../../scripts/provision/timing.ts';

/** Millisecond backoff so fault tests take no time. */
export const FAST: Timing = {
  retry: { attempts: 4, initialMs: 1, maxMs: 4, budgetMs: 60_000 },
  poll: { initialMs: 1, maxMs: 2, timeoutMs: 5_000 },
  callTimeoutMs: 5_000,
};

/** A stream that keeps what is written to it. */
export class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Stdin stand-in: `answer` when given (a terminal), else a closed non-terminal. */
export function input(answer?: string): NodeJS.ReadableStream & { isTTY?: boolean } {
  const stream = Readable.from(answer === undefined ? [] : [answer]) as Readable & { isTTY?: boolean };
  stream.isTTY = answer !== undefined;
  return stream;
}

export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

let loadedDefault: Fleet | undefined;

/** The default fleet, loaded once per process (a loaded fleet is deeply frozen: tests share it). */
export const defaultFleet = (): Fleet => (loadedDefault ??= loadFleet(fileURLToPath(new URL('../../config/fleet.yaml', import.meta.url))));

/**
 * Runs provision against the fake GKE at `gke`. gcloud steps: skipped unless `gcloud` is given;
 * then the network steps run as against a compute emulator, unless `compute` says otherwise
 * (`{ mode: 'google' }` runs the global entry's fleet and IAM steps too, through `gcloud`).
 */
export async function runProvision(
  gke: string, options: Partial<Omit<ProvisionOptions, 'io' | 'endpoints'>> & { answer?: string; compute?: ComputeTarget } = {},
): Promise<RunResult> {
  const out = new Capture();
  const err = new Capture();
  const [host, port] = gke.split(':') as [string, string];
  const endpoints: Endpoints = {
    gkeEmulator: { host, port: Number(port) },
    compute: options.compute
      ?? (options.gcloud ? { mode: 'emulator', url: 'http://unused/' } : { mode: 'skip', reason: 'GKE_EMULATOR_HOST is set and COMPUTE_EMULATOR_HOST is not' }),
  };
  const { answer, compute: _compute, fleet = defaultFleet(), ...rest } = options;
  const code = await provision({
    fleet, timing: FAST, yes: true, ...rest, endpoints,
    io: { out, err, input: input(answer) },
  });
  return { code, out: out.text, err: err.text };
}

/** A gcloud stand-in over an in-memory set of resources, recording every command. */
export class RecordingGcloud implements Gcloud {
  readonly commands: string[][] = [];
  /** Described JSON by the describe command's resource name. */
  readonly existing = new Map<string, Record<string, unknown>>();
  /** Create commands (by resource name) that fail with this message. */
  readonly failures = new Map<string, string>();

  async describe(args: readonly string[]): Promise<Record<string, unknown> | undefined> {
    this.commands.push([...args]);
    return this.existing.get(resourceName(args));
  }

  async list(args: readonly string[]): Promise<Record<string, unknown>[]> {
    this.commands.push([...args]);
    return [];
  }

  async run(args: readonly string[]): Promise<void> {
    this.commands.push([...args]);
    const failure = this.failures.get(resourceName(args));
    if (failure) throw new Error(failure);
    // Let the event loop turn, as a real process would.
    await new Promise((r) => setImmediate(r));
  }

  /** Create commands run, as `kind name` (e.g. `subnets frankfurt`). */
  creates(): string[] {
    return this.commands.filter((c) => c.includes('create')).map((c) => `${c[c.indexOf('create') - 1]} ${resourceName(c)}`);
  }
}

/** The resource a gcloud command is about: the word after `describe`/`create`. */
function resourceName(args: readonly string[]): string {
  const verb = args.findIndex((a) => a === 'describe' || a === 'create');
  return args[verb + 1] ?? '';
}
