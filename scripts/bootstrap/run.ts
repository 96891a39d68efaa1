/**
 * `bootstrap()`: checks everything it can before touching anything (tools, credential, state
 * directory, dist), then hands each cluster to Flux and wires the remote secrets. The same code
 * runs for a dry run, with a runner that prints instead of executing.
 */
import { ISTIO_NAMESPACE } from '../../charts/istio/names.ts';
import { findCluster, primaries, type Fleet } from '../../config/model.ts';
import { ensureRootCa } from './ca.ts';
import { checkDist } from './dist-check.ts';
import { BootstrapError, UsageError } from './errors.ts';
import { commandEnv, describeGitAuth, gitSecretData, needsKeyscan, type GitAuth } from './git-auth.ts';
import { APPLY, kubeTarget, kubectl, type KubeTarget } from './kube.ts';
import { Progress, stepLabel } from './progress.ts';
import { homeAbbreviatingWriter, Redactor, redactingWriter, type Writer } from './redact.ts';
import { readerKubeconfig, remoteSecretManifest, remoteSecretName, remoteSecretPairs, removeStaleRemoteSecrets, targetsOf } from './remote-secrets.ts';
import { DryRunRunner, ExecRunner, type Runner } from './runner.ts';
import { assertOutsideGit, ensurePrivateDir, homeOf } from './state-dir.ts';
import { CLUSTER_STEPS, kubeContextStep, type ClusterStepContext } from './steps.ts';
import { findOnPath, missingTools, requireKubectlVersion, requireTools } from './tools.ts';

/** Tools every run needs (ssh-keyscan too when it must fetch known_hosts). */
export const REQUIRED_TOOLS = ['gcloud', 'gke-gcloud-auth-plugin', 'kubectl', 'openssl'] as const;

export interface BootstrapOptions {
  readonly fleet: Fleet;
  /** Only this cluster (remote secrets of the pairs it is part of still run). @default - every cluster */
  readonly cluster?: string;
  /** Rendered dist root. */
  readonly distDir: string;
  /** Absolute state directory (CA keys, kubeconfigs). */
  readonly stateDir: string;
  /** Where the state directory choice came from, for messages (`--state-dir`, …). */
  readonly stateDirSource: string;
  readonly gitAuth: GitAuth;
  /** Print the commands instead of running them. */
  readonly dryRun: boolean;
  /** Environment of the commands (PATH picks the tools; the token variable is read from it). */
  readonly env: NodeJS.ProcessEnv;
  /** Progress and the dry-run plan. */
  readonly out: Writer;
  /** Warnings. */
  readonly err: Writer;
}

export interface BootstrapSummary {
  readonly clusters: readonly string[];
  readonly remoteSecrets: number;
}

