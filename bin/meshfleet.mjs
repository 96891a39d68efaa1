#!/usr/bin/env node
// meshfleet <command> [options]: runs the prebuilt CLI bundle (bin/bundle.mjs), rebuilding it
// first when a source is newer than the bundle (bin/bundle-path.cjs), so a checkout's commands
// always run its sources; it starts from V8's code cache (bin/run-bundle.cjs). Both helpers are
// CommonJS and required, not imported: node's own modules then load without ES module wrappers.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { currentBundle } = require('./bundle-path.cjs');
const { runBundle } = require('./run-bundle.cjs');

const bundle = currentBundle();
runBundle(bundle.built ? bundle.entry : await (await import('./bundle.mjs')).ensureBundle());
