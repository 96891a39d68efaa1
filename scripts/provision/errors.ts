/**
 * User-facing failures of provisioning: the entry point prints their message as one line, with
 * no stack (a bad `--cluster` exits 2, the others 1).
 */

/** A bad command-line value, e.g. an unknown `--cluster`. */
export class UsageError extends Error {}

/** A malformed emulator address; the message names the variable and the value. */
export class EndpointError extends Error {}

/** Credentials cannot be loaded; the message says how to fix it. */
export class CredentialsError extends Error {}
