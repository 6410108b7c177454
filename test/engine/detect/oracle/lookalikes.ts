/**
 * Benign look-alikes for the agreement test (held out: the derivation never reads them):
 * names with apostrophes, prose that uses SQL words, code, JSON, search queries, URLs,
 * e-mail addresses, dates, numbers, prices, phone numbers. Seeded, deterministic; written for
 * vpatch.
 */
import { rng } from '../../../../src/engine/detect/sqli/derive/probes.js';

const W = (s: string) => s.split(/\s+/).filter(Boolean);

const FIRST = W("Anna Ben Chloé Dmitri Emma Farid Grace Hiro Ines Jack Kofi Lena Marco Nadia Owen Priya Quinn Rosa Sam Tariq Uma Viktor Wei Xena Yusuf Zoe");
const LAST = W("O'Brien O'Neill D'Souza D'Arcy Dell'Acqua L'Amour McCarthy Smith García Nguyen Müller Rossi Kowalski Okafor N'Diaye O'Connor Van-Dyke St.John");
const PLACES = W("Paris London Berlin Lagos Tokyo Lima Oslo Cairo Dublin Austin Seoul Quebec Kraków Zürich Côte-d'Ivoire");
const NOUNS = W("order table union select group case set user version database key value index view trigger function procedure limit top end left right join match like sleep count char schema column row update drop delete insert shoes coffee book car phone password account email name address file print kill backup restore load call show lock commit merge grant interval year month day hour week time table chair lamp desk report invoice ticket");
const VERBS = W("select update delete drop insert order group join match sort filter union merge exec call load show grant lock commit cancel create alter rename");
const ADJ = W("red big old new cheap best free open full natural inner outer cross left right local binary unique primary default distinct all any some");
const CONN = W("and or not in is as on by from where when then else with for into like between than to of at using over");
const TLDS = W("com org net io co.uk de fr");

function pick<T>(r: () => number, a: readonly T[]): T {
  return a[Math.floor(r() * a.length)]!;
}
const num = (r: () => number, max: number) => Math.floor(r() * max);

