/**
 * `loadFleet(file)`: the one entry from YAML to the typed, frozen `Fleet`. Reports every problem
 * it finds at once (as `ConfigError`), each with file, line, column, field path, the value and what
 * was expected. Structure first (zod schemas), then cross-field rules (rules.ts). A schema error in
 * one part does not stop the checks of the others: the valid sections still get their rules, and
 * every app definition is still read and checked. Settings that are accepted but have no effect
 * come back as warnings (`loadFleetWithWarnings`).
 */
import { basename, dirname, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../scripts/lib/project-root.ts';
import type { z } from 'zod';
import { AppDefinitionSchema, type AppDefinitionData } from './app-schema.ts';
import { deepFreeze, hasIngress, resolveIstio, wavesOf, type App, type Cluster, type Fleet, type PlacedWorkload } from './model.ts';
import { ConfigError, describe, isWarning, pathToString, type Problem } from './problems.ts';
import { checkApp } from './app-rules.ts';
import { checkFleet, type PartialFleet } from './rules.ts';
import { FleetAppSchema, FleetSchema, type FleetData } from './schema.ts';
import { survivesJson } from './plain-json.ts';
import { readYamlFile, type SourceMemos, type YamlSource } from './source.ts';
import { byCodeUnits } from './code-units.ts';
import { DEFAULT_FLEET_FILE } from './default-fleet.ts';

/**
 * The app definitions that ship with meshfleet (Bookinfo). Besides these, a fleet file may only
 * name definitions under its own folder: a config can never make the loader read `/etc/shadow`.
 */
export const SHARED_APPS_DIR = join(PROJECT_ROOT, 'config', 'apps');

/** A loaded fleet and the warnings about it (settings that are accepted but have no effect). */
export interface LoadedFleet {
  readonly fleet: Fleet;
  /** Sorted by file and position; print them with `formatProblem`. */
  readonly warnings: readonly Problem[];
}

/** Options of `loadFleet`. */
export interface LoadOptions {
  /**
   * Memos of the last parse of each file (the fleet file and its app definitions), read and
   * updated: a file edited inside one entry is parsed from its memo, the rest of it not again
   * (source-memo.ts); same result as without. `synth` keeps them in its cache.
   * @default - every file parsed in full
   */
  readonly memos?: SourceMemos;
}

/** Loads and validates a fleet file; throws `ConfigError` with every error found. Warnings are dropped. */
export function loadFleet(file: string = DEFAULT_FLEET_FILE, options: LoadOptions = {}): Fleet {
  return loadFleetWithWarnings(file, options).fleet;
}

/** Like `loadFleet`, and returns the warnings too (a `ConfigError` carries them beside its errors). */
export function loadFleetWithWarnings(file: string = DEFAULT_FLEET_FILE, options: LoadOptions = {}): LoadedFleet {
  const display = displayPath(file);
  const fleetSource = readYamlFile(file, display, { memos: options.memos });
  if (!fleetSource.ok) throw new ConfigError(fleetSource.problems);
  const source = fleetSource.source;
  const problems: Problem[] = [];
  const at = sourceReporter(source, problems);
  const whole = validateWithMemo(FleetSchema, source, 'a fleet file', options.memos);
  if (!whole.ok) problems.push(...whole.problems);
  const data: PartialFleet = whole.ok ? whole.value : validSections(source.data);
  const clusterNames = checkFleet(data, at, (path) => valueAt(source.data, path) !== undefined);
  const definitions = loadDefinitions(file, source, data, clusterNames, at, problems, options.memos);

  const errors = sortProblems(problems.filter((p) => !isWarning(p)));
  const warnings = sortProblems(problems.filter(isWarning));
  if (errors.length > 0 || !whole.ok) throw new ConfigError(errors, warnings);
  return { fleet: deepFreeze(buildFleet(display, whole.value, definitions)), warnings };
}

type Definitions = Map<string, { data: AppDefinitionData; file: string }>;

/**
 * The fleet's config folder, where its app definitions may live: the `config` folder the fleet file is in (so
 * `config/examples/x.yaml` may use `../apps/…`, in this repository or in a checkout of another
 * revision), else the fleet file's own folder. Never above it: a config cannot make the loader
 * read `/etc/shadow` or another repository's files.
 */
export function configFolderOf(file: string): string {
  const own = dirname(resolve(file));
  for (let dir = own; ; dir = dirname(dir)) {
    if (basename(dir) === 'config') return dir;
    if (dirname(dir) === dir) return own;
  }
}

/**
 * Reads and checks the definition of every app the fleet names, also when the fleet file has
 * schema errors elsewhere (a missing definition file is an independent problem).
 */
function loadDefinitions(file: string, source: YamlSource, data: PartialFleet, clusterNames: ReadonlySet<string>, at: Reporter, problems: Problem[], memos: SourceMemos | undefined): Definitions {
  const definitions: Definitions = new Map();
  const namespaces = new Map<string, string>();
  const rawApps = valueAt(source.data, ['apps']);
  if (!isRecord(rawApps)) return definitions;
  const within = [configFolderOf(file), SHARED_APPS_DIR];
  for (const [appName, rawRef] of Object.entries(rawApps)) {
    const definition = isRecord(rawRef) ? rawRef.definition : undefined;
    if (typeof definition !== 'string' || definition === '') continue; // the schema error says so
    const defFile = resolve(dirname(file), definition);
    const defDisplay = displayPath(defFile);
    const read = readYamlFile(defFile, defDisplay, { within, memos });
    if (!read.ok) {
      // Say which fleet entry pointed at the unreadable file, then why it is unreadable.
      at(['apps', appName, 'definition'], `cannot load app definition (got ${describe(definition)}, expected a readable app file under the fleet's config folder)`);
      problems.push(...read.problems);
      continue;
    }
    const def = validateWithMemo(AppDefinitionSchema, read.source, 'an app definition', memos);
    if (!def.ok) {
      problems.push(...def.problems);
      continue;
    }
    // The fleet's placement and traffic rules need a valid entry for this app and valid clusters.
    const ref = data.apps?.[appName] ?? parsed(FleetAppSchema, rawRef);
    checkApp(appName, def.value, data.clusters && ref ? { clusters: clusterNames, ref, hasIngress: data.clusters.some(hasIngress) } : undefined, sourceReporter(read.source, problems), at);
    const namespace = def.value.namespace ?? appName;
    const owner = namespaces.get(namespace);
    if (owner) at(['apps', appName], `namespace already used (got ${JSON.stringify(namespace)}, expected a namespace no other app uses; ${owner} has it)`, { key: true });
    namespaces.set(namespace, appName);
    definitions.set(appName, { data: def.value, file: defDisplay });
  }
  return definitions;
}

/** The top-level sections of a fleet document that are valid on their own, parsed (defaults filled in). */
function validSections(data: unknown): PartialFleet {
  if (!isRecord(data)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(FleetSchema.shape)) {
    const value = parsed(schema as z.ZodType, data[key]);
    if (value !== undefined) out[key] = value;
  }
  return out as PartialFleet;
}

function parsed<S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Records a problem at a field path of one source file: an error, or with `warning` a warning.
 * With `key`, the position is the key's own, not its value's.
 */
export type Reporter = (path: readonly PropertyKey[], message: string, opts?: { key?: boolean; warning?: boolean }) => void;

function sourceReporter(source: YamlSource, sink: Problem[]): Reporter {
  return (path, message, opts) => {
    const pos = source.locate(path, opts?.key);
    sink.push({ file: source.file, line: pos.line, col: pos.col, path: pathToString(path), message, ...(opts?.warning ? { severity: 'warning' as const } : {}) });
  };
}

type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/**
 * `validate`, or what it gave for the same text before: kept on the file's parse memo in `memos`
 * (`SourceMemo.valid`; the synth cache keeps memos only for the same code, so the same schemas).
 * Only output that JSON keeps as equal data is kept: plain data, which the cache keeps exactly.
 */
function validateWithMemo<S extends z.ZodType>(schema: S, source: YamlSource, what: string, memos: SourceMemos | undefined): Validated<z.output<S>> {
  const memo = source.memo;
  if (memo?.valid?.what === what) return { ok: true, value: memo.valid.value as z.output<S> };
  const result = validate(schema, source, what);
  if (result.ok && memo && memos && survivesJson(result.value)) {
    for (const [file, m] of memos) if (m === memo) memos.set(file, { ...memo, valid: { what, value: result.value } });
  }
  return result;
}

/**
 * Validates a document against its schema. `what` names the kind of file for a document that is
 * not one at all (`a fleet file`); its content is then never echoed: a path that names a token
 * file by mistake must not print the token.
 */
function validate<S extends z.ZodType>(schema: S, source: YamlSource, what: string): Validated<z.output<S>> {
  const whole = (message: string): Validated<z.output<S>> => ({ ok: false, problems: [{ file: source.file, line: 1, col: 1, path: '', message }] });
  if (source.data === null || source.data === undefined) return whole('empty document (got nothing, expected a mapping)');
  if (!isRecord(source.data)) return whole(`not ${what} (got ${Array.isArray(source.data) ? 'a list' : typeof source.data === 'string' ? 'text' : `a ${typeof source.data}`}, expected a mapping)`);
  const known = knownKeys(schema, []) ?? [];
  if (!Object.keys(source.data).some((k) => known.includes(k))) {
    return whole(`not ${what} (got a mapping with none of its keys, expected some of ${known.join(', ')})`);
  }
  const result = schema.safeParse(source.data);
  if (result.success) return { ok: true, value: result.data };
  const problems: Problem[] = [];
  const report = sourceReporter(source, problems);
  const reported = new Set<string>();
  for (const issue of result.error.issues) {
    const path = issue.path as PropertyKey[];
    // One problem per field: an empty string can fail several checks of the same field.
    const key = JSON.stringify(path);
    if (issue.code !== 'unrecognized_keys') {
      if (reported.has(key)) continue;
      reported.add(key);
    }
    const got = valueAt(source.data, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const known = knownKeys(schema, path);
          report([...path, key], `unknown key (got ${JSON.stringify(key)}, expected ${known ? `one of ${known.join(', ')}` : 'no other key'})`, { key: true });
        }
        break;
      case 'invalid_key':
        // A record's key (an app, cluster, service or workload name): say what a valid name is.
        report(path, `invalid name (got ${JSON.stringify(String(path[path.length - 1]))}, expected ${issue.issues.map((i) => i.message)[0] ?? 'a valid name'})`, { key: true });
        break;
      case 'invalid_type':
        if (got === undefined) report(path, `missing (expected ${expectedType(issue)})`);
        else report(path, `wrong type (got ${describe(got)}, expected ${expectedType(issue)})`);
        break;
      default:
        report(path, `invalid value (got ${describe(got)}, expected ${expectedText(issue)})`);
    }
  }
  return { ok: false, problems: sortProblems(problems) };
}

