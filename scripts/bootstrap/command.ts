/**
 * A command bootstrap runs, as data: what the real runner executes and what a dry run prints.
 * Secrets never go into arguments (they would show in `ps` and in the dry run); they go to the
 * command's standard input, which carries a redacted twin for display.
 */

/** Text for a command's standard input, with the form that may be shown. */
export interface CommandInput {
  /** What the command reads. May hold secrets. */
  readonly text: string;
  /** The same text with secret values replaced by `<redacted>`. */
  readonly display: string;
}

export interface Command {
  /** Program and arguments. Never a secret. */
  readonly argv: readonly string[];
  /** Variables added to the environment (shown before the command, as a shell would take them). */
  readonly env?: Readonly<Record<string, string>>;
  /** Standard input. @default - none: the command's stdin is closed */
  readonly input?: CommandInput;
}

export interface FormatOptions {
  /** Paths under this directory are shown as `~/…`. @default - paths are shown as they are */
  readonly home?: string;
}

/**
 * The command as a shell line: `VAR=value program args`, with stdin as a quoted heredoc
 * (`<<'EOF'`), so what a dry run prints reads (and mostly runs) as a script.
 */
export function formatCommand(cmd: Command, options: FormatOptions = {}): string {
  const word = (w: string) => shellWord(tildify(w, options.home));
  const env = Object.entries(cmd.env ?? {}).map(([k, v]) => `${k}=${word(v)} `).join('');
  const line = `${env}${cmd.argv.map(word).join(' ')}`;
  if (!cmd.input) return line;
  const body = cmd.input.display.endsWith('\n') ? cmd.input.display : `${cmd.input.display}\n`;
  return `${line} <<'EOF'\n${body}EOF`;
}

/** `/home/me/x` → `~/x` when `home` is `/home/me`; also inside `--flag=/home/me/x`. */
export function tildify(word: string, home: string | undefined): string {
  if (!home || home === '/') return word;
  const prefix = `${home.replace(/\/+$/, '')}/`;
  const flag = /^(--[a-z0-9-]+=)(.*)$/s.exec(word);
  const [head, value] = flag ? [flag[1]!, flag[2]!] : ['', word];
  return value.startsWith(prefix) ? `${head}~/${value.slice(prefix.length)}` : word;
}

/** Quotes a word for a POSIX shell only when it needs it; a leading `~/` stays unquoted so it expands. */
export function shellWord(word: string): string {
  const safe = /^[A-Za-z0-9_@%+=:,./-]+$/;
  if (safe.test(word)) return word;
  const tilde = /^(--[a-z0-9-]+=)?~\/(.*)$/s.exec(word);
  if (tilde && (tilde[2] === '' || safe.test(tilde[2]!))) return word;
  // Keep `--flag=` readable: quote only the value.
  const flag = /^(--[a-z0-9-]+=)(.*)$/s.exec(word);
  const [prefix, value] = flag ? [flag[1]!, flag[2]!] : ['', word];
  return `${prefix}'${value.replace(/'/g, `'\\''`)}'`;
}
