#!/usr/bin/env bash
# One fake for gcloud, kubectl, flux, ssh-keyscan and gke-gcloud-auth-plugin, used by the bootstrap
# tests: the symlinks beside this file (and links to them) run it, and the name it was called by is
# the tool. Plain bash that starts no other program for its bookkeeping, so a call costs one bash
# start rather than a Node start (the provision, bootstrap and lifecycle tests make hundreds).
#  - Appends {"tool","argv","stdin"?,"kubeconfigEnv"?,"sawWatchedEnv"?} as one JSON line to $FAKE_LOG
#    (stdin is read only for `-f -`; sawWatchedEnv: the variable named by $FAKE_WATCH_ENV was set).
#  - Prints canned output: a kubeconfig for get-credentials, JSON for describe, a base64 token for
#    `kubectl get … -o jsonpath={.data.token}`, kubectl 1.$FAKE_KUBECTL_MINOR (default 32) for
#    `kubectl version`; exits 0.
#  - With $FAKE_FLUX_STATE set (the promote tests), `kubectl … get … -o json` prints
#    $FAKE_FLUX_STATE/<--context>.json, the cluster's Flux objects, or fails as an unreachable
#    cluster when that file does not exist.
#  - $FAKE_FAIL, an extended regex matched against "tool args…" + newline + stdin, makes the call
#    fail, echoing its stdin to stderr the way a careless tool might.
set -u
tool=${0##*/}

# Both set REPLY rather than print: a $(…) around a function forks a subshell.
json() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}; s=${s//$'\r'/\\r}
  REPLY="\"$s\""
}
flag() {
  local name=$1
  REPLY=''
  shift
  while (($#)); do
    if [[ $1 == "$name" ]]; then REPLY=${2-}; return; fi
    shift
  done
}
b64() { printf '%s' "$1" | base64 | tr -d '\n'; }

stdin=''
has_stdin=0
flag -f "$@"
if [[ $REPLY == "-" ]]; then
  IFS= read -r -d '' stdin || true
  has_stdin=1
fi

if [[ -n ${FAKE_LOG-} ]]; then
  json "$tool"
  record="{\"tool\":$REPLY,\"argv\":["
  sep=''
  for arg in "$@"; do json "$arg"; record+="$sep$REPLY"; sep=','; done
  record+=']'
  ((has_stdin)) && json "$stdin" && record+=",\"stdin\":$REPLY"
  [[ -n ${KUBECONFIG-} ]] && json "$KUBECONFIG" && record+=",\"kubeconfigEnv\":$REPLY"
  [[ -n ${FAKE_WATCH_ENV-} && -n ${!FAKE_WATCH_ENV+set} ]] && record+=',"sawWatchedEnv":true'
  printf '%s}\n' "$record" >>"$FAKE_LOG"
fi

if [[ -n ${FAKE_FAIL-} && "$tool $*"$'\n'"$stdin" =~ $FAKE_FAIL ]]; then
  printf 'error: fake failure of %s\n%s' "$tool" "$stdin" >&2
  exit 1
fi

case $tool in
  gcloud)
    verb=${3-}
    name=${4-}
    if [[ $verb == get-credentials ]]; then
      flag --project "$@"
      context="gke_${REPLY}_"
      flag --region "$@"
      context+="${REPLY}_${name}"
      (umask 077 && printf 'apiVersion: v1\nkind: Config\ncurrent-context: %s\ncontexts:\n- name: %s\n  context: {cluster: %s, user: %s}\n' \
        "$context" "$context" "$context" "$context" >"$KUBECONFIG")
      printf 'Fetching cluster endpoint and auth data.\nkubeconfig entry generated for %s.\n' "$name" >&2
    elif [[ $verb == describe ]]; then
      # A stable address per cluster name.
      octet=0
      for ((i = 0; i < ${#name}; i++)); do printf -v code '%d' "'${name:i:1}"; octet=$(((octet + code) % 250)); done
      ca=$(b64 $'-----BEGIN CERTIFICATE-----\nfake CA of '"$name"$'\n-----END CERTIFICATE-----\n')
      printf '{"name":"%s","endpoint":"203.0.113.%d","masterAuth":{"clusterCaCertificate":"%s"}}' "$name" $((octet + 1)) "$ca"
    fi
    ;;
  kubectl)
    flag -k "$@"
    dir=$REPLY
    if [[ -n $dir && ! -f $dir/kustomization.yaml ]]; then
      printf 'error: must build at directory: not a valid directory: %s\n' "$dir" >&2
      exit 1
    fi
    if [[ -n ${FAKE_FLUX_STATE-} && " $* " == *" get "* && " $* " == *" -o json "* ]]; then
      flag --context "$@"
      context=$REPLY
      if [[ ! -f $FAKE_FLUX_STATE/$context.json ]]; then
        printf 'Unable to connect to the server: dial tcp: lookup %s: no such host\n' "$context" >&2
        exit 1
      fi
      cat "$FAKE_FLUX_STATE/$context.json"
    elif [[ ${1-} == version ]]; then
      printf '{"clientVersion":{"major":"1","minor":"%s"}}\n' "${FAKE_KUBECTL_MINOR:-32}"
    elif [[ " $* " == *" get "* && " $* " == *" jsonpath={.data.token} "* ]]; then
      flag --context "$@"
      b64 "fake-reader-token-for-$REPLY"
    elif [[ " $* " == *" wait "* ]]; then
      echo 'condition met'
    elif [[ " $* " == *" apply "* ]]; then
      echo 'serverside-applied'
    fi
    ;;
  ssh-keyscan)
    printf '%s ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKeyForTests\n' "${!#}"
    ;;
  flux)
    echo '✔ install finished'
    ;;
esac
exit 0
