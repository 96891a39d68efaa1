/**
 * Regenerates the typed CRD bindings in imports/ with `cdk8s import`.
 *
 *   npm run gen:imports            # = tsx scripts/gen-imports.ts
 *   MESHFLEET_REFERENCE=/path/to/reference npm run gen:imports
 *
 * Reads the pinned CRD files from the reference folder (default: ../shared/reference
 * relative to the repo root), extracts only the CustomResourceDefinitions of the kinds
 * we render, keeps only the one API version we use (so each class gets the plain kind
 * name), runs `cdk8s import <tmp>.yaml -l typescript` in a temp dir (never in the repo,
 * so no cdk8s.yaml is written here), prepends a provenance header and writes
 * imports/<api-group>.ts.
 *
 * Every source file is checked against its pinned sha256; if the reference data changes,
 * update PINS below (label + hash) so the headers keep telling the truth.
 *
 * imports/gke.ts is hand-written (the GKE CRDs are not available as YAML) and is not
 * touched by this script.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REFERENCE = resolve(process.env.MESHFLEET_REFERENCE ?? join(REPO_ROOT, '..', 'shared', 'reference'));
const OUT_DIR = join(REPO_ROOT, 'imports');

/** Pinned source files (path relative to the reference folder) → provenance label + sha256. */
const PINS: Record<string, { label: string; sha256: string }> = {
  'flux/crds/source.toolkit.fluxcd.io_gitrepositories.yaml': {
    label: 'fluxcd/source-controller v1.9.1 (092bcff3c9c3f258a44310507201d295ff294ba6) config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml',
    sha256: '39a5a46c81539c992abc53f9be3e5434cd70d50a10d169b1e8a450e0df1c9d09',
  },
  'flux/crds/source.toolkit.fluxcd.io_ocirepositories.yaml': {
    label: 'fluxcd/source-controller v1.9.1 (092bcff3c9c3f258a44310507201d295ff294ba6) config/crd/bases/source.toolkit.fluxcd.io_ocirepositories.yaml',
    sha256: '2655834d468e46a533410d9e2bc3f4e7cbf9b4c922b95652012acb09bfb2545a',
  },
  'flux/crds/source.toolkit.fluxcd.io_helmrepositories.yaml': {
    label: 'fluxcd/source-controller v1.9.1 (092bcff3c9c3f258a44310507201d295ff294ba6) config/crd/bases/source.toolkit.fluxcd.io_helmrepositories.yaml',
    sha256: '97c7759df00946cbb9a75a56457cff9964b2543d2248df859cef21e26b8e2ae6',
  },
  'flux/crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml': {
    label: 'fluxcd/kustomize-controller v1.9.4 (1324b615da01038e2859cbcde604bd5434f21933) config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml (Flux v2.9.4)',
    sha256: 'da23ca0e6b4c80d3d26a91583137491e147ef4ef1e2208aece0d0af4ef851974',
  },
  'flux/crds/helm.toolkit.fluxcd.io_helmreleases.yaml': {
    label: 'fluxcd/helm-controller v1.6.3 (372c34e2b4a455d24ef6cbb8321c82c4533dbbd8) config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml (Flux v2.9.4)',
    sha256: 'aa8638ac68465ceac1f93a617baf5be833c589c51fd78a7384a4a274c252becc',
  },
  'istio/manifests/charts/base/files/crd-all.gen.yaml': {
    label: 'istio/istio 1.30.3 (56df41f63e513f834c9a3af33d8aed82d1d961f2) manifests/charts/base/files/crd-all.gen.yaml',
    sha256: 'dcb43ff6b9af2f629b80b6a82597f5a91db259c757e66cc5353ac007da28351a',
  },
  'gateway-api/gateways.yaml': {
    label: 'kubernetes-sigs/gateway-api v1.6.1 (8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3) config/crd/standard/gateway.networking.k8s.io_gateways.yaml',
    sha256: '25b885f5870b8fff1ae82efa2628b2761cef3745900c2aecf8fb76629a01255a',
  },
  'gateway-api/httproutes.yaml': {
    label: 'kubernetes-sigs/gateway-api v1.6.1 (8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3) config/crd/standard/gateway.networking.k8s.io_httproutes.yaml',
    sha256: 'a424a0d6c953b162e71d1d97bb7e75012d8f1ac264e7274f2763d1b96ab39852',
  },
};

interface ImportGroup {
  /** API group = output module name (imports/<group>.ts). */
  group: string;
  /** The one API version we keep for every kind of this group. */
  version: string;
  /** Source file (relative to the reference folder) → kinds to take from it. */
  sources: Array<{ file: string; kinds: string[] }>;
}

