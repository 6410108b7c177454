/**
 * Encodings the traffic generator applies to payloads. Every value here is a byte string:
 * one JS character per byte (latin1), which is how requests go on the wire and how the
 * engine receives them.
 */

/** The UTF-8 bytes of `s` as a byte string. */
export function utf8(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

const HEX = '0123456789ABCDEF';

function hexByte(c: number, lower = false): string {
  const h = HEX[c >> 4]! + HEX[c & 15]!;
  return '%' + (lower ? h.toLowerCase() : h);
}

/** Percent-encodes the bytes for which `keep` is false. */
export function pctEncode(bytes: string, keep: (c: number) => boolean, opts: { plusForSpace?: boolean; lower?: boolean } = {}): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i) & 0xff;
    if (c === 0x20 && opts.plusForSpace) out += '+';
    else if (keep(c)) out += bytes[i];
    else out += hexByte(c, opts.lower);
  }
  return out;
}

const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** What an HTML form submission sends (application/x-www-form-urlencoded): alnum and `*-._` raw, space as `+`. */
export function formEncode(bytes: string): string {
  return pctEncode(bytes, (c) => isAlnum(c) || c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f, { plusForSpace: true });
}

/** encodeURIComponent on bytes: alnum and `-_.!~*'()` raw. */
export function componentEncode(bytes: string): string {
  return pctEncode(bytes, (c) => isAlnum(c) || "-_.!~*'()".includes(String.fromCharCode(c)));
}

/**
 * What a hand-written attack URL looks like (curl, a script): only what would break the
 * request line or the argument structure is encoded — space, `#`, `%`, `&`, `+`, `=`,
 * `;` (for cookies), control bytes and bytes >= 0x7f. Quotes, angle brackets, braces, pipes
 * and backslashes stay raw.
 */
export function rawEncode(bytes: string, extraKeep = ''): string {
  return pctEncode(bytes, (c) => {
    if (c <= 0x20 || c >= 0x7f) return false;
    if (extraKeep.includes(String.fromCharCode(c))) return true;
    return !'#%&+=;'.includes(String.fromCharCode(c));
  });
}

/** Every byte percent-encoded. */
export function fullEncode(bytes: string, lower = false): string {
  return pctEncode(bytes, () => false, { lower });
}

/** Percent-encoded twice (`'` becomes `%2527`). */
export function doubleEncode(bytes: string): string {
  return componentEncode(bytes).replace(/%/g, '%25');
}

/** IIS-style `%uXXXX` for every non-alphanumeric byte. */
export function unicodeEncode(bytes: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i) & 0xff;
    out += isAlnum(c) ? bytes[i] : '%u00' + HEX[c >> 4]! + HEX[c & 15]!;
  }
  return out;
}

/** Overlong two-byte UTF-8 forms (`%c0%ae` for `.`, `%c0%af` for `/`) for punctuation, the rest as componentEncode. */
export function overlongEncode(bytes: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i) & 0xff;
    if (!isAlnum(c) && c < 0x80 && c !== 0x20) out += '%c' + (c >> 6).toString(16) + '%' + (0x80 | (c & 0x3f)).toString(16);
    else out += componentEncode(bytes[i]!);
  }
  return out;
}

/** HTML character references for non-alphanumerics: decimal, hex, padded, with or without `;`. */
export function htmlEntityEncode(bytes: string, style: 'dec' | 'hex' | 'padded' | 'nosemi'): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (isAlnum(c)) {
      out += bytes[i];
      continue;
    }
    if (style === 'dec') out += `&#${c};`;
    else if (style === 'hex') out += `&#x${c.toString(16)};`;
    else if (style === 'padded') out += `&#x${c.toString(16).padStart(6, '0')};`;
    else out += `&#${c}`;
  }
  return out;
}

/** JSON string body with `\uXXXX` for every non-alphanumeric (what some clients and attackers send). */
export function jsonUnicodeEscape(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    out += isAlnum(c) ? bytes[i] : '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

/** A JSON string literal for a byte string (bytes >= 0x80 stay raw, so UTF-8 input stays UTF-8). */
export function jsonString(bytes: string): string {
  return JSON.stringify(bytes);
}

/** XML text content: `&`, `<`, `>` escaped. */
export function xmlText(bytes: string): string {
  return bytes.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(bytes: string): string {
  return xmlText(bytes).replace(/"/g, '&quot;');
}

export function base64(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('base64');
}

/** Random upper/lower case for letters (SeLeCt). */
export function randomCase(s: string, next: () => number): string {
  let out = '';
  for (const ch of s) out += next() < 0.5 ? ch.toUpperCase() : ch.toLowerCase();
  return out;
}
