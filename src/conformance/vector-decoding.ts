/**
 * The SecRules test vectors write bytes as text escapes inside JSON strings. ModSecurity's
 * own runner replaces every `\xHH` with that byte and then every `\uHHHH` with one byte, the
 * low 8 bits; we do the same so that results compare as byte strings.
 */
const HEX_ESCAPE = /\\x([0-9a-fA-F]{2})/g;
const UNICODE_ESCAPE = /\\u([0-9a-fA-F]{4})/g;

export function decodeVectorBytes(text: string): string {
  // JSON.parse gave UTF-16 text; ModSecurity sees the file's UTF-8 bytes.
  return Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(HEX_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(UNICODE_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16) & 0xff));
}
