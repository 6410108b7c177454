/**
 * multipart/form-data request body processor: a faithful port of libmodsecurity v3's
 * `RequestBodyProcessor::Multipart` (src/request_body_processor/multipart.cc), including
 * its strict checks, flags and quirks. See docs/body-processors.md for the list.
 *
 * The body is processed as v3 processes it: byte by byte into a 4096-byte line buffer
 * (a line longer than that is handled in pieces; a `\r` is never the last byte of a
 * piece), each piece classified as boundary, part header or part data. Work is linear in
 * the body size: pieces are found with `indexOf`, never by per-byte copying, and the
 * "foreign boundary" scan uses a cached forward search.
 */
import type { Arg, MultipartFile, MultipartOptions, MultipartResult } from './types.js';

const BUF_SIZE = 4096;
const PREFIX = 'Multipart parsing error: ';

/** C `isspace` in the C locale. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** RFC 2046 boundary characters, as v3 checks them (space allowed but not last). */
function boundaryCharactersValid(b: string): boolean {
  const n = b.length;
  for (let i = 0; i < n; i++) {
    const c = b.charCodeAt(i);
    if (c === 0) return true; // C string ends here
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      (c === 0x20 && i + 1 < n && b.charCodeAt(i + 1) !== 0) ||
      c === 0x27 || c === 0x28 || c === 0x29 || c === 0x2b || c === 0x5f || c === 0x2c ||
      c === 0x2d || c === 0x2e || c === 0x2f || c === 0x3a || c === 0x3d || c === 0x3f;
    if (!ok) return false;
  }
  return true;
}

/** Count of "boundary" (case-insensitive) occurrences followed somewhere later by '='. */
function countBoundaryParams(s: string): number {
  const lower = s.toLowerCase();
  let count = 0;
  let from = 0;
  const lastEq = lower.lastIndexOf('=');
  for (;;) {
    const i = lower.indexOf('boundary', from);
    if (i < 0) break;
    from = i + 8;
    if (lastEq >= from) count++;
  }
  return count;
}

/** RFC 2616 token characters, as v3's is_token_char. */
function isTokenChar(c: number): boolean {
  if (c <= 32 || c >= 127) return false;
  switch (c) {
    case 0x28: case 0x29: case 0x3c: case 0x3e: case 0x40: case 0x2c: case 0x3b: case 0x3a:
    case 0x5c: case 0x22: case 0x2f: case 0x5b: case 0x5d: case 0x3f: case 0x3d:
      return false;
  }
  return true;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isXDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

const MIME_CHARSET_SPECIAL = '!#$%&+-^_`{}~';
const ATTR_CHAR_SPECIAL = '!#$&+-.^_`~';

/** Remove trailing CR/LF characters, unless the string is made only of them (v3's chomp). */
function chomp(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 0x0a && c !== 0x0d) break;
    end--;
  }
  return end === 0 ? s : s.slice(0, end);
}

const enum PartType {
  FormData = 1,
  File = 2,
}

interface Part {
  type: PartType;
  name: string;
  filename: string;
  /** Header name (lower-cased) → [name as received, value]. */
  headers: Map<string, [string, string]>;
  lastHeaderName: string;
  /** The header line being built (v3's m_last_header_line). */
  lastHeaderLine: string;
  headerLines: string[];
  valueParts: string[];
  fileSize: number;
  hasTmpFile: boolean;
}

function newPart(): Part {
  return {
    type: PartType.FormData,
    name: '',
    filename: '',
    headers: new Map(),
    lastHeaderName: '',
    lastHeaderLine: '',
    headerLines: [],
    valueParts: [],
    fileSize: 0,
    hasTmpFile: false,
  };
}

/**
 * Parse a multipart/form-data body. `contentType` is the request's Content-Type header
 * value. Never throws.
 */