type Gen = (r: () => number) => string;
const GENS: Gen[] = [
  (r) => `${pick(r, FIRST)} ${pick(r, LAST)}`,
  (r) => `${pick(r, LAST)}, ${pick(r, FIRST)}`,
  (r) => `${pick(r, FIRST)}'s ${pick(r, NOUNS)}`,
  (r) => `${pick(r, FIRST)} ${pick(r, LAST)}'s ${pick(r, ADJ)} ${pick(r, NOUNS)}`,
  (r) => `I'd like to ${pick(r, VERBS)} my ${pick(r, NOUNS)} ${pick(r, CONN)} the ${pick(r, NOUNS)}`,
  (r) => `Please ${pick(r, VERBS)} the ${pick(r, ADJ)} ${pick(r, NOUNS)} ${pick(r, CONN)} ${pick(r, NOUNS)} ${num(r, 100)}`,
  (r) => `${pick(r, ADJ)} ${pick(r, NOUNS)} ${pick(r, CONN)} ${pick(r, NOUNS)}`,
  (r) => `${pick(r, NOUNS)} ${pick(r, CONN)} ${pick(r, NOUNS)} ${pick(r, CONN)} ${pick(r, NOUNS)}`,
  (r) => `the ${pick(r, NOUNS)} ${pick(r, CONN)} the ${pick(r, NOUNS)} is ${num(r, 50)}`,
  (r) => `we can't ${pick(r, VERBS)} it, ${pick(r, CONN)} it's ${pick(r, ADJ)}`,
  (r) => `"${pick(r, NOUNS)}" ${pick(r, CONN)} "${pick(r, NOUNS)}"`,
  (r) => `'${pick(r, NOUNS)}' ${pick(r, CONN)} '${pick(r, NOUNS)}'`,
  (r) => `${pick(r, NOUNS)} ${pick(r, NOUNS)} ${pick(r, ADJ)} size ${num(r, 15)} or ${num(r, 15)}`,
  (r) => `${pick(r, NOUNS)} -${pick(r, NOUNS)} "${pick(r, ADJ)} ${pick(r, NOUNS)}"`,
  (r) => `${pick(r, FIRST).toLowerCase()}.${pick(r, LAST).toLowerCase().replace(/'/g, '')}@example.${pick(r, TLDS)}`,
  (r) => `${pick(r, FIRST).toLowerCase()}+${pick(r, NOUNS)}@mail.example.${pick(r, TLDS)}`,
  (r) => `https://www.example.${pick(r, TLDS)}/${pick(r, NOUNS)}/${num(r, 9999)}?${pick(r, NOUNS)}=${pick(r, NOUNS)}&page=${num(r, 20)}`,
  (r) => `/api/v${1 + num(r, 3)}/${pick(r, NOUNS)}s/${num(r, 100000)}/${pick(r, NOUNS)}`,
  (r) => `${2000 + num(r, 30)}-${String(1 + num(r, 12)).padStart(2, '0')}-${String(1 + num(r, 28)).padStart(2, '0')}`,
  (r) => `${1 + num(r, 28)}/${1 + num(r, 12)}/${2000 + num(r, 30)} ${num(r, 24)}:${String(num(r, 60)).padStart(2, '0')}`,
  (r) => `${2000 + num(r, 30)}-${String(1 + num(r, 12)).padStart(2, '0')}-01T${String(num(r, 24)).padStart(2, '0')}:00:00Z`,
  (r) => `${num(r, 100000)}`,
  (r) => `${num(r, 1000)}.${num(r, 100)}`,
  (r) => `$${num(r, 1000)}.${String(num(r, 100)).padStart(2, '0')}`,
  (r) => `+1 (${100 + num(r, 900)}) ${100 + num(r, 900)}-${1000 + num(r, 9000)}`,
  (r) => `${num(r, 10)} ${pick(r, NOUNS)}s and ${num(r, 10)} ${pick(r, NOUNS)}s`,
  (r) => `{"${pick(r, NOUNS)}":"${pick(r, NOUNS)}","id":${num(r, 1000)},"${pick(r, NOUNS)}":${pick(r, ['true', 'false', 'null'])}}`,
  (r) => `{"filter":{"${pick(r, NOUNS)}":["${pick(r, ADJ)}","${pick(r, ADJ)}"]},"${pick(r, NOUNS)}":"${pick(r, ADJ)}"}`,
  (r) => `[${num(r, 10)},${num(r, 10)},${num(r, 10)}]`,
  (r) => `if (${pick(r, NOUNS)} > ${num(r, 10)}) { return ${pick(r, NOUNS)}; }`,
  (r) => `const ${pick(r, NOUNS)} = ${pick(r, NOUNS)}.${pick(r, VERBS)}(${pick(r, NOUNS)}, ${num(r, 9)});`,
  (r) => `for (let i = 0; i < ${pick(r, NOUNS)}.length; i++) total += i;`,
  (r) => `def ${pick(r, VERBS)}_${pick(r, NOUNS)}(self, ${pick(r, NOUNS)}): return None`,
  (r) => `${pick(r, NOUNS)}.${pick(r, VERBS)}(${pick(r, ['', '"x"', '1', 'true'])})`,
  (r) => `Math.max(${num(r, 9)}, ${num(r, 9)}) + Math.round(${num(r, 99)} / 3)`,
  (r) => `=SUM(A1:A${num(r, 99)})`,
  (r) => `=IF(B${num(r, 9)}>${num(r, 99)},"yes","no")`,
  (r) => `${pick(r, PLACES)}, ${pick(r, PLACES)} & ${pick(r, PLACES)}`,
  (r) => `Flat ${num(r, 30)}, ${num(r, 200)} ${pick(r, LAST)} Street, ${pick(r, PLACES)}`,
  (r) => `It's ${num(r, 12)} o'clock in ${pick(r, PLACES)} -- ${pick(r, FIRST)}`,
  (r) => `${pick(r, FIRST)} (${pick(r, NOUNS)}) ${pick(r, CONN)} ${pick(r, FIRST)} (${pick(r, NOUNS)})`,
  (r) => `${pick(r, NOUNS)} #${num(r, 100)} - ${pick(r, ADJ)} ${pick(r, NOUNS)}`,
  (r) => `Re: ${pick(r, NOUNS)} ${pick(r, NOUNS)}; ${pick(r, FIRST)} wrote: "${pick(r, VERBS)} the ${pick(r, NOUNS)}?"`,
  (r) => `${pick(r, ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.4.0'])} AppleWebKit/537.${num(r, 40)}`,
  (r) => `session=${num(r, 1e9).toString(16)}; theme=${pick(r, ADJ)}; lang=en-US`,
  (r) => `${pick(r, NOUNS)}_${pick(r, NOUNS)}_${num(r, 100)}`,
  (r) => `SKU-${num(r, 10000)}-${pick(r, ADJ).toUpperCase()}`,
  (r) => `${num(r, 100)}% off ${pick(r, ADJ)} ${pick(r, NOUNS)}s (${num(r, 10)} left)`,
  (r) => `${pick(r, FIRST)} said: "it's ${pick(r, ADJ)}, isn't it?"`,
  (r) => `rock 'n' roll ${pick(r, CONN)} the '${num(r, 100)}s`,
];

/** `count` distinct look-alikes (byte strings) from `seed`. */
export function generateLookalikes(seed: number, count: number): string[] {
  const r = rng(seed);
  const out = new Set<string>();
  let guard = count * 5;
  while (out.size < count && guard-- > 0) out.add(Buffer.from(pick(r, GENS)(r), 'utf8').toString('latin1'));
  return [...out];
}
