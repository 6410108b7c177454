/** One action as written in a rule's action list, e.g. `setvar:'tx.a=1'` → {name: 'setvar', value: 'tx.a=1'}. */
export interface RawAction {
  name: string;
  value: string | null;
}

/**
 * Splits a SecLang action list (`id:1,phase:2,msg:'a, b',t:none`) on the commas that are not
 * inside single quotes, and strips the quotes around values (`\'` inside them is a quote).
 */
export function parseActionList(text: string): RawAction[] {
  const actions: RawAction[] = [];
  const n = text.length;
  let pos = 0;
  while (pos < n) {
    while (pos < n && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === ',' || text[pos] === '\n' || text[pos] === '\r')) pos++;
    if (pos >= n) break;
    let nameEnd = pos;
    while (nameEnd < n && text[nameEnd] !== ':' && text[nameEnd] !== ',') nameEnd++;
    const name = text.slice(pos, nameEnd).trim();
    if (nameEnd >= n || text[nameEnd] === ',') {
      actions.push({ name, value: null });
      pos = nameEnd + 1;
      continue;
    }
    // Skip ':' and optional whitespace before the value.
    let v = nameEnd + 1;
    while (v < n && (text[v] === ' ' || text[v] === '\t')) v++;
    if (text[v] === "'") {
      let out = '';
      let j = v + 1;
      while (j < n) {
        const c = text[j]!;
        if (c === '\\' && text[j + 1] === "'") {
          out += "'";
          j += 2;
          continue;
        }
        if (c === "'") break;
        out += c;
        j++;
      }
      actions.push({ name, value: out });
      // Skip to the next comma after the closing quote.
      j++;
      while (j < n && text[j] !== ',') j++;
      pos = j + 1;
      continue;
    }
    let j = v;
    while (j < n && text[j] !== ',') j++;
    actions.push({ name, value: text.slice(v, j).trim() });
    pos = j + 1;
  }
  return actions;
}
