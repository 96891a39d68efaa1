#!/usr/bin/env node
// meshfleet <command> [options]: runs the prebuilt CLI bundle (bin/bundle.mjs), rebuilding it
// first when a source is newer than the bundle, so a checkout's commands always run its sources.
import { ensureBundle } from './bundle.mjs';

await import(await ensureBundle());
