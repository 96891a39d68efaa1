#!/bin/sh
":" //; case "${1-}" in synth|check|diff|bootstrap|promote|bench|help|-h|--help|'') if [ -n "${NODE_EXTRA_CA_CERTS-}" ]; then export MESHFLEET_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; fi;; esac; exec node "$0" "$@"
// meshfleet <command> [options]: runs the prebuilt CLI bundle (bin/bundle.mjs), rebuilding it
// first when a source is newer than the bundle (bin/bundle-path.cjs), so a checkout's commands
// always run its sources; it starts from V8's code cache (bin/run-bundle.cjs). Both helpers are
// CommonJS and required, not imported: node's own modules then load without ES module wrappers.
//
// The file is a shell script and an ES module at once (sh runs the line above and execs node on
// this file; to JavaScript that line is a string and a comment), because node 20 reads and parses
// the CA bundle NODE_EXTRA_CA_CERTS names at every start, before any code runs: about 85 ms here,
// a quarter of a cold synth (later node versions load it only when TLS is first used). Only
// `provision` opens TLS connections of its own (gRPC to Google), so every other command, and help
// without a command, starts without the variable; it is put back below, before anything else
// loads, for the processes a command starts (git, kubectl, gcloud). Modules that NODE_OPTIONS
// preloads run before that and do not see it. An unknown command keeps it: a new command opens
// TLS until it is listed above (test/cli-bundle.test.ts fails until it is one or the other). The
// npm scripts run `sh bin/meshfleet.mjs <command>`, which needs no exec bit on the file.
// `node bin/meshfleet.mjs` runs the same code, and node reads the CA bundle first as it always does.
import { createRequire } from 'node:module';

const ca = process.env.MESHFLEET_NODE_EXTRA_CA_CERTS;
if (ca !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = ca;
  delete process.env.MESHFLEET_NODE_EXTRA_CA_CERTS;
}
const require = createRequire(import.meta.url);
const { currentBundle } = require('./bundle-path.cjs');
const { runBundle } = require('./run-bundle.cjs');

const bundle = currentBundle();
runBundle(bundle.built ? bundle.entry : await (await import('./bundle.mjs')).ensureBundle());
