/**
 * The fake `gcloud` of this folder (fake-gcloud.mjs), for in-process provisioning tests: a scratch
 * state file and call log, the environment that puts the fake first on PATH, and a Gcloud runner
 * (the production one, `createGcloud`) that runs it. The provisioning code is not stubbed: it
 * spawns `gcloud` exactly as it would in real use (a bash client that asks this process's server).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGcloud, type Gcloud, type GcloudTimeouts } from '../../scripts/provision/gcloud.ts';
import { answer } from './fake-gcloud.mjs';

/** The folder to put first on PATH. */
export const FAKE_GCLOUD_DIR = fileURLToPath(new URL('.', import.meta.url));

/** What the fake keeps (see fake-gcloud.mjs). */
export interface FakeGcloudState {
  projectNumber?: string;
  /** Compute resources by `projects/P/(global|regions/R)/COLLECTION/NAME`. */
  compute?: Record<string, any>;
  /** Fleet features by id (`multiclusteringress`, …), as `describe --format=json` prints them. */
  features?: Record<string, any>;
  iamPolicy?: { version: number; etag: string; bindings: { role: string; members: string[]; condition?: unknown }[] };
}

export class FakeGcloudBin {
  readonly dir = mkdtempSync(join(tmpdir(), 'meshfleet-fake-gcloud-'));
  readonly statePath = join(this.dir, 'state.json');
  readonly logPath = join(this.dir, 'calls.jsonl');
  /** Answers the `gcloud` client's calls (see gcloud beside this file); unref'd, closed by dispose. */
  private readonly server: Server = serveFakeGcloud();

  /**
   * Environment for gcloud: the fake first on PATH; `fail` is a regex over "arg arg …" that makes
   * matching calls fail, `hang` one that makes them never answer.
   */
  env(fail?: string, hang?: string): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PATH: `${FAKE_GCLOUD_DIR}${delimiter}${process.env.PATH ?? ''}`,
      FAKE_GCLOUD_PORT: String((this.server.address() as AddressInfo).port),
      FAKE_GCLOUD_STATE: this.statePath,
      FAKE_GCLOUD_LOG: this.logPath,
      ...(fail ? { FAKE_GCLOUD_FAIL: fail } : {}),
      ...(hang ? { FAKE_GCLOUD_HANG: hang } : {}),
    };
  }

  /** The production gcloud runner, for Google (no endpoint override), running the fake; `hang` as in `env`. */
  gcloud(fail?: string, hang?: string, timeouts?: GcloudTimeouts): Gcloud {
    return createGcloud({ mode: 'google' }, this.env(fail, hang), 'gcloud', timeouts);
  }

  /** Every call so far, as its arguments joined by spaces, in order. */
  calls(): string[] {
    if (!existsSync(this.logPath)) return [];
    return readFileSync(this.logPath, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { argv: string[] }).argv.join(' '));
  }

  /** Calls that change something (create, update, delete, enable, add-iam-policy-binding). */
  writes(): string[] {
    return this.calls().filter((c) => / (create|enable|update|delete|add-iam-policy-binding) /.test(` ${c} `));
  }

  clearCalls(): void {
    rmSync(this.logPath, { force: true });
  }

  state(): FakeGcloudState {
    return existsSync(this.statePath) ? (JSON.parse(readFileSync(this.statePath, 'utf8')) as FakeGcloudState) : {};
  }

  /** Replaces the state (what "exists" before a run). */
  seed(state: FakeGcloudState): void {
    writeFileSync(this.statePath, JSON.stringify(state));
  }

  /** Empty state, empty log. */
  reset(): void {
    rmSync(this.statePath, { force: true });
    this.clearCalls();
  }

  dispose(): void {
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A server for the bash `gcloud` client: reads its NUL-terminated fields (state, log, fail, hang,
 * argument count, arguments), answers with fake-gcloud.mjs and writes exit code, stdout and stderr,
 * each NUL-terminated. A call that never answers keeps its connection open until the client dies.
 */
function serveFakeGcloud(): Server {
  const server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8').on('error', () => {});
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const fields = buffer.split('\0').slice(0, -1);
      if (fields.length < 5 || fields.length < 5 + Number(fields[4])) return;
      const [state, log, fail, hang, count] = fields as [string, string, string, string, string];
      const env = { FAKE_GCLOUD_STATE: state, FAKE_GCLOUD_LOG: log || undefined, FAKE_GCLOUD_FAIL: fail || undefined, FAKE_GCLOUD_HANG: hang || undefined };
      let result;
      try {
        result = answer(fields.slice(5, 5 + Number(count)), env);
      } catch (err) {
        result = { exit: 1, stderr: `fake gcloud: ${(err as Error).message}\n` };
      }
      if (result) socket.end(`${result.exit}\0${result.stdout ?? ''}\0${result.stderr ?? ''}\0`);
    });
  });
  // No host: no lookup, so the port is bound at once and env() can name it right away (the
  // client connects to 127.0.0.1, which a dual-stack listener takes).
  server.listen(0).unref();
  return server;
}
