/**
 * User-facing failures of bootstrapping. The entry point prints their message without a stack:
 * a missing tool or credential, a refused state directory, a failed command.
 */

/** Something the user can fix: the message names the tool, flag, file or command, and the fix. */
export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}

/** A bad command-line value (an unknown `--cluster`); the entry point exits 2 for it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