function expectedType(issue: z.core.$ZodIssue): string {
  // Custom messages in the schemas are written as the "expected …" text.
  if (!issue.message.startsWith('Invalid input')) return issue.message;
  const expected = (issue as { expected?: string }).expected ?? 'another type';
  return { object: 'a mapping', array: 'a list', record: 'a mapping', string: 'a string', number: 'a number', boolean: 'true or false' }[expected] ?? expected;
}

function expectedText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') return issue.message.startsWith('Invalid input') ? 'one of the allowed forms' : issue.message;
  return issue.message.replace(/^Invalid input: expected /, '').replace(/^Invalid option: expected one of /, '');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  // Own keys only: a field path never reaches into a prototype.
  let node: unknown = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!Object.hasOwn(node, key as string)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}

/** Keys the schema allows at `path` (for "expected one of …" on a typo). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node: unknown = schema;
  for (const key of path) {
    node = unwrap(node);
    const def = (node as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown } }).def;
    if (!def) return undefined;
    if (def.type === 'object') node = def.shape?.[String(key)];
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'record') node = def.valueType;
    else return undefined;
  }
  const def = (unwrap(node) as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}).filter((k) => k !== '$schema') : undefined;
}

function unwrap(node: unknown): unknown {
  let current = node as { def?: { type?: string; innerType?: unknown; getter?: () => unknown; in?: unknown } } | undefined;
  for (let i = 0; i < 10 && current?.def; i++) {
    const { type } = current.def;
    if (type === 'default' || type === 'optional' || type === 'nullable' || type === 'prefault') current = current.def.innerType as typeof current;
    else if (type === 'lazy') current = current.def.getter?.() as typeof current;
    else break;
  }
  return current;
}

/** By file, position and message, in the same order in every locale. */
function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => byCodeUnits(a.file, b.file) || a.line - b.line || a.col - b.col || byCodeUnits(a.message, b.message));
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith('..') ? resolve(file) : rel;
}

