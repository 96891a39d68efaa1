/**
 * Runs `npm run bootstrap` the way a user would, against the fake tools of this folder placed
 * first on PATH, and reads back what they recorded. No cluster exists in tests: the fakes are the
 * boundary.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { renderFleet } from '../../clusters/render.ts';
import { loadFleet } from '../../config/load.ts';
import { bootstrapMain } from '../../scripts/bootstrap/main.ts';
import { writeTree } from '../../scripts/lib/write-tree.ts';
import { MESHFLEET_BIN, render } from '../helpers.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FAKE_BIN = fileURLToPath(new URL('.', import.meta.url));
export const FAKE_TOOLS = ['gcloud', 'kubectl', 'flux', 'ssh-keyscan', 'gke-gcloud-auth-plugin'] as const;

/** One recorded call of a fake tool. */
export interface FakeCall {
  readonly tool: string;
  readonly argv: string[];
  /** What the tool read on stdin (only for `-f -`). */
  readonly stdin?: string;
  /** $KUBECONFIG the tool saw. */
  readonly kubeconfigEnv?: string;
  /** True when the variable named by $FAKE_WATCH_ENV was in the tool's environment. */
  readonly sawWatchedEnv?: boolean;
}

export interface BootstrapRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: FakeCall[];
}

/** A scratch folder for one test: HOME, state dir, dist, log. */
export interface Sandbox {
  readonly dir: string;
  readonly home: string;
  readonly stateDir: string;
  readonly log: string;
  /** A throwaway deploy key (made with openssl, so it is real key material for the leak scans). */
  readonly sshKey: string;
}

const sandboxes: string[] = [];

/** A fresh sandbox; `removeSandboxes` deletes them all (they hold private keys). */
export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-bootstrap-'));
  sandboxes.push(dir);
  const home = join(dir, 'home');
  mkdirSync(home);
  const sshKey = join(dir, 'deploy-key');
  const made = spawnSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', sshKey], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl genpkey failed: ${made.stderr}`);
  return { dir, home, stateDir: join(dir, 'state'), log: join(dir, 'calls.jsonl'), sshKey };
}

/** Deletes every sandbox made so far; for `after()`. */
export function removeSandboxes(): void {
  for (const dir of sandboxes.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Renders `fleetFile` into `<dir>/dist` (what `npm run synth --out` writes); returns the dist path.
 * A fleet of the repository's config/ is rendered once per process (render, test/helpers.ts):
 * tests never change those files; one a test wrote is rendered each time.
 */
export function synthDist(fleetFile: string, dir: string): string {
  const out = join(dir, 'dist');
  writeTree(out, fleetFile.startsWith(join(ROOT, 'config/')) ? render(fleetFile).rendered.files : renderFleet(loadFleet(fleetFile)).files);
  return out;
}

/** A folder holding links to some of the fakes only (e.g. all but flux). */
export function partialBin(dir: string, tools: readonly string[]): string {
  const bin = join(dir, `bin-${tools.join('-')}`);
  mkdirSync(bin, { recursive: true });
  for (const tool of tools) if (!existsSync(join(bin, tool))) symlinkSync(join(FAKE_BIN, tool), join(bin, tool));
  return bin;
}

export interface RunOptions {
  /** PATH to use. @default the fakes first, then the real PATH */
  readonly path?: string;
  /** Extra environment. */
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

/** The environment a run gets: the sandbox's HOME, XDG_CONFIG_HOME unset, the fakes first on PATH. */
export function fakeEnv(box: Sandbox, options: RunOptions = {}): NodeJS.ProcessEnv {
  const { XDG_CONFIG_HOME: _xdg, MESHFLEET_STATE_DIR: _state, ...base } = process.env;
  return {
    ...base,
    HOME: box.home,
    PATH: options.path ?? `${FAKE_BIN}:${process.env.PATH}`,
    FAKE_LOG: box.log,
    FAKE_NODE: process.execPath,
    ...options.env,
  };
}

/** Runs `meshfleet bootstrap` (what `npm run bootstrap` runs: the prebuilt bundle) as a separate process, as a user would. */
export function runBootstrap(box: Sandbox, args: string[], options: RunOptions = {}): BootstrapRun {
  const result = spawnSync(process.execPath, [MESHFLEET_BIN, 'bootstrap', ...args], {
    cwd: options.cwd ?? ROOT, env: fakeEnv(box, options), encoding: 'utf8',
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, calls: readCalls(box.log) };
}

/**
 * Runs the same command in this process (much faster: no second tsx start-up); the fake tools
 * still run as processes. Only the calls made by this run are returned.
 */
export async function runInProcess(box: Sandbox, args: string[], options: RunOptions = {}): Promise<BootstrapRun> {
  const already = readCalls(box.log).length;
  let stdout = '';
  let stderr = '';
  const status = await bootstrapMain(args, {
    env: fakeEnv(box, options),
    out: { write: (t: string) => (stdout += t) },
    err: { write: (t: string) => (stderr += t) },
  });
  return { status, stdout, stderr, calls: readCalls(box.log).slice(already) };
}

/** The calls recorded in `log` so far, in order. */
export function readCalls(log: string): FakeCall[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as FakeCall);
}

/** A call as one line, `tool arg arg …`, for order assertions and messages. */
export const callLine = (call: FakeCall): string => [call.tool, ...call.argv].join(' ');

/** Value of `--name` in a call's argv. */
export const flagOf = (call: FakeCall, name: string): string | undefined => {
  const i = call.argv.indexOf(name);
  return i >= 0 ? call.argv[i + 1] : undefined;
};

export interface SecretDoc {
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  type?: string;
  data?: Record<string, string>;
}

/** The manifest a call read on stdin, parsed. */
export function stdinObject(call: FakeCall): SecretDoc {
  if (call.stdin === undefined) throw new Error(`no stdin in ${callLine(call)}`);
  return parse(call.stdin) as SecretDoc;
}

/** Every call that applied an object of `kind`/`name` on stdin. */
export function appliesOf(calls: readonly FakeCall[], kind: string, name: string): FakeCall[] {
  return calls.filter((c) => c.stdin !== undefined && stdinObject(c).kind === kind && stdinObject(c).metadata.name === name);
}

export const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
