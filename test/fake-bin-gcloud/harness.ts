/**
 * The fake `gcloud` of this folder (fake-gcloud.mjs), for in-process provisioning tests: a scratch
 * state file and call log, the environment that puts the fake first on PATH, and a Gcloud runner
 * (the production one, `createGcloud`) that runs it. The provisioning code is not stubbed: it
 * spawns `gcloud` exactly as it would in real use.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGcloud, type Gcloud, type GcloudTimeouts } from '../../scripts/provision/gcloud.ts';

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

  /**
   * Environment for gcloud: the fake first on PATH; `fail` is a regex over "arg arg …" that makes
   * matching calls fail, `hang` one that makes them never answer.
   */
  env(fail?: string, hang?: string): NodeJS.ProcessEnv {
    // The fake makes no TLS connection and loads no loader: an extra CA bundle or NODE_OPTIONS
    // would only slow each of its (dozens of) starts, by ~70 ms for a CA bundle.
    const { NODE_EXTRA_CA_CERTS: _ca, NODE_OPTIONS: _options, ...base } = process.env;
    return {
      ...base,
      PATH: `${FAKE_GCLOUD_DIR}${delimiter}${process.env.PATH ?? ''}`,
      FAKE_NODE: process.execPath,
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
    rmSync(this.dir, { recursive: true, force: true });
  }
}
