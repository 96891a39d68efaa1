/** Shared test helpers: render fleets in-process, parse rendered YAML, find objects. */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { loadFleet } from '../config/load.ts';
import type { Fleet } from '../config/model.ts';
import { regionDistanceKm } from '../config/regions.ts';
import { renderFleet, type RenderedFleet } from '../clusters/render.ts';
import { listFiles } from '../scripts/lib/write-tree.ts';
import { runChecks, type CheckOptions } from '../scripts/review/checks.ts';
import type { Finding } from '../scripts/review/findings.ts';
import { DEFAULT_FLEET, ROOT } from './commands.ts';
import { tempDir } from './temp-dir.ts';
import { byCodeUnits } from '../config/code-units.ts';

export { DEFAULT_FLEET, EXAMPLES, MESHFLEET_BIN, ROOT, runCommand, runSynth, type CommandRun } from './commands.ts';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

const cache = new Map<string, { fleet: Fleet; rendered: RenderedFleet }>();

/**
 * Loads and renders a fleet file (cached per path), with the documents' JSON
 * (`RenderedFleet.documents`), which `meshfleet check` reads instead of parsing the YAML back.
 */
export function render(file = DEFAULT_FLEET): { fleet: Fleet; rendered: RenderedFleet } {
  let hit = cache.get(file);
  if (!hit) {
    const fleet = loadFleet(file);
    hit = { fleet, rendered: renderFleet(fleet, { documents: true }) };
    cache.set(file, hit);
  }
  return hit;
}

/** The objects of each file text parsed so far (see objectsOf). */
const parsedTexts = new Map<string, readonly K8sObject[]>();

/**
 * Every object rendered for a cluster (optionally one layer), parsed from the file contents. Tests
 * ask for the same cached renders' objects again and again, so each text is parsed once per
 * process; every call gets its own copies, free to change.
 */
export function objectsOf(rendered: RenderedFleet, cluster: string, layer?: string): K8sObject[] {
  const prefix = `clusters/${cluster}/${layer ? `${layer}/` : ''}`;
  const out: K8sObject[] = [];
  for (const [path, content] of rendered.files) {
    if (!path.startsWith(prefix) || !path.endsWith('.yaml') || path.endsWith('kustomization.yaml')) continue;
    let objects = parsedTexts.get(content);
    if (!objects) {
      objects = (parseAllDocuments(content) as { toJS(): unknown }[]).map((doc) => doc.toJS() as K8sObject | null).filter((obj): obj is K8sObject => Boolean(obj));
      parsedTexts.set(content, objects);
    }
    out.push(...structuredClone(objects));
  }
  return out;
}

/**
 * The fleet checks of `rendered`, a render of `fleet` made with `documents: true`, as `meshfleet
 * check` runs them: on the render's documents (their equality with the YAML is
 * test/check-documents.test.ts's).
 */
export function checksOf(fleet: Fleet, rendered: RenderedFleet, options: Omit<CheckOptions, 'documents'> = {}): Finding[] {
  return runChecks(fleet, rendered.files, { ...options, documents: rendered.documents });
}

/** The fleet checks of a fresh render of `fleet` (see checksOf). */
export function checksOfRender(fleet: Fleet, options: Omit<CheckOptions, 'documents'> = {}): Finding[] {
  return checksOf(fleet, renderFleet(fleet, { distInRepo: options.distInRepo, documents: true }), options);
}

export function find(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
}

export function mustFind(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const obj = find(objects, kind, name, namespace);
  if (!obj) throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ''}${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return obj;
}

export { tempDir };

/** Writes a fixture file into a fresh temp dir and returns its path. */
export function writeFixture(name: string, content: string, dir = tempDir()): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/**
 * A fresh folder laid out like this repository's config/: Bookinfo's definition in config/apps and
 * `text` as the fleet file at `path`, so `definition: apps/…` (or `../apps/…` from examples/)
 * resolves as in the repository. Returns the fleet file's path.
 */
export function fleetTree(text: string, path = 'config/fleet.yaml', dir = tempDir()): string {
  mkdirSync(join(dir, 'config/apps'), { recursive: true });
  copyFileSync(join(ROOT, 'config/apps/bookinfo.yaml'), join(dir, 'config/apps/bookinfo.yaml'));
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
  return join(dir, path);
}

