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
 * The pinned files, their sha256 and the kinds taken from each are in
 * scripts/lib/reference-crds.ts (shared with `gen:object-schemas`).
 *
 * imports/gke.ts is hand-written (the GKE CRDs are not available as YAML) and is not
 * touched by this script.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { CRD_GROUPS, PINS, pinnedCrds, requireReference, type Crd } from './lib/reference-crds.ts';

const OUT_DIR = join(PROJECT_ROOT, 'imports');

function fail(msg: string): never {
  console.error(`gen-imports: ${msg}`);
  process.exit(1);
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
  requireReference();
  const cli = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk8s');
  if (!existsSync(cli)) fail(`cdk8s-cli not installed (${cli}); run npm install`);
  const cliVersion = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', 'cdk8s-cli', 'package.json'), 'utf8')) as {
    version: string;
  }).version;

  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'meshfleet-gen-imports-'));
  try {
    for (const g of CRD_GROUPS) {
      const crds: Crd[] = [];
      const headerSources: string[] = [];
      for (const s of g.sources) {
        const extracted = pinnedCrds(s.file, g.group, g.version, s.kinds);
        // cdk8s names the storage version plainly (Kind) and suffixes the others (KindV1Beta1);
        // with only the version we use kept, marking it storage makes the class just Kind.
        for (const c of extracted) c.spec!.versions![0]!.storage = true;
        crds.push(...extracted);
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
      console.log(`wrote ${relative(PROJECT_ROOT, target)} (${classList.join(', ')})`);
      rmSync(genDir, { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  fail((e as Error).message);
}
