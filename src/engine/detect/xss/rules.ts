/**
 * What makes a piece of HTML dangerous: tag names that run or load script or restyle the page,
 * attribute names that carry script, and URL attributes whose value uses a script scheme.
 * Lists written for vpatch from the HTML, SVG and legacy IE element/attribute sets.
 */

/** Lower-case ASCII copy of input[start, end), or '' when longer than `max` (never dangerous). */
export function lowerSlice(input: string, start: number, end: number, max: number): string {
  if (end - start > max) return '';
  return input.slice(start, end).toLowerCase();
}

const DANGEROUS_TAGS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'link', 'meta', 'style',
  'svg', 'math', 'xml', 'xss', 'noscript', 'isindex', 'import', 'vmlframe', 'handler', 'listener', 'comment',
  'portal', 'template', 'layer', 'ilayer', 'bgsound', 'xmp', 'plaintext', 'noembed', 'noframes', 'set', 'animate',
  'animatetransform', 'animatemotion', 'foreignobject', 'image', 'xsl', 'param', 'iframe2',
]);
/** Tag name prefixes that are dangerous whatever follows (svg:…, xsl:…, namespaced variants). */
const DANGEROUS_TAG_PREFIXES = ['svg', 'xsl', 'script'];

/**
 * True when a start tag with this name (any case) is dangerous. A namespace prefix is part of
 * the name, as in ModSecurity v3: `<svg:script>` is dangerous (svg…), `<x:script>` and
 * `<v:vmlframe>` are unknown elements to an HTML parser.
 */
export function isDangerousTag(input: string, start: number, end: number): boolean {
  const name = lowerSlice(input, start, end, 40);
  if (name === '') return false;
  if (DANGEROUS_TAGS.has(name)) return true;
  for (const p of DANGEROUS_TAG_PREFIXES) if (name.startsWith(p)) return true;
  return false;
}

export const enum AttrKind {
  Harmless = 0,
  /** runs script by itself when it has a value (event handlers, style, srcdoc) */
  Script = 1,
  /** holds a URL: dangerous when the URL uses a script scheme */
  Url = 2,
}

const SCRIPT_ATTRS = new Set(['style', 'srcdoc', 'behavior', 'behaviour', 'dynsrc', 'lowsrc', 'datasrc', 'datafld', 'seeksegmenttime', 'fscommand', 'background-image']);
const URL_ATTRS = new Set([
  'href', 'src', 'action', 'formaction', 'data', 'background', 'poster', 'codebase', 'code', 'archive', 'classid',
  'cite', 'longdesc', 'usemap', 'profile', 'icon', 'manifest', 'xlink:href', 'xml:base', 'to', 'from',
  'values', 'by', 'content', 'folder', 'ping', 'srcset', 'imagesrcset',
]);

export function attrKind(input: string, start: number, end: number): AttrKind {
  const name = lowerSlice(input, start, end, 40);
  if (name.length >= 5 && name.charCodeAt(0) === 0x6f && name.charCodeAt(1) === 0x6e) return AttrKind.Script; // on*
  if (SCRIPT_ATTRS.has(name)) return AttrKind.Script;
  // a namespace declaration brings in another vocabulary (XHTML script, SVG, XInclude)
  if (name === 'xmlns' || name.startsWith('xmlns:')) return AttrKind.Script;
  if (URL_ATTRS.has(name)) return AttrKind.Url;
  const colon = name.lastIndexOf(':');
  if (colon >= 0 && URL_ATTRS.has(name.slice(colon + 1))) return AttrKind.Url;
  return AttrKind.Harmless;
}

/**
 * True when the URL in input[start, end) uses a scheme that runs script: javascript:,
 * vbscript:, livescript:, or data: with anything but a raster image. Browsers ignore leading
 * spaces and control characters and tabs/newlines inside the scheme, so this does too.
 */
export function isScriptUrl(input: string, start: number, end: number): boolean {
  let scheme = '';
  let i = start;
  for (; i < end && scheme.length < 16; i++) {
    const c = input.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) continue;
    if (c === 0x3a) break;
    const l = c | 0x20;
    if (l < 0x61 || l > 0x7a) return false;
    scheme += String.fromCharCode(l);
  }
  if (i >= end || input.charCodeAt(i) !== 0x3a) return false;
  if (scheme === 'javascript' || scheme === 'vbscript' || scheme === 'livescript' || scheme === 'mocha') return true;
  if (scheme === 'data') {
    const rest = lowerSlice(input, i + 1, Math.min(end, i + 16), 16).trimStart();
    return !(rest.startsWith('image/') && !rest.startsWith('image/svg'));
  }
  return false;
}

/**
 * True for markup declarations that change how a document is parsed or loaded: IE conditional
 * comments, the `<?xml …` and `<?import …` processing instructions, processing instructions
 * that hold a backtick (shell execution in PHP), and DTD declarations (entities, elements, a
 * DOCTYPE with an internal subset).
 */
export function isDangerousComment(input: string, start: number, end: number): boolean {
  const head = lowerSlice(input, start, Math.min(end, start + 12), 12);
  if (head.startsWith('[if') || head.startsWith('![if')) return true;
  if (head.startsWith('?xml') || head.startsWith('?import')) return true;
  // a processing instruction with a backtick: PHP's shell execution, `<?php $r = \`id\`; ?>`
  if (head.startsWith('?')) {
    for (let i = start; i < end; i++) if (input.charCodeAt(i) === 0x60) return true;
  }
  if (head.startsWith('!entity') || head.startsWith('!element') || head.startsWith('!attlist')) return true;
  if (head.startsWith('!doctype')) return input.indexOf('[', start) >= 0 && input.indexOf('[', start) < end;
  return false;
}
