/** Shared test helpers: render fleets in-process, parse rendered YAML, find objects. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { loadFleet } from '../config/load.ts';
import type { Fleet } from '../config/model.ts';
import { renderFleet, type RenderedFleet } from '../clusters/render.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_FLEET = join(ROOT, 'config/fleet.yaml');
export const EXAMPLES = ['multi-network', 'multi-primary', 'global-frontends', 'three-regions', 'waves', 'istio-canary'].map((name) => join(ROOT, `config/examples/${name}.yaml`));

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

const cache = new Map<string, { fleet: Fleet; rendered: RenderedFleet }>();

/** Loads and renders a fleet file (cached per path). */
export function render(file = DEFAULT_FLEET): { fleet: Fleet; rendered: RenderedFleet } {
  let hit = cache.get(file);
  if (!hit) {
    const fleet = loadFleet(file);
    hit = { fleet, rendered: renderFleet(fleet) };
    cache.set(file, hit);
  }
  return hit;
}

/** Every object rendered for a cluster (optionally one layer), parsed from the file contents. */
export function objectsOf(rendered: RenderedFleet, cluster: string, layer?: string): K8sObject[] {
  const prefix = `clusters/${cluster}/${layer ? `${layer}/` : ''}`;
  const out: K8sObject[] = [];
  for (const [path, content] of rendered.files) {
    if (!path.startsWith(prefix) || !path.endsWith('.yaml') || path.endsWith('kustomization.yaml')) continue;
    for (const doc of parseAllDocuments(content) as { toJS(): unknown }[]) {
      const obj = doc.toJS() as K8sObject | null;
      if (obj) out.push(obj);
    }
  }
  return out;
}

export function find(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
}

export function mustFind(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const obj = find(objects, kind, name, namespace);
  if (!obj) throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ''}${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return obj;
}

const tempDirs: string[] = [];
// Each test file runs in its own process (node --test): its folders go when it ends, whatever
// the outcome, so a run leaves nothing in /tmp.
process.on('exit', () => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the system temp folder, removed when the test process exits. */
export function tempDir(prefix = 'meshfleet-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Writes a fixture file into a fresh temp dir and returns its path. */
export function writeFixture(name: string, content: string, dir = tempDir()): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

export const readText = (file: string): string => readFileSync(file, 'utf8');

/** True when kubectl (with its built-in kustomize) can run here. */
export const hasKubectl = (): boolean => spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

/** The `meshfleet` bin, which runs the prebuilt bundle (rebuilt when a source is newer). */
export const MESHFLEET_BIN = join(ROOT, 'bin/meshfleet.mjs');

/** Runs `meshfleet <command> ARGS…` (what `npm run <command>` runs) from `cwd`; returns exit code and output. */
export function runCommand(command: string, args: string[], cwd = ROOT, env?: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MESHFLEET_BIN, command, ...args], { cwd, encoding: 'utf8', env });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `npm run synth` as a user would; returns exit code and output. */
export const runSynth = (args: string[], cwd = ROOT) => runCommand('synth', args, cwd);

export function kustomizeBuild(dir: string): string {
  return execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
