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
