/**
 * Typed errors with stable codes. Every error the engine raises for bad input
 * (rules, configuration, request data) is one of these, so callers can branch on
 * `code` instead of parsing messages.
 */
export type EngineErrorCode =
  | 'VPATCH_SECLANG_SYNTAX'
  | 'VPATCH_SECLANG_UNKNOWN_DIRECTIVE'
  | 'VPATCH_SECLANG_UNKNOWN_VARIABLE'
  | 'VPATCH_SECLANG_UNKNOWN_OPERATOR'
  | 'VPATCH_SECLANG_UNKNOWN_TRANSFORM'
  | 'VPATCH_SECLANG_UNKNOWN_ACTION'
  | 'VPATCH_SECLANG_BAD_ARGUMENT'
  | 'VPATCH_SECLANG_DUPLICATE_ID'
  | 'VPATCH_SECLANG_INCLUDE'
  | 'VPATCH_REGEX_COMPILE'
  /** The pattern is valid but only a backtracking engine could run it, in worse than linear time. */
  | 'VPATCH_REGEX_UNSAFE';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}

/** Where a rule or directive came from; attached to every rule-loading error. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** A rule-loading error that names file, line and directive. */
export class SecLangError extends EngineError {
  readonly location: SourceLocation | undefined;
  readonly directive: string | undefined;
  readonly reason: string;
  constructor(code: EngineErrorCode, reason: string, location?: SourceLocation, directive?: string) {
    const where = location ? `${location.file}:${location.line}: ` : '';
    const what = directive ? `${directive}: ` : '';
    super(code, `${where}${what}${reason}`);
    this.name = 'SecLangError';
    this.reason = reason;
    this.location = location;
    this.directive = directive;
  }
}