export function parseMultipart(body: string, contentType: string, options: MultipartOptions): MultipartResult {
  // Flags.
  let flagError = 0;
  let flagDataBefore = 0;
  let flagDataAfter = 0;
  let flagHeaderFolding = 0;
  let flagBoundaryQuoted = 0;
  let flagLfLine = 0;
  let flagCrlfLine = 0;
  let flagUnmatchedBoundary = 0;
  let flagBoundaryWhitespace = 0;
  let flagMissingSemicolon = 0;
  let flagInvalidQuoting = 0;
  let flagInvalidPart = 0;
  let flagInvalidHeaderFolding = 0;
  let flagFileLimitExceeded = 0;

  let error = '';
  /** v3's debug-log messages for this body (errors and warnings), in order. */
  const debug: string[] = [];
  const setError = (msg: string): void => {
    error = msg;
    debug.push(msg);
  };
  let boundary = '';
  const names: string[] = [];
  const filenames: string[] = [];
  const parts: Part[] = [];
  const partHeaders: Arg[] = [];
  const saveFiles = options.saveFiles === true;
  const fileLimit = options.fileLimit;
  const rejectInvalidHeaderNames = options.rejectInvalidHeaderNames !== false;
  let nfiles = 0;
  let noFilesLength = 0;

  // ---------------------------------------------------------------- init (C-T parsing)
  const init = (): boolean => {
    const header = contentType;
    if (header.length === 0) {
      flagError = 1;
      setError('Multipart: Content-Type header not available.');
      return false;
    }
    if (header.length > 1024) {
      flagError = 1;
      setError('Multipart: Invalid boundary in C-T (length).');
      return false;
    }
    if (header.slice(0, 19).toLowerCase() !== 'multipart/form-data') {
      flagError = 1;
      setError('Multipart: Invalid MIME type.');
      return false;
    }
    // The header is a C string for v3.
    const nul = header.indexOf('\0');
    const h = nul >= 0 ? header.slice(0, nul) : header;
    if (countBoundaryParams(h) > 1) {
      flagError = 1;
      setError('Multipart: Multiple boundary parameters in C-T.');
      return false;
    }
    const bpos = h.indexOf('boundary');
    if (bpos < 0) {
      flagError = 1;
      if (countBoundaryParams(h) > 0) {
        setError('Multipart: Invalid boundary in C-T (case sensitivity).');
        return false;
      }
      setError('Multipart: Boundary not found in C-T.');
      return false;
    }
    let seenSemicolon = false;
    for (let p = 19; p < bpos; p++) {
      const c = h.charCodeAt(p);
      if (!isSpace(c)) {
        if (!seenSemicolon && c === 0x3b) {
          seenSemicolon = true;
        } else {
          flagError = 1;
          setError('Multipart: Invalid boundary in C-T (malformed).');
          return false;
        }
      }
    }
    if (!seenSemicolon) flagMissingSemicolon = 1;
    const eq = h.indexOf('=', bpos + 8);
    if (eq < 0) {
      flagError = 1;
      setError('Multipart: Invalid boundary in C-T (malformed).');
      return false;
    }
    for (let p = bpos + 8; p < eq; p++) {
      if (isSpace(h.charCodeAt(p))) {
        flagBoundaryWhitespace = 1;
      } else {
        flagError = 1;
        setError('Multipart: Invalid boundary in C-T (parameter name).');
        return false;
      }
    }
    const b = h.slice(eq + 1);
    const len = b.length;
    if (len > 0 && isSpace(b.charCodeAt(0))) flagBoundaryWhitespace = 1;
    if (len >= 2 && b.charCodeAt(0) === 0x22 && b.charCodeAt(len - 1) === 0x22) {
      boundary = b.slice(1, len - 1);
      // v3 gives up silently here: no error message, no error flag.
      if (boundary.length === 0) return false;
      flagBoundaryQuoted = 1;
    } else {
      if ((len > 0 && b.charCodeAt(0) === 0x22) || (len >= 2 && b.charCodeAt(len - 1) === 0x22)) {
        flagError = 1;
        setError('Multipart: Invalid boundary in C-T (quote).');
        return false;
      }
      boundary = b;
      if (boundary.length === 0) return false;
      flagBoundaryQuoted = 0;
    }
    if (countBoundaryParams(boundary) !== 0) {
      flagError = 1;
      setError('Multipart: Invalid boundary in C-T (content).');
      return false;
    }
    // Tolerated: a parameter such as "; charset=UTF-8" after the boundary.
    if (!boundaryCharactersValid(boundary)) {
      const semi = boundary.indexOf(';');
      if (semi >= 0) {
        debug.push('Multipart: Invalid parameter after boundary in C-T (tolerated).');
        boundary = boundary.slice(0, semi);
      }
    }
    if (!boundaryCharactersValid(boundary)) {
      flagError = 1;
      setError('Multipart: Invalid boundary in C-T (characters).');
      return false;
    }
    if (boundary.length === 0) {
      flagError = 1;
      setError('Multipart: Invalid boundary in C-T (empty).');
      return false;
    }
    return true;
  };

  // ---------------------------------------------------------------- parsing state
  let mpp: Part | null = null;
  let mppState = 0; // 0 = headers, 1 = data
  let partDataRead = 0; // v3's m_mpp_substate_part_data_read
  let reserve = ''; // bytes held back from the previous data piece ("\r\n" or "\n")
  let seenData = false;
  let isComplete = false;
  let boundaryCount = 0;
  let crlfStateBufEnd = 0; // 2 when the previous buffer piece ended with a bare "\n"
  // Cached position of the next NUL byte (-1: none left).
  let nextNul = -2;
  const nulFrom = (from: number): number => {
    if (nextNul === -1 || nextNul >= from) return nextNul;
    nextNul = body.indexOf('\0', from);
    return nextNul;
  };
  // The buffer content when processing stopped: [pendStart, pendEnd) and whether it
  // starts at a line start.
  let pendStart = 0;
  let pendEnd = 0;
  let bufContainsLine = true;

  // ---------------------------------------------------------------- C-D parsing
  /** v3's parse_content_disposition: returns 1 or a negative code. */
  const parseContentDisposition = (v: string, part: Part): number => {
    const n = v.length;
    const at = (i: number): number => (i < n ? v.charCodeAt(i) : 0);
    if (!v.startsWith('form-data')) return -1;
    let p = 9;
    while (at(p) === 0x09 || at(p) === 0x20) p++;
    if (at(p) === 0) return 1;
    if (at(p) !== 0x3b) return -2;
    p++;
    let filenameStar = '';
    while (at(p) !== 0) {
      while (at(p) === 0x09 || at(p) === 0x20) p++;
      if (at(p) === 0) return -3;
      let start = p;
      while (at(p) !== 0 && at(p) !== 0x3d && at(p) !== 0x09 && at(p) !== 0x20) p++;
      if (at(p) === 0) return -4;
      const name = v.slice(start, p);
      while (at(p) === 0x09 || at(p) === 0x20) p++;
      if (at(p) === 0) return -5;
      if (at(p) !== 0x3d) return -13;
      p++;
      while (at(p) === 0x09 || at(p) === 0x20) p++;
      if (at(p) === 0) return -6;
      let value: string;
      let quote = 0;
      if (name === 'filename*') {
        // filename*=charset'[language]'filename (RFC 5987)
        const startCharset = p;
        while (at(p) !== 0 && (isAlnum(at(p)) || MIME_CHARSET_SPECIAL.includes(String.fromCharCode(at(p))))) p++;
        if (at(p) !== 0x27 || p === startCharset) return -16;
        p++;
        while (at(p) !== 0 && at(p) !== 0x27) p++;
        if (at(p) !== 0x27) return -17;
        p++;
        const startName = p;
        while (at(p) !== 0 && at(p) !== 0x3b) {
          if (at(p) === 0x25) {
            if (at(p + 1) === 0 || !isXDigit(at(p + 1)) || !isXDigit(at(p + 2))) return -18;
            p += 3;
          } else if (isAlnum(at(p)) || ATTR_CHAR_SPECIAL.includes(String.fromCharCode(at(p)))) {
            p++;
          } else {
            return -19;
          }
        }
        value = v.slice(startName, Math.min(p, n));
      } else if (at(p) === 0x22 || at(p) === 0x27) {
        quote = at(p);
        if (quote === 0x27) flagInvalidQuoting = 1;
        p++;
        if (at(p) === 0) return -7;
        const chars: string[] = [];
        let segStart = p;
        while (at(p) !== 0) {
          const c = at(p);
          if (c === 0x5c) {
            if (at(p + 1) === 0) return -8;
            if (at(p + 1) === quote || at(p + 1) === 0x5c) {
              // Only the quote and the backslash can be escaped: drop the backslash.
              chars.push(v.slice(segStart, p));
              p++;
              segStart = p;
            }
            // Other escapes are kept as they are (v3 lets them through for IE).
          } else if (c === quote) {
            break;
          }
          p++;
        }
        chars.push(v.slice(segStart, Math.min(p, n)));
        value = chars.join('');
        // Skip the closing quote. An unterminated value ends the header (v3 would read
        // past the string's end here; its observable behaviour is "end of header").
        p = at(p) === 0 ? n : p + 1;
      } else {
        start = p;
        while (at(p) !== 0 && isTokenChar(at(p))) p++;
        value = v.slice(start, p);
      }

      if (name === 'name') {
        if (quote !== 0x22 && value.includes("'")) flagInvalidQuoting = 1;
        names.push(value);
        if (part.name.length > 0) {
          debug.push('Multipart: Warning: Duplicate Content-Disposition name: ' + value + '. Previously: ' + part.name);
          return -14;
        }
        part.name = value;
      } else if (name === 'filename') {
        if (quote !== 0x22 && value.includes("'")) flagInvalidQuoting = 1;
        filenames.push(value);
        if (part.filename.length > 0) {
          debug.push('Multipart: Warning: Duplicate Content-Disposition filename: ' + value + '.');
          return -15;
        }
        part.filename = value;
      } else if (name === 'filename*') {
        if (filenameStar.length > 0) return -20;
        filenameStar = value;
      } else {
        return -11;
      }

      if (at(p) !== 0) {
        while (at(p) === 0x09 || at(p) === 0x20) p++;
        if (at(p) !== 0) {
          if (at(p) !== 0x3b) {
            const prev = at(p - 1);
            if (prev === 0x27 || prev === 0x22) flagInvalidQuoting = 1;
            return -12;
          }
          p++;
        }
      }
    }
    if (filenameStar.length > 0 && part.filename.length === 0) {
      debug.push('Multipart: Warning: no filename= but filename*:' + filenameStar + '.');
      return -21;
    }
    return 1;
  };

  // ---------------------------------------------------------------- part headers
  /** v3's process_part_header; `s`..`e` is the buffer (ends with "\n"). */
  const processPartHeader = (s: number, e: number): void => {
    const part = mpp!;
    const len = e - s;
    const nul = nulFrom(s);
    if (nul >= 0 && nul < e) {
      setError('Multipart: Nul byte in part headers.');
      return;
    }
    noFilesLength += len;
    let lenWithoutTermination = len - 1;
    if (len > 1) {
      if (body.charCodeAt(e - 2) === 0x0d) {
        flagCrlfLine = 1;
        lenWithoutTermination--;
      } else {
        flagLfLine = 1;
      }
    } else {
      flagLfLine = 1;
    }
    const c0 = body.charCodeAt(s);
    const isEmptyLine = (len === 2 && c0 === 0x0d && body.charCodeAt(s + 1) === 0x0a) || (len === 1 && c0 === 0x0a);
    if (isEmptyLine) {
      if (part.lastHeaderLine.length > 0) {
        part.headerLines.push(part.lastHeaderLine);
        part.lastHeaderLine = '';
      }
      const cd = part.headers.get('content-disposition');
      if (cd === undefined) {
        setError('Multipart: Part missing Content-Disposition header.');
        return;
      }
      const headerValue = cd[1];
      const rc = parseContentDisposition(headerValue, part);
      if (rc < 0) {
        setError('Multipart: Invalid Content-Disposition header (' + rc + '): ' + headerValue);
        return;
      }
      if (part.name.length === 0) {
        setError('Multipart: Content-Disposition header missing name field.');
        return;
      }
      if (part.filename.length > 0) {
        // Crude parsers look for "filename="; make sure they would have found it.
        if (!headerValue.includes('filename=')) {
          setError('Multipart: Invalid Content-Disposition header (filename).');
          return;
        }
        part.type = PartType.File;
      } else {
        part.type = PartType.FormData;
      }
      mppState = 1;
      partDataRead = 0;
      part.lastHeaderName = '';
      return;
    }
    const line = body.slice(s, e);
    if (isSpace(c0)) {
      // Header folding.
      flagHeaderFolding = 1;
      if (c0 !== 0x09 && c0 !== 0x20) flagInvalidHeaderFolding = 1;
      if (part.lastHeaderName.length === 0) {
        setError('Multipart: Invalid part header (folding error).');
        return;
      }
      let d = 0;
      while (d < len && isSpace(line.charCodeAt(d))) {
        const c = line.charCodeAt(d);
        if (c !== 0x09 && c !== 0x20) flagInvalidHeaderFolding = 1;
        d++;
      }
      const more = chomp(line.slice(d));
      const key = part.lastHeaderName.toLowerCase();
      const entry = part.headers.get(key)!;
      const newValue = entry[1] + ' ' + more;
      entry[1] = newValue;
      if (newValue.length > BUF_SIZE) {
        setError('Multipart: Part header too long.');
        return;
      }
      part.lastHeaderLine = part.lastHeaderName + ': ' + newValue;
      return;
    }
    // A new header.
    if (part.lastHeaderLine.length > 0) {
      part.headerLines.push(part.lastHeaderLine);
      part.lastHeaderLine = '';
    }
    const colon = line.indexOf(':');
    if (colon < 0) {
      setError('Multipart: Invalid part header (colon missing): ' + line);
      return;
    }
    if (colon === 0) {
      setError('Multipart: Invalid part header (header name missing).');
      return;
    }
    const headerName = line.slice(0, colon);
    if (rejectInvalidHeaderNames) {
      for (let i = 0; i < colon; i++) {
        const c = headerName.charCodeAt(i);
        if (c < 33 || c > 126) {
          setError('Multipart: Invalid part header (contains invalid character).');
          return;
        }
      }
    }
    let v = colon + 1;
    while (v < len && (line.charCodeAt(v) === 0x09 || line.charCodeAt(v) === 0x20)) v++;
    const headerValue = chomp(line.slice(v));
    const key = headerName.toLowerCase();
    // A repeated header is dropped without an error message.
    if (part.headers.has(key)) {
      debug.push('Multipart: Duplicate part header: ' + headerName + '.');
      return;
    }
    part.lastHeaderName = headerName;
    part.headers.set(key, [headerName, headerValue]);
    part.lastHeaderLine = lenWithoutTermination > 0 ? line.slice(0, lenWithoutTermination) : '';
  };

  // ---------------------------------------------------------------- part data
  const processPartData = (s: number, e: number): void => {
    const part = mpp!;
    partDataRead = 1;
    let dataEnd = e;
    let newReserve = '';
    if (e - s >= 1 && body.charCodeAt(e - 1) === 0x0a) {
      if (e - s >= 2 && body.charCodeAt(e - 2) === 0x0d) {
        newReserve = '\r\n';
        dataEnd = e - 2;
      } else {
        newReserve = '\n';
        dataEnd = e - 1;
      }
    }
    const dataLen = dataEnd - s;
    if (part.type === PartType.File) {
      let extract = saveFiles;
      if (extract && fileLimit > 0 && nfiles >= fileLimit) {
        if (flagFileLimitExceeded === 0) {
          setError('Multipart: Upload file limit exceeded ' + fileLimit + '. Use SecUploadFileLimit to change the limit.');
          flagFileLimitExceeded = 1;
        }
        extract = false;
      }
      if (extract) {
        if (!part.hasTmpFile) {
          part.hasTmpFile = true;
          nfiles++;
        }
        // The reserved line ending goes to the file but not to FILES_TMP_CONTENT (v3).
        part.fileSize += reserve.length + dataLen;
        part.valueParts.push(body.slice(s, dataEnd));
      } else {
        part.fileSize += dataLen + reserve.length;
      }
    } else {
      noFilesLength += dataLen + reserve.length;
      // v3 drops the reserved line ending of form fields (its `d.assign` overwrites it).
      part.valueParts.push(body.slice(s, dataEnd));
    }
    reserve = newReserve;
  };

  // ---------------------------------------------------------------- boundaries
  const processBoundary = (last: boolean): void => {
    if (mpp !== null) {
      for (const line of mpp.headerLines) partHeaders.push([mpp.name, line]);
      if (mpp.name.length > 0) {
        parts.push(mpp);
      } else {
        flagInvalidPart = 1;
      }
      mpp = null;
    }
    if (!last) {
      mpp = newPart();
      mppState = 0;
      partDataRead = 0;
      reserve = '';
    }
  };

  // ---------------------------------------------------------------- process()
  const process = (): void => {
    const n = body.length;
    if (n === 0) return;
    seenData = true;
    const B = boundary.length;
    const dashBoundary = '--' + boundary;
    // Cached forward search for "--boundary" anywhere (the foreign-boundary scan).
    let nextDash = -2;
    const findDash = (from: number): number => {
      if (nextDash === -1 || nextDash >= from) return nextDash;
      nextDash = body.indexOf(dashBoundary, from);
      return nextDash;
    };

    let i = 0;
    while (i < n) {
      // Find the end of this buffer piece.
      const nl = body.indexOf('\n', i);
      let end: number; // exclusive
      let processBuffer = false;
      let last: number; // the byte v3 calls `c`
      const limit = i + BUF_SIZE;
      if (nl >= 0 && nl < limit) {
        end = nl + 1;
        last = 0x0a;
      } else if (limit <= n) {
        // The buffer fills up; a '\r' is never taken as its last byte.
        if (body.charCodeAt(limit - 1) === 0x0d) {
          end = limit - 1;
          processBuffer = true;
          last = 0x0d;
        } else {
          end = limit;
          last = body.charCodeAt(limit - 1);
        }
      } else {
        // The rest of the body, without a line end: left in the buffer.
        pendStart = i;
        pendEnd = n;
        return;
      }
      const bufLen = end - i;
      const nulAt = nulFrom(i);
      const strlen = nulAt >= 0 && nulAt < end ? nulAt - i : bufLen;
      const at = (k: number): number => (k < bufLen ? body.charCodeAt(i + k) : 0);
      let processedAsBoundary = false;

      if (bufContainsLine && strlen > 3 && at(0) === 0x2d && at(1) === 0x2d) {
        if (strlen >= B + 2 && body.startsWith(boundary, i + 2)) {
          if (crlfStateBufEnd === 2) flagLfLine = 1;
          if (partDataRead === 0 && boundaryCount > 0) {
            // Matches our boundary where part data should begin.
            flagInvalidPart = 1;
            debug.push('Multipart: Invalid part (data contains boundary)');
          } else {
            let be = 2 + B;
            if (boundaryCount > 0) flagUnmatchedBoundary = 2;
            let isFinal = false;
            if (at(be) === 0x2d && at(be + 1) === 0x2d) {
              isFinal = true;
              be += 2;
              if (isComplete) {
                flagError = 1;
                setError('Multipart: Invalid boundary (final duplicate).');
                pendStart = i;
                pendEnd = end;
                return;
              }
            }
            if ((at(be) === 0x0d && at(be + 1) === 0x0a && at(be + 2) === 0) || (at(be) === 0x0a && at(be + 1) === 0)) {
              if (at(be) === 0x0a) flagLfLine = 1;
              else flagCrlfLine = 1;
              processBoundary(isFinal);
              if (isFinal) isComplete = true;
              processedAsBoundary = true;
              boundaryCount++;
            } else {
              flagError = 1;
              setError('Multipart: Invalid boundary: ' + body.slice(i, i + strlen));
              pendStart = i;
              pendEnd = end;
              return;
            }
          }
        } else {
          // Looks like a boundary but is not ours.
          if (flagBoundaryQuoted && strlen >= B + 3 && at(2) === 0x22 && body.startsWith(boundary, i + 3)) {
            flagError = 1;
            setError('Multipart: Invalid boundary (quotes).');
            pendStart = i;
            pendEnd = end;
            return;
          }
          let p = 2;
          while (isSpace(at(p))) p++;
          if (p !== 2 && p + B <= strlen && body.startsWith(boundary, i + p)) {
            flagError = 1;
            setError('Multipart: Invalid boundary (whitespace).');
            pendStart = i;
            pendEnd = end;
            return;
          }
          flagUnmatchedBoundary = 1;
        }
      } else if (bufContainsLine) {
        // Anything in the line that resembles our boundary?
        // (The boundary has no NUL byte, so an exact match is what strncmp finds.)
        const f = findDash(i);
        if (f >= 0 && f + 2 + B <= end) flagUnmatchedBoundary = 1;
      }

      if (!processedAsBoundary) {
        if (mpp === null) {
          flagDataBefore = 1;
        } else if (mppState === 0) {
          if (bufLen === BUF_SIZE || processBuffer) {
            flagError = 1;
            setError('Multipart: Part header line over ' + BUF_SIZE + ' bytes long');
            pendStart = i;
            pendEnd = end;
            return;
          }
          processPartHeader(i, end);
        } else {
          processPartData(i, end);
        }
      }

      // v3's m_crlf_state at the end of this piece: 2 for a bare "\n" ending. (No piece
      // ends with "\r", so only the last two bytes decide.)
      crlfStateBufEnd = last === 0x0a ? (bufLen >= 2 && body.charCodeAt(end - 2) === 0x0d ? 3 : 2) : 0;
      bufContainsLine = last === 0x0a;
      i = end;

      if (isComplete && i < n) {
        flagDataAfter = 1;
        pendStart = n;
        pendEnd = n;
        return;
      }
    }
    pendStart = n;
    pendEnd = n;
  };

  // ---------------------------------------------------------------- run
  const ok = init();
  if (ok) process();

  // multipart_complete()
  const strict =
    flagError || flagBoundaryQuoted || flagBoundaryWhitespace || flagDataBefore || flagDataAfter ||
    flagHeaderFolding || flagLfLine || flagMissingSemicolon || flagInvalidQuoting || flagInvalidPart ||
    flagInvalidHeaderFolding || flagFileLimitExceeded
      ? 1
      : 0;
  const warn = (flag: number, msg: string): void => {
    if (flag) debug.push('Multipart: Warning: ' + msg);
  };
  warn(flagDataBefore, 'seen data before first boundary.');
  warn(flagDataAfter, 'seen data after last boundary.');
  warn(flagBoundaryQuoted, 'boundary was quoted.');
  warn(flagBoundaryWhitespace, 'boundary whitespace in C-T header.');
  warn(flagHeaderFolding, 'header folding used.');
  if (flagCrlfLine && flagLfLine) debug.push('Multipart: Warning: mixed line endings used (CRLF/LF).');
  else warn(flagLfLine, 'incorrect line endings used (LF).');
  warn(flagMissingSemicolon, 'missing semicolon in C-T header.');
  warn(flagInvalidQuoting, 'invalid quoting used.');
  warn(flagInvalidPart, 'invalid part parsing.');
  warn(flagInvalidHeaderFolding, 'invalid header folding used.');
  let lfLineOut = flagLfLine;
  let strictOut = strict;
  let invalidPartOut = flagInvalidPart;
  if (seenData && !isComplete) {
    if (boundaryCount > 0) {
      if (
        bufContainsLine &&
        pendEnd - pendStart === 4 + boundary.length &&
        body.startsWith('--', pendStart) &&
        body.startsWith(boundary, pendStart + 2) &&
        body.startsWith('--', pendStart + 2 + boundary.length)
      ) {
        // The final boundary without a line ending.
        if (crlfStateBufEnd === 2 && flagLfLine !== 1) {
          flagLfLine = 1;
          lfLineOut = 1;
          strictOut = 1;
        }
        if (partDataRead === 0 && flagInvalidPart !== 1) {
          flagInvalidPart = 1;
          invalidPartOut = 1;
          strictOut = 1;
        }
        processBoundary(true);
        isComplete = true;
      }
      if (!isComplete) setError('Multipart: Final boundary missing.');
    } else {
      setError('Multipart: No boundaries found in payload.');
    }
  }

  // Variables from the parts.
  const args: Arg[] = [];
  const files: MultipartFile[] = [];
  for (const part of parts) {
    if (part.name.length === 0) continue;
    if (part.type === PartType.File) {
      const ct = part.headers.get('content-type');
      files.push({
        fieldName: part.name,
        filename: part.filename,
        size: part.fileSize,
        contentType: ct === undefined ? '' : ct[1],
        content: part.valueParts.join(''),
      });
    } else {
      args.push([part.name, part.valueParts.join('')]);
    }
  }

  const flags: Record<string, number> = {
    MULTIPART_BOUNDARY_QUOTED: flagBoundaryQuoted,
    MULTIPART_BOUNDARY_WHITESPACE: flagBoundaryWhitespace,
    MULTIPART_DATA_AFTER: flagDataAfter,
    MULTIPART_DATA_BEFORE: flagDataBefore,
    MULTIPART_FILE_LIMIT_EXCEEDED: flagFileLimitExceeded,
    MULTIPART_HEADER_FOLDING: flagHeaderFolding,
    MULTIPART_INVALID_HEADER_FOLDING: flagInvalidHeaderFolding,
    MULTIPART_INVALID_PART: invalidPartOut,
    MULTIPART_INVALID_QUOTING: flagInvalidQuoting,
    MULTIPART_LF_LINE: lfLineOut,
    MULTIPART_CRLF_LF_LINES: flagCrlfLine && lfLineOut ? 1 : 0,
    MULTIPART_MISSING_SEMICOLON: flagMissingSemicolon,
    MULTIPART_UNMATCHED_BOUNDARY: flagUnmatchedBoundary,
    MULTIPART_STRICT_ERROR: strictOut,
  };

  return {
    args,
    error: error.length > 0 ? PREFIX + error : null,
    files,
    partHeaders,
    flags,
    lastFilename: filenames.length > 0 ? filenames[filenames.length - 1]! : '',
    lastName: names.length > 0 ? names[names.length - 1]! : '',
    names,
    filenames,
    noFilesLength,
    debug,
  };
}
