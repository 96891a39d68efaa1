/**
 * Mesh id / trust domain mismatch: every cluster's istiod must carry the fleet's mesh id
 * (`global.meshID`), every primary the fleet's trust domain (`meshConfig.trustDomain`; a remote
 * takes it from its primary), and AuthorizationPolicy principals must name that trust domain.
 * A mismatch splits the mesh: workload identities of one cluster are not trusted, or not matched
 * by policy, in another.
 */
import { helmValues, isControlPlaneRelease, ofKind, type Check, type CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';
import { objectRef, valueAt } from './objects.ts';

/** Istio's trust domain when meshConfig does not set one. */
const DEFAULT_TRUST_DOMAIN = 'cluster.local';

export function checkMeshIdentity(input: CheckInput): Finding[] {
  const { fleet } = input;
  const findings: Finding[] = [];
  const report = (where: string, message: string, fix: string) => findings.push({ severity: 'error', check: meshIdentity.id, where, message, fix });

  for (const release of ofKind(input, 'HelmRelease').filter(isControlPlaneRelease)) {
    const values = helmValues(release);
    const meshId = valueAt(values, 'global.meshID');
    if (meshId !== fleet.mesh.id) {
      report(objectRef(release), `global.meshID is ${JSON.stringify(meshId ?? null)}, but the fleet's mesh id (mesh.id) is ${JSON.stringify(fleet.mesh.id)}; clusters with different mesh ids do not form one mesh`, `set global.meshID to ${JSON.stringify(fleet.mesh.id)} in ${release.cluster}'s istiod values; npm run synth renders mesh.id into every cluster`);
    }
    if (valueAt(values, 'profile') === 'remote') continue;
    const trustDomain = valueAt(values, 'meshConfig.trustDomain') ?? DEFAULT_TRUST_DOMAIN;
    if (trustDomain !== fleet.mesh.trustDomain) {
      report(objectRef(release), `meshConfig.trustDomain is ${JSON.stringify(trustDomain)}, but the fleet's (mesh.trustDomain) is ${JSON.stringify(fleet.mesh.trustDomain)}; workloads of ${release.cluster} get identities other clusters' policies do not match`, `set meshConfig.trustDomain to ${JSON.stringify(fleet.mesh.trustDomain)} in ${release.cluster}'s istiod values; npm run synth renders mesh.trustDomain`);
    }
  }

  for (const policy of ofKind(input, 'AuthorizationPolicy')) {
    const rules = (valueAt(policy.body, 'spec.rules') ?? []) as { from?: { source?: { principals?: string[] } }[] }[];
    const principals = rules.flatMap((r) => (r.from ?? []).flatMap((f) => f.source?.principals ?? []));
    const foreign = [...new Set(principals.filter((p) => p.includes('/ns/') && p.split('/ns/')[0] !== fleet.mesh.trustDomain))];
    if (foreign.length > 0) {
      report(objectRef(policy), `principal${foreign.length > 1 ? 's' : ''} ${foreign.join(', ')} name${foreign.length > 1 ? '' : 's'} a trust domain other than the fleet's ${JSON.stringify(fleet.mesh.trustDomain)}, so ${foreign.length > 1 ? 'they match' : 'it matches'} no workload`, `use ${fleet.mesh.trustDomain}/ns/<namespace>/sa/<service account>; npm run synth renders them so`);
    }
  }
  return findings;
}

export const meshIdentity: Check = { id: 'mesh-identity', title: 'mesh id and trust domain agree in every cluster and policy', run: checkMeshIdentity };
