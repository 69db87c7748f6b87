import { readFile } from 'node:fs/promises';
import { CliError, EXIT } from './errors';

/** What a command may touch, so tests and the real process hand in their own. */
export interface CliIo {
  // Properties, not methods: they are handed on detached (commander's configureOutput).
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin(): Promise<string>;
  fetch: typeof fetch;
  env: Record<string, string | undefined>;
  sleep(ms: number): Promise<void>;
}

/** The text of `file`, or of stdin for `-`; an unreadable file is bad input (exit 2). */
export async function readInput(file: string, io: CliIo): Promise<string> {
  if (file === '-') return io.readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: cannot read: ${code ?? (error as Error).message}`, EXIT.BAD_INPUT);
  }
}
