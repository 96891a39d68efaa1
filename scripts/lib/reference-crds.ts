/**
 * The pinned CRD files of the reference folder and the kinds we take from each: shared by the
 * generators that read them (`gen:imports` → typed constructs in imports/, `gen:object-schemas` →
 * the JSON schemas the tests validate rendered objects with), so both always describe the same
 * CRDs at the same versions.
 *
 * The reference folder is ../shared/reference relative to the repo root unless
 * MESHFLEET_REFERENCE names another. Only generators read it; nothing at run or test time does.
 *
 * Every source file is checked against its pinned sha256; if the reference data changes on
 * purpose, update PINS below (label + hash) so the generated headers keep telling the truth.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from './project-root.ts';

/** Where the pinned reference data lives (read by the generators only). */
export const REFERENCE = resolve(process.env.MESHFLEET_REFERENCE ?? join(PROJECT_ROOT, '..', 'shared', 'reference'));

/** Pinned source files (path relative to the reference folder) → provenance label + sha256. */
export const PINS: Record<string, { label: string; sha256: string }> = {
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

export interface CrdGroup {
  /** API group (imports/<group>.ts, test/object-schemas/<group>_<version>.generated.json). */
  readonly group: string;
  /** The one API version we render for every kind of this group. */
  readonly version: string;
  /** Source file (relative to the reference folder) → kinds to take from it. */
  readonly sources: ReadonlyArray<{ readonly file: string; readonly kinds: readonly string[] }>;
}

/** Every CRD kind we render (or may render), by group, with the version we render it at. */
export const CRD_GROUPS: readonly CrdGroup[] = [
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

/** One served version of a CRD, as written in the CRD file. */
export interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
}

export interface Crd {
  kind?: string;
  spec?: { group?: string; names?: { kind?: string }; versions?: CrdVersion[] };
}

/** The reference folder, or an error that says where it was looked for and how to point elsewhere. */
export function requireReference(): string {
  if (!existsSync(REFERENCE)) {
    throw new Error(
      `reference folder not found: ${REFERENCE}\n` +
        `Expected the pinned CRDs under ../shared/reference relative to the repo root; ` +
        `set MESHFLEET_REFERENCE=/path/to/reference to override.`,
    );
  }
  return REFERENCE;
}

/** A pinned reference file's text, after checking its sha256 against PINS. */
export function readPinned(file: string): string {
  const abs = join(REFERENCE, file);
  if (!existsSync(abs)) throw new Error(`missing reference file ${abs}`);
  const text = readFileSync(abs, 'utf8');
  const pin = PINS[file];
  if (!pin) throw new Error(`no pin recorded for ${file}; add it to PINS in scripts/lib/reference-crds.ts`);
  const actual = createHash('sha256').update(text).digest('hex');
  if (actual !== pin.sha256) {
    throw new Error(
      `${abs} has sha256 ${actual}, but the pin says ${pin.sha256} (${pin.label}).\n` +
        `If the reference data was updated on purpose, update PINS in scripts/lib/reference-crds.ts.`,
    );
  }
  return text;
}

/** The documents of each pinned file read so far: crd-all.gen.yaml feeds two groups and is parsed once. */
const pinnedDocuments = new Map<string, readonly unknown[]>();

/**
 * The CRDs of `kinds` in the pinned multi-document YAML `file`, each keeping only `version` (which
 * must be served); an error names the file and what is missing. A file is read and parsed once
 * per process; each call returns its own copies, which the caller may change.
 */
export function pinnedCrds(file: string, group: string, version: string, kinds: readonly string[]): Crd[] {
  let documents = pinnedDocuments.get(file);
  if (!documents) pinnedDocuments.set(file, (documents = parseDocuments(readPinned(file), file)));
  const out: Crd[] = [];
  for (const document of documents) {
    const candidate = document as Crd | null;
    if (!candidate || candidate.kind !== 'CustomResourceDefinition') continue;
    if (candidate.spec?.group !== group || !kinds.includes(candidate.spec.names?.kind ?? '')) continue;
    const crd = structuredClone(candidate);
    const kept = (crd.spec!.versions ?? []).filter((v) => v.name === version);
    if (kept.length !== 1 || !kept[0]!.served) {
      throw new Error(`${file}: ${crd.spec!.names?.kind}.${group} has no served version ${version}`);
    }
    crd.spec!.versions = kept;
    out.push(crd);
  }
  const found = out.map((c) => c.spec!.names!.kind!);
  const missing = kinds.filter((k) => !found.includes(k));
  if (missing.length) throw new Error(`${file}: no CustomResourceDefinition for ${missing.join(', ')} in group ${group}`);
  return out;
}

function parseDocuments(text: string, file: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`YAML error in ${file}: ${doc.errors[0]!.message}`);
    return doc.toJS() as unknown;
  });
}
