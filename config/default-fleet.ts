/**
 * The fleet file every command reads by default, relative to the repository root. Its own module,
 * without imports, so that a command's `--help` can name it without loading the config schemas.
 */
export const DEFAULT_FLEET_FILE = 'config/fleet.yaml';
