/**
 * What `promote` accepts and its help text, apart from the command's code: `promote --help` and a
 * usage error print without loading it (the config loader, git and kubectl helpers).
 */
import { DEFAULT_FLEET_FILE } from '../../config/default-fleet.ts';
import { STATE_DIR_ENV } from '../bootstrap/state-dir.ts';
import { HISTORY_BRANCH } from './history.ts';

export const USAGE = `Usage: npm run promote -- [--status] [--to WAVE] [--rollback WAVE] [--dry-run] [options]

Rolls a change out wave by wave (config rollout.waves, docs/rollout.md). The first wave's clusters
follow git.branch; every later wave's clusters follow the branch meshfleet/<wave>, which only this
command moves. Every move is recorded, with its reason, as a commit on the branch ${HISTORY_BRANCH}.

  (no mode)               promote every wave that is behind the wave before it and whose gate
                          holds, the last wave first (exit 1 only when none could move)
      --to WAVE           promote WAVE: move its branch to the commit the wave before it follows,
                          only when every cluster of that wave reports every Flux Kustomization
                          Ready at that commit, every HelmRelease Ready, nothing stalled, for at
                          least that wave's bakeTime; otherwise say which cluster and object hold it.
                          Also refused when a remote would then send pods to an Istio revision its
                          primary's wave does not run (docs/istio-upgrade.md, With rollout waves)
      --status            per wave: its branch and commit, and per cluster the revision its Flux
                          applied, whether every object is Ready, and since when
      --rollback WAVE     move WAVE's branch back to the commit it followed before its last move
      --all               with --force: move every wave's branch to git.branch at once (a hotfix)
      --force             skip the health gates (with --to, or --all); needs --reason
      --reason TEXT       why: written into the history commit of the move (required with --force)

Options:
  -c, --config FILE       fleet file (default: ${DEFAULT_FLEET_FILE})
      --remote NAME       git remote of the fleet repository, in the current clone (default: origin)
      --state-dir DIR     where bootstrap wrote the kubeconfigs, STATE/kube/<cluster>.yaml
                          (default: $${STATE_DIR_ENV}, else \${XDG_CONFIG_HOME:-~/.config}/meshfleet/<project>/<mesh id>)
  -n, --dry-run           print every git and kubectl command; run only those that read
                          (git ls-remote/fetch/log, kubectl get), change nothing
  -h, --help              show this help

Re-running a promotion that already happened changes nothing. A wave that was rolled back is not
promoted again to the revision it was rolled back from (fix forward on git.branch, or --force).
Needs on PATH: git (allowed to push to the remote), kubectl.

Exit codes: 0 done or nothing to do, 1 refused (a gate does not hold) or a command failed, 2 bad usage.`;

export const OPTIONS = {
  config: { type: 'string', short: 'c' },
  status: { type: 'boolean' },
  to: { type: 'string' },
  rollback: { type: 'string' },
  all: { type: 'boolean' },
  force: { type: 'boolean' },
  reason: { type: 'string' },
  remote: { type: 'string' },
  'state-dir': { type: 'string' },
  'dry-run': { type: 'boolean', short: 'n' },
} as const;
