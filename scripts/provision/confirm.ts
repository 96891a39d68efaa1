/** Asks the user to confirm on a terminal. */
import { createInterface } from 'node:readline/promises';

/** Asks `question`; true only for an explicit yes (`y`, `yes`, any case). End of input (Ctrl-D) is a no. */
export async function confirm(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      // readline emits 'close' before an answer on the last line settles; let the answer win.
      rl.once('close', () => setImmediate(() => resolve('')));
      rl.question(question).then(resolve, () => resolve(''));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}
