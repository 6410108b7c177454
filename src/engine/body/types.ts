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
  /** Maximum number of file parts (SecUploadFileLimit); more sets MULTIPART_FILE_LIMIT_EXCEEDED. */
  fileLimit: number;
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
  /** MULTIPART_PART_HEADERS: [part name, full header line as received, e.g. "Content-Disposition: form-data; name=\"a\""]. */
  partHeaders: Arg[];
  /**
   * Every MULTIPART_* flag variable, keyed by its exact variable name, value 0 or 1:
   * MULTIPART_BOUNDARY_QUOTED, MULTIPART_BOUNDARY_WHITESPACE, MULTIPART_DATA_AFTER,
   * MULTIPART_DATA_BEFORE, MULTIPART_FILE_LIMIT_EXCEEDED, MULTIPART_HEADER_FOLDING,
   * MULTIPART_INVALID_HEADER_FOLDING, MULTIPART_INVALID_PART, MULTIPART_INVALID_QUOTING,
   * MULTIPART_LF_LINE, MULTIPART_CRLF_LF_LINES, MULTIPART_MISSING_SEMICOLON,
   * MULTIPART_UNMATCHED_BOUNDARY, MULTIPART_STRICT_ERROR (the OR of the strict checks,
   * as ModSecurity computes it).
   */
  flags: Record<string, number>;
  /** MULTIPART_FILENAME / MULTIPART_NAME: the last filename / name seen (ModSecurity v3). */
  lastFilename: string;
  lastName: string;
}