export const readText = (file: string): string => readFileSync(file, 'utf8');

/**
 * `entry` (a TypeScript module) bundled the way the `meshfleet` command is (bin/bundle.mjs), with
 * an inline source map, into a temporary folder; returns the bundle's path. A process started on
 * it is a plain node start rather than tsx's (~5× the CPU), for tests that start several.
 */
export async function bundleForNode(entry: string): Promise<string> {
  // Loaded here, not with this module: most test processes bundle nothing.
  const [{ build }, { NODE_BUNDLE_OPTIONS }] = await Promise.all([import('esbuild'), import('../bin/bundle.mjs')]);
  const outfile = join(tempDir(), `${basename(entry).replace(/\.ts$/, '')}.mjs`);
  await build({ ...NODE_BUNDLE_OPTIONS, entryPoints: [entry], outfile, sourcemap: 'inline' });
  return outfile;
}

let kubectlFound: boolean | undefined;
/** True when kubectl (with its built-in kustomize) can run here (asked once per process). */
export const hasKubectl = (): boolean => (kubectlFound ??= spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0);

const execFileAsync = promisify(execFile);

/** `kubectl kustomize` outputs by the digest of the folder's files (see kustomizeBuild). */
const kustomizeBuilds = new Map<string, Promise<string>>();

/**
 * The digest of every file under `dir` (paths relative to it, and contents), or undefined when a
 * kustomization there names something outside it (`..`, an absolute path, a URL), whose build
 * would then depend on more than these files.
 */
function treeDigest(dir: string): string | undefined {
  const hash = createHash('sha256');
  for (const [rel, abs] of [...listFiles(dir)].sort(([a], [b]) => byCodeUnits(a, b))) {
    const content = readFileSync(abs);
    if (basename(rel) === 'kustomization.yaml' && /(^|[\s'"])(\/|[a-z]+:\/\/)|\.\./m.test(content.toString('utf8'))) return undefined;
    hash.update(`${rel}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/**
 * `kubectl kustomize DIR`. kustomize's output is a function of the folder's files, so a folder
 * byte-identical to one already built in this process (the same layer of two clusters or of two
 * example fleets: 47 of the 108 folders of the dist contract tests) gets that build's output, or
 * its failure, without another kubectl run.
 */
function kustomizeBuild(dir: string, kubectl: string): Promise<string> {
  // GOGC=off: a build of one folder lives a fraction of a second and allocates a few MB; without
  // Go's garbage collector it takes about a quarter less CPU, with the same output.
  const env = { ...process.env, GOGC: 'off' };
  const build = () => execFileAsync(kubectl, ['kustomize', dir], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 }).then((r) => r.stdout);
  const digest = treeDigest(dir);
  if (digest === undefined) return build();
  const key = `${kubectl}\0${digest}`;
  let output = kustomizeBuilds.get(key);
  if (!output) kustomizeBuilds.set(key, (output = build()));
  return output;
}

export interface KustomizeBuildOptions {
  /** Builds run at once (each is a process of its own that mostly starts up). Default 4. */
  readonly atOnce?: number;
  /** The kubectl to run. Default `kubectl` from PATH. */
  readonly kubectl?: string;
}

/**
 * `kubectl kustomize DIR` for each of `dirs`, a few at a time; the outputs in the order of `dirs`.
 * Rejects with the first build that fails.
 */
export async function kustomizeBuildAll(dirs: readonly string[], { atOnce = 4, kubectl = 'kubectl' }: KustomizeBuildOptions = {}): Promise<string[]> {
  const out: string[] = new Array(dirs.length);
  let next = 0;
  const worker = async () => {
    while (next < dirs.length) {
      const i = next++;
      out[i] = await kustomizeBuild(dirs[i]!, kubectl);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, dirs.length) }, worker));
  return out;
}

/**
 * `candidates` ordered nearest first from `from`, ties by name: the plain definition that
 * `nearestOtherRegion` (one pass, no sort) must agree with.
 */
export function byDistanceFrom(from: string, candidates: Iterable<string>): string[] {
  return [...new Set(candidates)].sort((a, b) => regionDistanceKm(from, a) - regionDistanceKm(from, b) || byCodeUnits(a, b));
}