/** Bootstraps the fleet (or one cluster); returns what was done. Throws `BootstrapError`/`UsageError`. */
export async function bootstrap(options: BootstrapOptions): Promise<BootstrapSummary> {
  const { fleet, dryRun, env } = options;
  const redactor = new Redactor();
  const home = homeOf(env);
  const out = homeAbbreviatingWriter(redactingWriter(options.out, redactor), home);
  const err = homeAbbreviatingWriter(redactingWriter(options.err, redactor), home);

  // Preflight: every check that needs no change, before the first change.
  if (options.cluster !== undefined && !fleet.clusters.some((c) => c.name === options.cluster)) {
    throw new UsageError(`unknown cluster ${JSON.stringify(options.cluster)} (--cluster): expected one of ${fleet.clusters.map((c) => c.name).join(', ')}`);
  }
  const tools = [...REQUIRED_TOOLS, ...(needsKeyscan(options.gitAuth) ? ['ssh-keyscan'] : [])];
  if (dryRun) {
    const missing = missingTools(tools, env);
    if (missing.length > 0) err.write(`warning: not on PATH: ${missing.join(', ')}; a real run would stop here\n`);
  } else {
    requireTools(tools, env);
  }
  assertOutsideGit(options.stateDir, options.stateDirSource);
  const clusters = options.cluster === undefined ? fleet.clusters.map((c) => c.name) : [options.cluster];
  const pairs = remoteSecretPairs(fleet, options.cluster);
  const targets = targetsOf(fleet, pairs);
  const distProblems = checkDist(fleet, options.distDir, clusters, targets);
  if (distProblems.length > 0) {
    if (!dryRun) throw new BootstrapError(`the dist is not ready for bootstrap:\n${distProblems.map((p) => `  ${p}`).join('\n')}`);
    for (const p of distProblems) err.write(`warning: ${p}\n`);
  }

  const runner: Runner = dryRun ? new DryRunRunner(out, home) : new ExecRunner({ env: commandEnv(options.gitAuth, env), redactor, home });
  if (!dryRun) requireKubectlVersion(await runner.read({ argv: ['kubectl', 'version', '--client', '-o', 'json'] }, '{}'));
  const progress = new Progress(out, dryRun);
  const fluxCli = findOnPath('flux', env.PATH) !== undefined;

  if (dryRun) out.write(`dry run: nothing is changed; state directory ${options.stateDir}\n`);
  await progress.step(stepLabel(fleet.mesh.id, 'root CA'), async () => {
    await runner.local(`mkdir -m 700 ${options.stateDir}`, () => ensurePrivateDir(options.stateDir));
    return ensureRootCa(runner, options.stateDir, fleet.mesh);
  });
  // Read once, for every cluster.
  let gitSecret: Record<string, string> = {};
  await progress.step(stepLabel('git', 'credentials'), async () => {
    gitSecret = await gitSecretData(options.gitAuth, env, runner, redactor);
    return `done (${describeGitAuth(options.gitAuth)})`;
  });
  const contextOf = (name: string): ClusterStepContext => ({
    fleet, runner, redactor, target: kubeTarget(options.stateDir, fleet.project, findCluster(fleet, name)),
    stateDir: options.stateDir, distDir: options.distDir, gitSecret, fluxCli,
  });
  const targetOf = (name: string): KubeTarget => contextOf(name).target;

  for (const cluster of clusters) {
    const ctx = contextOf(cluster);
    for (const [i, step] of CLUSTER_STEPS.entries()) {
      await progress.step(stepLabel(cluster, step.label, i + 1, CLUSTER_STEPS.length), () => step.run(ctx));
    }
  }

  // Clusters on the other side of a pair (with --cluster) still need a kube context.
  const others = fleet.clusters.map((c) => c.name).filter((n) => !clusters.includes(n) && pairs.some((p) => p.reader === n || p.target === n));
  for (const cluster of others) {
    await progress.step(stepLabel(cluster, kubeContextStep.label), () => kubeContextStep.run(contextOf(cluster)));
  }
  const kubeconfigs = new Map<string, string>();
  for (const target of targets) {
    await progress.step(stepLabel(target, 'reader token'), async () => {
      kubeconfigs.set(target, await readerKubeconfig(runner, targetOf(target), redactor));
    });
  }
  for (const pair of pairs) {
    await progress.step(stepLabel(pair.reader, `remote secret for ${pair.target}`), async () => {
      await runner.change(kubectl(targetOf(pair.reader), [...APPLY, '-f', '-'], remoteSecretManifest(pair.target, kubeconfigs.get(pair.target)!)));
      return `done (${ISTIO_NAMESPACE}/${remoteSecretName(pair.target)})`;
    });
  }
  // A whole-fleet run also clears what a removed (or re-homed) cluster left in the primaries that watched it.
  if (options.cluster === undefined) {
    const wanted = remoteSecretPairs(fleet);
    for (const reader of primaries(fleet)) {
      await progress.step(stepLabel(reader.name, 'stale remote secrets'), async () => {
        const removed = await removeStaleRemoteSecrets(runner, targetOf(reader.name), wanted.filter((p) => p.reader === reader.name).map((p) => p.target));
        return removed.length > 0 ? `removed ${removed.map((n) => `${ISTIO_NAMESPACE}/${n}`).join(', ')}` : 'none';
      });
    }
  }
  return { clusters, remoteSecrets: pairs.length };
}