const GROUPS: ImportGroup[] = [
  {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    sources: [
      { file: 'flux/crds/source.toolkit.fluxcd.io_gitrepositories.yaml', kinds: ['GitRepository'] },
      { file: 'flux/crds/source.toolkit.fluxcd.io_ocirepositories.yaml', kinds: ['OCIRepository'] },
      { file: 'flux/crds/source.toolkit.fluxcd.io_helmrepositories.yaml', kinds: ['HelmRepository'] },
    ],
  },
  {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    sources: [{ file: 'flux/crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml', kinds: ['Kustomization'] }],
  },
  {
    group: 'helm.toolkit.fluxcd.io',
    version: 'v2',
    sources: [{ file: 'flux/crds/helm.toolkit.fluxcd.io_helmreleases.yaml', kinds: ['HelmRelease'] }],
  },
  {
    group: 'networking.istio.io',
    version: 'v1',
    sources: [
      {
        file: 'istio/manifests/charts/base/files/crd-all.gen.yaml',
        kinds: ['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry'],
      },
    ],
  },
  {
    group: 'security.istio.io',
    version: 'v1',
    sources: [
      { file: 'istio/manifests/charts/base/files/crd-all.gen.yaml', kinds: ['PeerAuthentication', 'AuthorizationPolicy'] },
    ],
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    sources: [
      { file: 'gateway-api/gateways.yaml', kinds: ['Gateway'] },
      { file: 'gateway-api/httproutes.yaml', kinds: ['HTTPRoute'] },
    ],
  },
];

function fail(msg: string): never {
  console.error(`gen-imports: ${msg}`);
  process.exit(1);
}

type Crd = {
  kind?: string;
  spec?: { group?: string; names?: { kind?: string }; versions?: Array<{ name: string; served?: boolean; storage?: boolean }> };
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readPinned(file: string): string {
  const abs = join(REFERENCE, file);
  if (!existsSync(abs)) fail(`missing reference file ${abs}`);
  const text = readFileSync(abs, 'utf8');
  const pin = PINS[file];
  if (!pin) fail(`no pin recorded for ${file}; add it to PINS in scripts/gen-imports.ts`);
  const actual = sha256(text);
  if (actual !== pin.sha256) {
    fail(
      `${abs} has sha256 ${actual}, but the pin says ${pin.sha256} (${pin.label}).\n` +
        `If the reference data was updated on purpose, update PINS in scripts/gen-imports.ts.`,
    );
  }
  return text;
}

/** Extracts the CRDs of `kinds` from a multi-document YAML, keeping only `version`. */
function extractCrds(text: string, file: string, group: string, version: string, kinds: string[]): Crd[] {
  const out: Crd[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) fail(`YAML error in ${file}: ${doc.errors[0]!.message}`);
    const crd = doc.toJS() as Crd | null;
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    if (crd.spec?.group !== group || !kinds.includes(crd.spec.names?.kind ?? '')) continue;
    const kept = (crd.spec.versions ?? []).filter((v) => v.name === version);
    if (kept.length !== 1 || !kept[0]!.served) {
      fail(`${file}: ${crd.spec.names?.kind}.${group} has no served version ${version}`);
    }
    // Keep only the version we use: cdk8s names the storage version plainly (Kind) and
    // suffixes the others (KindV1Beta1); with a single version the class is just Kind.
    kept[0]!.storage = true;
    crd.spec.versions = kept;
    out.push(crd);
  }
  const found = out.map((c) => c.spec!.names!.kind!);
  const missing = kinds.filter((k) => !found.includes(k));
  if (missing.length) fail(`${file}: no CustomResourceDefinition for ${missing.join(', ')} in group ${group}`);
  return out;
}

/**
 * Rewrites every generated `export enum X { A = "a", ... }` into
 *   export const X = { A: "a", ... } as const;
 *   export type X = (typeof X)[keyof typeof X];
 * so props accept plain literals (`mode: 'STRICT'`) as well as `X.A`. Stock cdk8s
 * output uses TS enums, which reject string literals and have awkward member names
 * (MESH_EXTERNAL -> MESH_UNDERSCORE_EXTERNAL, 301 -> VALUE_301).
 */
function enumsToLiteralUnions(body: string): { body: string; count: number } {
  let count = 0;
  const out = body.replace(/^export enum (\w+) \{\n([\s\S]*?)^\}\n/gm, (_m, name: string, members: string) => {
    count++;
    const lines = members.split('\n').map((line) => {
      if (line.trim() === '' || /^\s*(\/\*\*.*\*\/|\/\*\*|\*.*|\*\/)$/.test(line)) return line;
      const m = /^(\s*)(\w+) = (.+),$/.exec(line);
      if (!m) fail(`unexpected enum member line in ${name}: ${line}`);
      return `${m[1]}${m[2]}: ${m[3]},`;
    });
    return `export const ${name} = {\n${lines.join('\n')}} as const;\nexport type ${name} = (typeof ${name})[keyof typeof ${name}];\n`;
  });
  if (/^export enum /m.test(out)) fail('an enum was left unconverted');
  return { body: out, count };
}

