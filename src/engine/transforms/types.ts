/**
 * A transformation (`t:name`). Values are *byte strings*: JavaScript strings in which
 * every code unit is one byte (0x00-0xFF), as produced by `Buffer#toString('latin1')`.
 * A transformation takes and returns a byte string and must be pure and total: it never
 * throws, whatever the input.
 */
export type Transform = (input: string) => string;

export interface TransformDefinition {
  /** Canonical name as written in SecLang, e.g. `urlDecodeUni`. */
  readonly name: string;
  /** Other accepted spellings, e.g. `normalisePath` for `normalizePath`. */
  readonly aliases?: readonly string[];
  readonly fn: Transform;
}
