/**
 * Checks the rendered dist before anything is applied: each cluster's flux-system folder exists
 * and points at the configured repository, and each cluster a primary reads renders the reader
 * token Secret (else waiting for its token would only time out, ten minutes later).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ISTIO_NAMESPACE, READER_TOKEN_SECRET } from '../../charts/istio/names.ts';
import { clusterDir, FLUX_SYSTEM_DIR, KUSTOMIZATION_FILE } from '../../clusters/paths.ts';
import type { Fleet } from '../../config/model.ts';

interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: { url?: string; secretRef?: { name?: string } };
}

/** The folder `kubectl apply -k` takes for a cluster. */
export const fluxSystemDir = (distDir: string, cluster: string): string => join(distDir, clusterDir(cluster), FLUX_SYSTEM_DIR);

/** Problems found, one line each (empty when the dist is ready for bootstrap). */
export function checkDist(fleet: Fleet, distDir: string, clusters: readonly string[], readerTargets: readonly string[]): string[] {
  const problems: string[] = [];
  const synth = `run \`npm run synth -- --config ${fleet.file}\`${distDir === 'dist' ? '' : ` --out ${distDir}`}, or pass --dist DIR`;
  for (const cluster of clusters) {
    const dir = fluxSystemDir(distDir, cluster);
    if (!existsSync(join(dir, KUSTOMIZATION_FILE))) {
      problems.push(`${dir}/${KUSTOMIZATION_FILE} is missing: ${synth}`);
      continue;
    }
    const source = yamlDocs(dir).find((d) => d.kind === 'GitRepository');
    if (source && (source.spec?.url !== fleet.git.url || source.spec?.secretRef?.name !== fleet.git.secretName)) {
      problems.push(`${dir} syncs ${source.spec?.url} with secret ${source.spec?.secretRef?.name}, but the config says ${fleet.git.url} with ${fleet.git.secretName}: ${synth}`);
    }
  }
  for (const cluster of readerTargets) {
    const dir = join(distDir, clusterDir(cluster));
    if (!existsSync(dir)) continue;
    const found = yamlDocs(dir, true).some((d) => d.kind === 'Secret' && d.metadata?.name === READER_TOKEN_SECRET && d.metadata?.namespace === ISTIO_NAMESPACE);
    if (!found) problems.push(`${dir} renders no Secret ${ISTIO_NAMESPACE}/${READER_TOKEN_SECRET}, which the remote secrets need: ${synth}`);
  }
  return problems;
}

/** Every YAML document of the .yaml files in `dir` (and below it, with `deep`). */
function yamlDocs(dir: string, deep = false): Doc[] {
  const docs: Doc[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && deep) docs.push(...yamlDocs(path, true));
    else if (entry.isFile() && entry.name.endsWith('.yaml')) {
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        const value = doc.toJS() as Doc | null;
        if (value && typeof value === 'object') docs.push(value);
      }
    }
  }
  return docs;
}
