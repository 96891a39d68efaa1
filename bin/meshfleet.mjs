#!/usr/bin/env node
// meshfleet <command> [options]: runs the prebuilt CLI bundle (bin/bundle.mjs), rebuilding it
// first when a source is newer than the bundle, so a checkout's commands always run its sources;
// it starts from V8's code cache (bin/run-bundle.mjs).
import { ensureBundle } from './bundle.mjs';
import { runBundle } from './run-bundle.mjs';

runBundle(await ensureBundle());