/** Maps each emitted `kind` to its generated class name (from the static GVK blocks). */
function classesByKind(body: string): Map<string, string> {
  const re = /^export class (\w+) extends ApiObject \{[\s\S]*?public static readonly GVK: GroupVersionKind = \{\s*apiVersion: '[^']*',\s*kind: '([^']+)',/gm;
  const m = new Map<string, string>();
  for (const x of body.matchAll(re)) m.set(x[2]!, x[1]!);
  return m;
}

function main(): void {
  if (!existsSync(REFERENCE)) {
    fail(
      `reference folder not found: ${REFERENCE}\n` +
        `Expected the pinned CRDs under ../shared/reference relative to the repo root; ` +
        `set MESHFLEET_REFERENCE=/path/to/reference to override.`,
    );
  }
  const cli = join(REPO_ROOT, 'node_modules', '.bin', 'cdk8s');
  if (!existsSync(cli)) fail(`cdk8s-cli not installed (${cli}); run npm install`);
  const cliVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'cdk8s-cli', 'package.json'), 'utf8')) as {
    version: string;
  }).version;

  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'meshfleet-gen-imports-'));
  try {
    for (const g of GROUPS) {
      const crds: Crd[] = [];
      const headerSources: string[] = [];
      for (const s of g.sources) {
        const text = readPinned(s.file);
        crds.push(...extractCrds(text, s.file, g.group, g.version, s.kinds));
        headerSources.push(
          `//   ${s.file}`,
          `//     = ${PINS[s.file]!.label}`,
          `//     sha256 ${PINS[s.file]!.sha256}`,
          `//     kinds: ${s.kinds.map((k) => `${k} (${g.group}/${g.version})`).join(', ')}`,
        );
      }
      const crdFile = join(tmp, `${g.group}.yaml`);
      writeFileSync(crdFile, crds.map((c) => stringify(c, { lineWidth: 0 })).join('---\n'));
      const genDir = join(tmp, 'out');
      // cwd = tmp and --no-save: never create/append a cdk8s.yaml in the repo.
      try {
        execFileSync(cli, ['import', crdFile, '-l', 'typescript', '-o', genDir, '--no-save', '--no-check-upgrade'], {
          cwd: tmp,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
        fail(`cdk8s import failed for ${g.group}:\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? err.message}`);
      }
      const generated = join(genDir, `${g.group}.ts`);
      if (!existsSync(generated)) fail(`cdk8s import did not produce ${generated}`);
      let body = readFileSync(generated, 'utf8');
      // Sanity: every kind must come out as exactly one class with a version-less name.
      // cdk8s normalises acronyms in class names (OCIRepository -> OciRepository,
      // HTTPRoute -> HttpRoute); the emitted `kind` stays exact.
      const classes = classesByKind(body);
      for (const c of crds) {
        const k = c.spec!.names!.kind!;
        const cls = classes.get(k);
        if (!cls) fail(`generated ${g.group}.ts has no class for kind ${k}`);
        if (cls.toLowerCase() !== k.toLowerCase()) fail(`generated class ${cls} for kind ${k} carries a version suffix`);
      }
      if (classes.size !== crds.length) fail(`generated ${g.group}.ts has unexpected classes: ${[...classes.values()].join(', ')}`);
      const classList = crds.map((c) => classes.get(c.spec!.names!.kind!)!);
      body = body.replace(/^\/\/ generated by cdk8s\n/, '');
      const converted = enumsToLiteralUnions(body);
      body = converted.body;
      const header = [
        '// GENERATED FILE - DO NOT EDIT BY HAND.',
        `// Typed cdk8s constructs for ${g.group}/${g.version}, generated by \`cdk8s import -l typescript\``,
        `// (cdk8s-cli ${cliVersion}) from these pinned CRDs (paths relative to the reference folder,`,
        '// only the listed kinds, only the listed version):',
        ...headerSources,
        `// Exported construct classes: ${classList.join(', ')}.`,
        `// Post-processed: the ${converted.count} generated TS enums are emitted as \`as const\` objects plus`,
        '// literal-union types of the same name (so both `X.MEMBER` and plain literals type-check).',
        '// Regenerate with `npm run gen:imports` (scripts/gen-imports.ts).',
        '',
      ].join('\n');
      const target = join(OUT_DIR, `${g.group}.ts`);
      writeFileSync(target, header + body);
      console.log(`wrote ${relative(REPO_ROOT, target)} (${classList.join(', ')})`);
      rmSync(genDir, { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
