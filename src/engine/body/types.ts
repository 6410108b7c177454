/**
 * Contracts of the request body processors. Bodies arrive as byte strings (one code
 * unit per byte, `Buffer#toString('latin1')`); every name and value produced is a byte
 * string too. Processors never throw on bad input: they report it through `error`,
 * which the engine exposes as REQBODY_ERROR=1 / REQBODY_ERROR_MSG.
 */

/** One argument in request order: [name, value]. */
export type Arg = [name: string, value: string];

export interface ParsedArgs {
  args: Arg[];
  /** Null when the body parsed cleanly; otherwise ModSecurity's REQBODY_ERROR_MSG text. */
  error: string | null;
}

export interface JsonOptions {
  /** Maximum nesting depth (SecRequestBodyJsonDepthLimit); deeper bodies are an error. */
  depthLimit: number;
}

export interface MultipartOptions {
  /**
   * Maximum number of file parts (SecUploadFileLimit); more sets MULTIPART_FILE_LIMIT_EXCEEDED.
   * As in ModSecurity v3, files are only counted when they are saved (`saveFiles`); 0 = no limit.
   */
  fileLimit: number;
  /**
   * Whether uploaded files are kept (SecTmpSaveUploadedFiles On or SecUploadKeepFiles On).
   * Off (the default, as in v3) leaves FILES_TMP_CONTENT empty and never applies `fileLimit`.
   */
  saveFiles?: boolean;
  /**
   * Reject part header names with bytes outside 0x21–0x7E ("Invalid part header (contains
   * invalid character)"), as libmodsecurity ≥ 3.0.10 and its regression suite do. Default
   * true; false gives 3.0.9's behaviour (the header is accepted).
   */
  rejectInvalidHeaderNames?: boolean;
}

export interface MultipartFile {
  /** The part's `name` (FILES_NAMES value, key of FILES / FILES_SIZES). */
  fieldName: string;
  /** The part's `filename` (FILES value). */
  filename: string;
  /** Content length in bytes (FILES_SIZES). */
  size: number;
  /** The part's Content-Type header value, or ''. */
  contentType: string;
  /** The file content as a byte string (FILES_TMP_CONTENT). */
  content: string;
}

export interface MultipartResult extends ParsedArgs {
  files: MultipartFile[];
  /**
   * MULTIPART_PART_HEADERS: [part name, full header line as received without its line
   * ending, e.g. "Content-Disposition: form-data; name=\"a\""; a folded header is
   * "Name: value continued"].
   */
  partHeaders: Arg[];
  /**
   * Every MULTIPART_* flag variable, keyed by its exact variable name, value 0 or 1:
   * MULTIPART_BOUNDARY_QUOTED, MULTIPART_BOUNDARY_WHITESPACE, MULTIPART_DATA_AFTER,
   * MULTIPART_DATA_BEFORE, MULTIPART_FILE_LIMIT_EXCEEDED, MULTIPART_HEADER_FOLDING,
   * MULTIPART_INVALID_HEADER_FOLDING, MULTIPART_INVALID_PART, MULTIPART_INVALID_QUOTING,
   * MULTIPART_LF_LINE, MULTIPART_CRLF_LF_LINES, MULTIPART_MISSING_SEMICOLON,
   * MULTIPART_UNMATCHED_BOUNDARY, MULTIPART_STRICT_ERROR (the OR of the strict checks,
   * as ModSecurity computes it). Values are 0 or 1, except MULTIPART_UNMATCHED_BOUNDARY,
   * which v3 sets to 2 once a second boundary of ours has been seen (so it is 2 in every
   * ordinary body; CRS and the recommended rule test `@eq 1`).
   */
  flags: Record<string, number>;
  /** MULTIPART_FILENAME / MULTIPART_NAME: the last filename / name seen (ModSecurity v3). */
  lastFilename: string;
  lastName: string;
  /** Every `name` / `filename` parameter seen, in order (v3 keeps them all in MULTIPART_NAME / MULTIPART_FILENAME). */
  names: string[];
  filenames: string[];
  /** Bytes of part headers and form fields (v3's m_reqbody_no_files_length, for SecRequestBodyNoFilesLimit). */
  noFilesLength: number;
  /**
   * The messages libmodsecurity writes to its debug log for this body (every error, even
   * one a later error replaced in REQBODY_ERROR_MSG, and the end-of-parse warnings such as
   * "Multipart: Warning: boundary was quoted."), for the engine's trace.
   */
  debug: string[];
}
