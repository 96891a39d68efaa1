/**
 * Loading the fleet for a command: errors are thrown (`ConfigError`, printed by `runMain`), warnings
 * (settings accepted but without effect) are printed on stderr as `FILE:LINE:COL path: warning: …`
 * and never fail the command.
 */
import { loadFleetWithWarnings, type LoadedFleet, type LoadOptions } from '../../config/load.ts';
import type { Fleet } from '../../config/model.ts';
import { printProblems } from './cli.ts';

/** `loadFleetWithWarnings`, with the warnings printed on stderr. */
export function loadFleetPrintingWarnings(file: string, options: LoadOptions = {}): LoadedFleet {
  const loaded = loadFleetWithWarnings(file, options);
  printProblems(loaded.warnings);
  return loaded;
}

/** The fleet of `file`; its warnings printed on stderr. */
export const loadFleetForCommand = (file: string, options: LoadOptions = {}): Fleet => loadFleetPrintingWarnings(file, options).fleet;