function buildFleet(file: string, data: FleetData, definitions: Definitions): Fleet {
  const waves = wavesOf(data);
  const waveByCluster = new Map(waves.flatMap((w) => w.clusters.map((c) => [c, w] as const)));
  const clusters: Cluster[] = data.clusters.map((c) => ({
    ...c,
    zones: c.zones ?? [],
    network: c.network ?? (data.mesh.networkModel === 'flat' ? data.mesh.network : c.name),
    ingress: hasIngress(c),
    controlPlane: c.role === 'primary' ? c.name : c.primary!,
    remotes: data.clusters.filter((r) => r.role === 'remote' && r.primary === c.name).map((r) => r.name),
    wave: waveByCluster.get(c.name)!.name,
    gitRef: waveByCluster.get(c.name)!.ref,
  }));
  const apps: App[] = Object.entries(data.apps).map(([name, ref]) => {
    const { data: def, file: definitionFile } = definitions.get(name)!;
    const workloads = Object.entries(def.workloads).map(([wname, w]) => ({ ...w, name: wname }));
    const placements: PlacedWorkload[] = [];
    for (const cluster of clusters) {
      const placed = ref.placement[cluster.name] ?? {};
      for (const workload of workloads) {
        if (!(workload.name in placed)) continue;
        const override = placed[workload.name] ?? {};
        placements.push({
          workload,
          cluster: cluster.name,
          replicas: override.autoscaling ? undefined : override.replicas ?? workload.replicas,
          autoscaling: override.autoscaling,
          resources: override.resources ?? workload.resources,
        });
      }
    }
    return {
      name,
      namespace: def.namespace ?? name,
      revisionTag: ref.revisionTag ?? data.mesh.istio.defaultTag,
      definitionFile,
      services: Object.entries(def.services).map(([sname, s]) => ({
        name: sname,
        ports: s.ports,
        calls: s.calls,
        serviceAccount: s.serviceAccount ?? `${name}-${sname}`,
        locality: ref.traffic[sname]?.locality ?? s.locality,
        weights: ref.traffic[sname]?.weights,
      })),
      workloads,
      ingress: def.ingress,
      placements,
    };
  });
  const { $schema: _ignored, globalEntry: entry, rollout: _waves, ...rest } = data;
  const globalEntry = entry?.enabled
    ? {
        configCluster: entry.configCluster,
        servingClusters: clusters.filter((c) => c.ingress).map((c) => c.name),
        hostnames: entry.hostnames,
        certificateMap: entry.tls?.enabled === false ? undefined : entry.tls?.certificateMap,
        address: entry.address,
        securityPolicy: entry.securityPolicy,
        backendTimeoutSec: entry.backendTimeoutSec,
      }
    : undefined;
  // Multi-cluster Gateways need every cluster in the fleet (GKE Hub) and the Gateway API on.
  const gke = globalEntry ? { ...rest.gke, fleetRegistration: true, gatewayApi: true } : rest.gke;
  const mesh = { ...rest.mesh, istio: resolveIstio(rest.mesh.istio) };
  return { ...rest, mesh, gke, file, clusters, apps, ...(globalEntry ? { globalEntry } : {}), waves };
}
