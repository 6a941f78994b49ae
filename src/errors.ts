/**
 * Errors a user can act on. The CLI prints them as one line,
 * `lssl: <message> (<file>[:<row>])`, and exits with `exitCode`
 * (2 for bad input or usage, 1 for a failure at run time).
 */
export class LsslError extends Error {
  readonly file?: string;
  readonly row?: number;
  readonly exitCode: 1 | 2;

  constructor(message: string, options: { file?: string; row?: number; exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LsslError';
    this.file = options.file;
    this.row = options.row;
    this.exitCode = options.exitCode ?? 2;
  }

  /** The one line the CLI prints, without the `lssl: ` prefix. */
  describe(): string {
    if (this.file === undefined) return this.message;
    const where = this.row === undefined ? this.file : `${this.file}:${this.row}`;
    return `${this.message} (${where})`;
  }
}

/** Bad input: the user's file or arguments are wrong (exit code 2). */
export function inputError(message: string, file?: string, row?: number): LsslError {
  return new LsslError(message, { file, row, exitCode: 2 });
}

/** A failure at run time that is not the input's fault (exit code 1). */
export function runtimeError(message: string, file?: string, cause?: unknown): LsslError {
  return new LsslError(message, { file, exitCode: 1, cause });
}
