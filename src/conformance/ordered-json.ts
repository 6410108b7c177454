/**
 * A JSON reader that keeps every member of an object, in order, duplicates included.
 * ModSecurity's regression cases repeat header names inside one `headers` object (two
 * `User-Agent` members, for example) and its runner (yajl) sends each of them; `JSON.parse`
 * would keep only the last one.
 */
export type OrderedJsonValue = null | boolean | number | string | OrderedJsonValue[] | OrderedJsonObject;

/** An object as its members in order: `[name, value]` pairs, names possibly repeated. */
export class OrderedJsonObject {
  constructor(readonly members: Array<[string, OrderedJsonValue]>) {}

  /**
   * The member called `name` as yajl-based readers see it: the last one wins, and when it
   * is an object, the members of every object of that name are merged in order (two
   * `expected` objects in one case both apply, field by field).
   */
  get(name: string): OrderedJsonValue | undefined {
    let found: OrderedJsonValue | undefined;
    for (const [k, v] of this.members) {
      if (k !== name) continue;
      found = v instanceof OrderedJsonObject && found instanceof OrderedJsonObject ? new OrderedJsonObject([...found.members, ...v.members]) : v;
    }
    return found;
  }
}

export function parseOrderedJson(text: string): OrderedJsonValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`JSON: ${what} at offset ${pos}`);
  };
  const ws = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos]!)) pos++;
  };
  const string = (): string => {
    pos++; // opening quote
    let out = '';
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text[pos++]!;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[pos++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = text.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 4;
          break;
        }
        default: fail(`bad escape \\${e}`);
      }
    }
  };
  const value = (): OrderedJsonValue => {
    ws();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const members: Array<[string, OrderedJsonValue]> = [];
      ws();
      if (text[pos] === '}') {
        pos++;
        return new OrderedJsonObject(members);
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail('expected a member name');
        const name = string();
        ws();
        if (text[pos++] !== ':') fail('expected ":"');
        members.push([name, value()]);
        ws();
        const sep = text[pos++];
        if (sep === '}') return new OrderedJsonObject(members);
        if (sep !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const items: OrderedJsonValue[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        const sep = text[pos++];
        if (sep === ']') return items;
        if (sep !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 64));
    if (m === null) fail('unexpected character');
    pos += m![0].length;
    return Number(m![0]);
  };
  const result = value();
  ws();
  if (pos !== text.length) fail('trailing characters');
  return result;
}
