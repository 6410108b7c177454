/** A patch file that cannot be used: names the file, the field (JSON pointer) and the reason. */
export class PatchValidationError extends Error {
  readonly file: string;
  readonly field: string;
  readonly reason: string;
  constructor(file: string, field: string, reason: string) {
    super(`${file}: ${field || '(top level)'}: ${reason}`);
    this.name = 'PatchValidationError';
    this.file = file;
    this.field = field;
    this.reason = reason;
  }
}

/** Several invalid patch files at once (loading a directory reports them all). */
export class PatchLoadError extends Error {
  readonly errors: PatchValidationError[];
  constructor(errors: PatchValidationError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'PatchLoadError';
    this.errors = errors;
  }
}
