/**
 * A small HTML tokenizer, modelled on the states of the HTML5 tokenizer that matter for
 * script injection: text, tags, attribute names, attribute values (unquoted, '…', "…", `…`),
 * comments and processing instructions. It reads a byte string once, left to right, and reports
 * each piece to a callback; it never backtracks, so it is linear in the input length.
 *
 * It can start in the middle of an attribute value, which is where a reflected value often
 * lands (`<a title="INPUT">`): the value runs to its closing quote and the tag continues.
 */

export const enum Start {
  /** Text between tags. */
  Data = 0,
  /** Inside an unquoted attribute value: runs to whitespace or `>`. */
  ValueUnquoted = 1,
  /** Inside '…' */
  ValueSingle = 2,
  /** Inside "…" */
  ValueDouble = 3,
  /** Inside `…` (old IE quoted attribute values with backticks) */
  ValueBacktick = 4,
  /** Inside a start tag, where an attribute name can begin (`<div INPUT>`) */
  InTag = 5,
}

export const enum Ev {
  /** `<name`: start of a start tag */
  TagOpen = 1,
  /** `</name`: start of an end tag */
  TagClose = 2,
  /** attribute name; `hasValue` tells whether `=` follows */
  AttrName = 3,
  /** attribute value (without quotes) */
  AttrValue = 4,
  /** `<!--…-->`, `<!…>` or `<?…>`: the text between the markers */
  Comment = 5,
}

/**
 * Receives each piece as a slice [start, end) of the input. Returning true stops the scan
 * (the caller found what it was looking for).
 */
export type Sink = (ev: Ev, input: string, start: number, end: number, hasValue: boolean) => boolean;

function isSpace(c: number): boolean {
  // HTML whitespace, plus the other C0 controls that browsers skip between attributes
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0 || c === 0x2f; /* / between attributes */
}

function isAsciiAlpha(c: number): boolean {
  c |= 0x20;
  return c >= 0x61 && c <= 0x7a;
}

/** Scan `input` from the given start state; true when the sink stopped the scan. */
export function scanHtml(input: string, start: Start, sink: Sink): boolean {
  const len = input.length;
  let i = 0;
  if (start === Start.InTag) {
    i = attributes(input, 0, sink);
    if (i < 0) return true;
  } else if (start !== Start.Data) {
    // finish the value we start inside, then carry on with the rest of the tag
    let end: number;
    if (start === Start.ValueUnquoted) {
      end = 0;
      while (end < len) {
        const c = input.charCodeAt(end);
        if (c === 0x3e || c === 0x20 || (c >= 0x09 && c <= 0x0d)) break;
        end++;
      }
    } else {
      const q = start === Start.ValueSingle ? "'" : start === Start.ValueDouble ? '"' : '`';
      end = input.indexOf(q);
      if (end < 0) return sink(Ev.AttrValue, input, 0, len, false);
    }
    if (sink(Ev.AttrValue, input, 0, end, false)) return true;
    i = start === Start.ValueUnquoted ? end : end + 1;
    i = attributes(input, i, sink);
    if (i < 0) return true;
  }
  while (i < len) {
    const lt = input.indexOf('<', i);
    if (lt < 0 || lt + 1 >= len) return false;
    const c = input.charCodeAt(lt + 1);
    if (isAsciiAlpha(c)) {
      let j = lt + 1;
      // a `<` inside a tag name ends it here (HTML5 would keep it): `<scr<script>` hides a tag
      while (j < len && !isSpace(input.charCodeAt(j)) && input.charCodeAt(j) !== 0x3e && input.charCodeAt(j) !== 0x3c) j++;
      if (sink(Ev.TagOpen, input, lt + 1, j, false)) return true;
      i = attributes(input, j, sink);
      if (i < 0) return true;
    } else if (c === 0x2f /* / */ && lt + 2 < len && isAsciiAlpha(input.charCodeAt(lt + 2))) {
      let j = lt + 2;
      while (j < len && !isSpace(input.charCodeAt(j)) && input.charCodeAt(j) !== 0x3e) j++;
      if (sink(Ev.TagClose, input, lt + 2, j, false)) return true;
      i = attributes(input, j, sink);
      if (i < 0) return true;
    } else if (c === 0x21 /* ! */) {
      if (input.startsWith('--', lt + 2)) {
        const close = input.indexOf('-->', lt + 4);
        const end = close < 0 ? len : close;
        if (sink(Ev.Comment, input, lt + 4, end, false)) return true;
        i = close < 0 ? len : close + 3;
      } else {
        const close = input.indexOf('>', lt + 2);
        const end = close < 0 ? len : close;
        if (sink(Ev.Comment, input, lt + 1, end, false)) return true;
        i = close < 0 ? len : close + 1;
      }
    } else if (c === 0x3f /* ? */) {
      const close = input.indexOf('>', lt + 2);
      const end = close < 0 ? len : close;
      if (sink(Ev.Comment, input, lt + 1, end, false)) return true;
      i = close < 0 ? len : close + 1;
    } else {
      i = lt + 1; // a lone `<` is text
    }
  }
  return false;
}

/**
 * Attributes of a tag from `i` up to its `>`. Returns the index after the tag, or -1 when the
 * sink stopped the scan.
 */
function attributes(input: string, i: number, sink: Sink): number {
  const len = input.length;
  for (;;) {
    while (i < len && isSpace(input.charCodeAt(i))) i++;
    if (i >= len) return len;
    if (input.charCodeAt(i) === 0x3e) return i + 1;
    // a `<` where a name should start: leave the tag so that the next tag is seen
    if (input.charCodeAt(i) === 0x3c) return i;
    // attribute name: up to whitespace, /, > or = (an = in first place belongs to the name)
    const ns = i;
    i++;
    while (i < len) {
      const c = input.charCodeAt(i);
      if (isSpace(c) || c === 0x3e || c === 0x3d) break;
      i++;
    }
    const ne = i;
    let k = i;
    while (k < len && isSpace(input.charCodeAt(k)) && input.charCodeAt(k) !== 0x2f) k++;
    const hasValue = k < len && input.charCodeAt(k) === 0x3d;
    if (sink(Ev.AttrName, input, ns, ne, hasValue)) return -1;
    if (!hasValue) continue;
    i = k + 1;
    while (i < len && isSpace(input.charCodeAt(i)) && input.charCodeAt(i) !== 0x2f) i++;
    if (i >= len) return len;
    const q = input.charCodeAt(i);
    if (q === 0x22 || q === 0x27 || q === 0x60) {
      const close = input.indexOf(String.fromCharCode(q), i + 1);
      const ve = close < 0 ? len : close;
      if (sink(Ev.AttrValue, input, i + 1, ve, false)) return -1;
      i = close < 0 ? len : close + 1;
    } else {
      const vs = i;
      while (i < len) {
        const c = input.charCodeAt(i);
        if (c === 0x3e || c === 0x20 || (c >= 0x09 && c <= 0x0d)) break;
        i++;
      }
      if (sink(Ev.AttrValue, input, vs, i, false)) return -1;
    }
  }
}
