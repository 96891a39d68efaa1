/** Where things live in dist/. One place, so charts, scripts and checks never type a path twice. */

/** Folder of all cluster entry folders, relative to the dist root. */
export const CLUSTERS_DIR = 'clusters';

/** Relative to the dist root: `clusters/<cluster>`. */
export const clusterDir = (cluster: string): string => `${CLUSTERS_DIR}/${cluster}`;

/** Repository path Flux syncs for a cluster, given where dist lives in the repo (default `dist`). */
export const repoPath = (distInRepo: string, ...parts: string[]): string => [distInRepo.replace(/\/+$/, ''), ...parts].join('/');

/** Folder of the flux sync objects inside a cluster entry. */
export const FLUX_SYSTEM_DIR = 'flux-system';
export const KUSTOMIZATION_FILE = 'kustomization.yaml';
export const FLEET_OVERVIEW_FILE = 'FLEET.md';
