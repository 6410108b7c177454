/**
 * XSS detection: tokenize the input as HTML in each context a reflected value can land in
 * (text, inside a tag, unquoted / single / double / backtick-quoted attribute value) and report the first
 * dangerous piece: a script-capable tag, an event handler or style attribute with a value, a
 * URL attribute with a script scheme, or a legacy conditional comment.
 */
import { Ev, scanHtml, Start, type Sink } from './html-lexer.js';
import { AttrKind, attrKind, isDangerousComment, isDangerousTag, isScriptUrl } from './rules.js';

export interface XssResult {
  isXss: boolean;
  /** What matched, for logs: e.g. `tag:script`, `attr:onerror`, `url:href`. '' when none. */
  reason: string;
}

const NO_MATCH: XssResult = Object.freeze({ isXss: false, reason: '' }) as XssResult;

// Scan state shared by the sink (the detector is synchronous; one scan at a time).
let pendingKind: AttrKind = AttrKind.Harmless;
let pendingAttrStart = 0;
let pendingAttrEnd = 0;
let hitKind = '';
let hitStart = 0;
let hitEnd = 0;

function isQuote(c: number): boolean {
  return c === 0x22 || c === 0x27 || c === 0x60;
}

function hit(kind: string, start: number, end: number): true {
  hitKind = kind;
  hitStart = start;
  hitEnd = end;
  return true;
}

const sink: Sink = (ev, input, start, end, hasValue) => {
  switch (ev) {
    case Ev.TagOpen:
      pendingKind = AttrKind.Harmless;
      return isDangerousTag(input, start, end) ? hit('tag', start, end) : false;
    case Ev.TagClose:
      pendingKind = AttrKind.Harmless;
      return false;
    case Ev.AttrName: {
      pendingKind = AttrKind.Harmless;
      if (!hasValue) return false;
      const kind = attrKind(input, start, end);
      if (kind !== AttrKind.Harmless) {
        pendingKind = kind;
        pendingAttrStart = start;
        pendingAttrEnd = end;
      }
      return false;
    }
    case Ev.AttrValue: {
      const kind = pendingKind;
      pendingKind = AttrKind.Harmless;
      // an event handler or style needs a value: non-empty, or quoted (`style="`, as v3 reads it)
      if (kind === AttrKind.Script) return end > start || isQuote(input.charCodeAt(start - 1)) ? hit('attr', pendingAttrStart, pendingAttrEnd) : false;
      return kind === AttrKind.Url && isScriptUrl(input, start, end) ? hit('url', pendingAttrStart, pendingAttrEnd) : false;
    }
    case Ev.Comment:
      return isDangerousComment(input, start, end) ? hit('comment', start, Math.min(end, start + 8)) : false;
  }
  return false;
};

function run(input: string, start: Start): boolean {
  pendingKind = AttrKind.Harmless;
  return scanHtml(input, start, sink);
}

/** Detect XSS in a byte string (one code unit per byte). */
export function detectXss(input: string): XssResult {
  // every finding needs a tag (`<`) or an attribute value (`=`)
  const lt = input.indexOf('<');
  if (lt < 0 && input.indexOf('=') < 0) return NO_MATCH;
  let found = (lt >= 0 && run(input, Start.Data)) || run(input, Start.ValueUnquoted) || run(input, Start.InTag);
  if (!found && input.indexOf("'") >= 0) found = run(input, Start.ValueSingle);
  if (!found && input.indexOf('"') >= 0) found = run(input, Start.ValueDouble);
  if (!found && input.indexOf('`') >= 0) found = run(input, Start.ValueBacktick);
  if (!found) return NO_MATCH;
  return { isXss: true, reason: `${hitKind}:${input.slice(hitStart, Math.min(hitEnd, hitStart + 40)).toLowerCase()}` };
}

/** Boolean form for the hot path. */
export function isXss(input: string): boolean {
  return detectXss(input).isXss;
}
