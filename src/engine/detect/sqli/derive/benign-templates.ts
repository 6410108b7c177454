/**
 * Benign text generator: short everyday values (names, phrases, search queries, form fields)
 * combined from word lists, many of which are also SQL words, so that the fingerprints of
 * ordinary text are known and kept out of the attack table. Written for vpatch.
 */

const NAMES = [
  'Alice', 'Bob', "O'Brien", "D'Angelo", "O'Neil", 'Mary', 'John Smith', "Conan O'Hara", 'Jean-Luc', 'Zoë', 'Mr. Lee',
  "Dell'Orto", 'Anne-Marie', 'José', "N'Dour", 'McDonald',
];
const NOUNS = [
  'table', 'order', 'union', 'group', 'case', 'set', 'user', 'version', 'database', 'key', 'value', 'values', 'index',
  'view', 'trigger', 'function', 'procedure', 'limit', 'top', 'end', 'left', 'right', 'join', 'match', 'like', 'sleep',
  'count', 'char', 'character', 'schema', 'column', 'row', 'select', 'update', 'drop', 'delete', 'insert', 'shoes',
  'coffee', 'book', 'car', 'house', 'phone', 'password', 'account', 'email', 'name', 'address', 'file', 'print',
  'kill', 'backup', 'restore', 'load', 'call', 'show', 'lock', 'commit', 'merge', 'grant', 'interval',
  'year', 'month', 'day', 'hour', 'week', 'minute', 'second', 'position', 'format', 'field', 'request', 'row', 'rank',
  'lead', 'delay', 'time',
];
const ADJS = ['red', 'big', 'old', 'new', 'cheap', 'best', 'free', 'open', 'full', 'natural', 'inner', 'outer', 'cross', 'left', 'right', 'local', 'binary', 'unique', 'primary', 'default', 'distinct', 'all', 'any', 'some'];
const CONNECT = ['and', 'or', 'not', 'in', 'is', 'as', 'on', 'by', 'from', 'where', 'when', 'then', 'else', 'with', 'for', 'into', 'like', 'between', 'than', 'to', 'of', 'at', 'using', 'over', 'minus', 'except'];
const NUMS = ['1', '2', '10', '42', '2024', '3.5', '0', '100', '-1', '1,000', '7:30', '12/05', '1st', '2nd'];

function* pairs<A, B>(as: readonly A[], bs: readonly B[]): Generator<[A, B]> {
  for (const a of as) for (const b of bs) yield [a, b];
}

export function generateBenign(): string[] {
  const out = new Set<string>();
  for (const [a, c] of pairs(NOUNS, CONNECT)) {
    out.add(`${a} ${c}`);
    out.add(`${c} ${a}`);
    // quoted words joined by a connective: 'column' else 'delete', "order" by "date"
    const b = NOUNS[(a.length * 11 + c.length * 5) % NOUNS.length]!;
    out.add(`'${a}' ${c} '${b}'`);
    out.add(`"${a}" ${c} "${b}"`);
    out.add(`${a} ${c} '${b}'`);
    // search queries with an excluded word and a phrase: union -insert "right sleep"
    const adj = ADJS[(a.length * 3 + c.length) % ADJS.length]!;
    out.add(`${a} -${b} "${adj} ${b}"`);
    out.add(`${b} -${a} "${adj} ${a}"`);
    for (const b of ['shoes', 'coffee', 'table', 'order', 'user', '2', 'time', 'sleep', 'count']) {
      out.add(`${a} ${c} ${b}`);
      out.add(`the ${a} ${c} the ${b}`);
    }
  }
  for (const [adj, n] of pairs(ADJS, NOUNS)) {
    out.add(`${adj} ${n}`);
    out.add(`${adj} ${n}s`);
    // adjective, noun, connective, noun: "best select in password", "full case when shoes"
    const c = CONNECT[(adj.length * 7 + n.length) % CONNECT.length]!;
    const m = NOUNS[(adj.length * 13 + n.length * 3) % NOUNS.length]!;
    out.add(`${adj} ${n} ${c} ${m}`);
    out.add(`${adj} ${n} ${CONNECT[(n.length * 5) % CONNECT.length]!} the ${m}`);
  }
  for (const [num, n] of pairs(NUMS, NOUNS)) {
    out.add(`${num} ${n}`);
    out.add(`${n} ${num}`);
    out.add(`${n} ${num} or ${num}`);
    out.add(`${num} ${n} and ${num} ${n}`);
    out.add(`${n} (${num})`);
    out.add(`${n}: ${num}`);
    out.add(`${n} #${num}`);
    out.add(`${n} - ${num}`);
  }
  for (const [name, n] of pairs(NAMES, NOUNS)) {
    out.add(name);
    out.add(`${name}'s ${n}`);
    out.add(`${name} ${n}`);
    out.add(`${n} by ${name}`);
    out.add(`${name}, ${n}`);
    out.add(`"${n}" by ${name}`);
    out.add(`'${n}' by ${name}`);
    out.add(`${name} said "${n}"`);
    out.add(`${name} said '${n}'`);
    out.add(`${name}'s ${n} is ${NUMS[n.length % NUMS.length]}`);
  }
  for (const [name, c] of pairs(NAMES, CONNECT)) {
    out.add(`${name} ${c} ${NAMES[(name.length + c.length) % NAMES.length]}`);
    out.add(`${name}'s ${c} it's`);
    out.add(`it's ${c} ${name}'s`);
    out.add(`I'm ${c} you're`);
    out.add(`"${name}" ${c} "${c}"`);
    out.add(`'${name}' ${c} '${c}'`);
    out.add(`it's ${c} 1`);
    out.add(`it's ${c} ${name}`);
    out.add(`don't ${c} won't`);
    out.add(`can't ${c} 2 or 3`);
  }
  for (const [a, b] of pairs(NUMS, NUMS)) {
    out.add(`${a}-${b}`);
    out.add(`${a} - ${b}`);
    out.add(`${a} to ${b}`);
    out.add(`${a} or ${b}`);
    out.add(`${a} and ${b}`);
    out.add(`${a}/${b}`);
    out.add(`${a}x${b}`);
    out.add(`${a} x ${b}`);
    out.add(`${a}, ${b}`);
    out.add(`${a}; ${b}`);
    out.add(`(${a}) ${b}`);
    out.add(`${a}'${b}"`);
    out.add(`${a}" x ${b}"`);
  }
  return [...out];
}
