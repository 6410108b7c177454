/**
 * Exploration values for the derivation: random but seeded sequences of SQL-ish tokens
 * (numbers, strings, names, variables, keywords of every class, operators, punctuation,
 * comments) after a random breakout and with random spacing, plus everyday text that uses
 * SQL words. ModSecurity v3 labels each one (see v3-labels.ts); the derivation learns which of
 * vpatch's fingerprints v3 flags from those labels. Every string here was written for vpatch.
 */

/** Small seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

const BREAKOUTS = [
  '', '', '', '1', '0', '-1', '9999', '1.5', "'", "1'", "x'", "admin'", "' ", '"', '1"', 'x"', "')", '1)', "'))", '"))', '")',
  "1')", 'a', 'id', '`a`', '@a', '%', "%'", "x' ", '1 ', '0x1', "''", '\\', "\\'", "1'/*", '(', '((', "'(", '1,', "', ",
];
const NUMBERS = words('1 0 2 9 99 1234 1.5 .5 1. 1e3 1E-2 0x41 0X7e 0b1 1abc 2024-01-01 \\N 00');
const STRINGS = ["'a'", '"a"', "''", '""', "'x''y'", "N'a'", "_utf8'a'", "x'41'", "b'1'", '$$a$$', "'1'", "'admin'", '"x y"', "'%'", "E'a'", "'a"];
const NAMES = words('a b x id name users user_id tbl t1 a.b x.y.z $a a$b db.dbo.t _a a1 A foo bar ab_c');
const QUOTED_NAMES = ['`a`', '`x y`', '[a]', '[dbo]', '`id`'];
const VARIABLES = words('@a @@version @@VERSION @x.y @`a` @"a" @1 @@global.x @');
const KEYWORDS = words(`select SELECT Select insert update create set case delete drop exec execute declare call begin while
  use go print union UNION except intersect limit having from where as into join values when then else end on by
  table top asc desc outfile schema index interval in like rlike regexp is between sounds div mod not and or xor AND OR
  null NULL true false int varchar binary collate char all distinct any some exists procedure fetch offset alter grant
  load kill delay time with for do to of each match against using group order partition waitfor shutdown handler
  database user password current_user current_date localtime`);
const PHRASES = ['union all', 'UNION ALL', 'union distinct', 'group by', 'order by', 'ORDER BY', 'waitfor delay', 'is not', 'not like', 'not in', 'not between', 'left join', 'inner join', 'into outfile', 'select distinct', 'select all', 'sounds like', 'similar to', 'is null', 'for update', 'lock in share mode'];
const FUNCTIONS = words(`sleep version concat char ascii substring substr mid hex unhex if iif ifnull coalesce cast convert
  benchmark pg_sleep extractvalue updatexml md5 sha1 load_file group_concat count max min sum avg sqrt round floor rand
  now left right lower upper length len date year row exists database user password current_user xp_cmdshell lo_get
  json_extract nvl decode encode chr ord instr locate strcmp make_set elt name_const randomblob sqlite_version`);
const OPERATORS = words('= = = < > <> != <= >= <=> + - * / % | & ^ :: := ! ~ || && -> ->> << >> == !<');
const PUNCT = ['(', '(', ')', ')', ',', ';', '.', ':', '{', '}', '\\', '?', '[', ']', '$'];
const COMMENTS = ['/**/', '/*x*/', '/* a b */', '/*!*/', '/*!50000', '/*!or*/', '--', '-- x', '#', '# a', '/*', '*/', '-- -', '--+', ';--'];
const SEPS = [' ', ' ', ' ', ' ', ' ', '', '', '/**/', '\t', '\n', '  ', '/*x*/', '+', '%20', '\r\n', '\v', '\xa0'];
const SUFFIXES = ['', '', '', '', ' --', '--', '#', ' -- x', ' #', '/*', "'", '"', ')', ';', ' limit 1', "' and '1'='1", ' -- -', ';--', "'--", '")', ' or 1=1', "'='", '%00', "'#", ' asc', ')--'];
const PROSE = words(`the a of to in is it you that he was for on are with as his they be at one have this from or had
  by word but what some we can out other were all there when up use your how said an each she which do their time if will
  way about many then them write would like so these her long make thing see him two has look more day could go come did
  number sound no most people my over know water than call first who may down side been now find any new work part take
  get place made live where after back little only round man year came show every good me give our under name very
  through just form sentence great think say help low line differ turn cause much mean before move right boy old too
  same tell does set three want air well also play small end put home read hand port large spell add even land here
  must big high such follow act why ask men change went light kind off need house picture try us again animal point
  mother world near build self earth father head stand own page should country found answer school grow study still
  learn plant cover food sun four between state keep eye never last let thought city tree cross farm hard start might
  story saw far sea draw left late run don't while press close night real life few north open seem together next white
  children begin got walk example ease paper group always music those both mark often letter until mile river car feet
  care second book carry took science eat room friend began idea fish mountain stop once base hear horse cut sure watch
  color face wood main enough plain girl usual young ready above ever red list though feel talk bird soon body dog
  family direct pose leave song measure door product black short numeral class wind question happen complete ship area
  half rock order fire south problem piece told knew pass since top whole king space heard best hour better true during
  hundred five remember step early hold west ground interest reach fast verb sing listen six table travel less morning
  ten simple several vowel toward war lay against pattern slow center love person money serve appear road map rain rule
  govern pull cold notice voice unit power town fine certain fly fall lead cry dark machine note wait plan figure star
  box noun field rest correct able pound done beauty drive stood contain front teach week final gave green oh quick
  develop ocean warm free minute strong special mind behind clear tail produce fact street inch multiply nothing course
  stay wheel full force blue object decide surface deep moon island foot system busy test record boat common gold
  possible plane stead dry wonder laugh thousand ago ran check game shape equate hot miss brought heat snow tire bring
  yes distant fill east paint language among`);
const NAMES_APOS = ["O'Brien", "D'Angelo", "O'Neil", "Conan O'Hara", "Dell'Orto", "N'Dour", "L'Oréal", "Chris'", "it's", "don't", "we're", "rock 'n' roll", "'90s", "'quoted'", '"quoted"', 'say "hi"'];

function pick<T>(r: () => number, a: readonly T[]): T {
  return a[Math.floor(r() * a.length)]!;
}

function randCase(r: () => number, w: string): string {
  const x = r();
  if (x < 0.5) return w;
  if (x < 0.7) return w.toUpperCase();
  if (x < 0.85) return w.toLowerCase();
  let out = '';
  for (const c of w) out += r() < 0.5 ? c.toUpperCase() : c.toLowerCase();
  return out;
}

function sqlToken(r: () => number): string {
  const x = r();
  if (x < 0.13) return pick(r, NUMBERS);
  if (x < 0.22) return pick(r, STRINGS);
  if (x < 0.3) return pick(r, NAMES);
  if (x < 0.32) return pick(r, QUOTED_NAMES);
  if (x < 0.35) return pick(r, VARIABLES);
  if (x < 0.53) return randCase(r, pick(r, KEYWORDS));
  if (x < 0.57) return randCase(r, pick(r, PHRASES));
  if (x < 0.66) {
    const f = randCase(r, pick(r, FUNCTIONS));
    const y = r();
    return y < 0.6 ? f + '(' : y < 0.75 ? f + ' (' : y < 0.85 ? f + '()' : f;
  }
  if (x < 0.8) return pick(r, OPERATORS);
  if (x < 0.94) return pick(r, PUNCT);
  return pick(r, COMMENTS);
}

/** One exploration value. */
function probe(r: () => number): string {
  const kind = r();
  if (kind < 0.12) {
    // everyday text with SQL words, names and numbers
    const n = 1 + Math.floor(r() * 7);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const y = r();
      parts.push(y < 0.55 ? pick(r, PROSE) : y < 0.7 ? pick(r, KEYWORDS) : y < 0.8 ? pick(r, NUMBERS) : y < 0.9 ? pick(r, NAMES_APOS) : pick(r, ['(', ')', ',', '.', '-', ':', '!', '?', '&', '/', '#', '"', "'", '@', '=', '+', '%']));
    }
    return parts.join(r() < 0.8 ? ' ' : pick(r, ['', ', ', '-', '_', '/']));
  }
  let s = pick(r, BREAKOUTS);
  const n = 1 + Math.floor(r() * 7);
  const sep = pick(r, SEPS);
  for (let i = 0; i < n; i++) {
    const tok = sqlToken(r);
    s += (i === 0 && s === '' ? '' : r() < 0.7 ? sep : pick(r, SEPS)) + tok;
  }
  return s + pick(r, SUFFIXES);
}

/** `count` exploration values from `seed` (deterministic), without duplicates. */
export function generateProbes(seed: number, count: number): string[] {
  const r = rng(seed);
  const seen = new Set<string>();
  let guard = count * 4;
  while (seen.size < count && guard-- > 0) {
    const v = probe(r);
    if (v !== '') seen.add(Buffer.from(v, 'utf8').toString('latin1'));
  }
  return [...seen];
}

const MUT_FUNCS = FUNCTIONS.concat(words('json_keys gtid_subset dbms_pipe.receive_message utl_inaddr.get_host_name exp floor rand char_length'));
const STARTS = words('select SELECT union UNION except if IF for FOR while case CASE from FROM where and AND or OR not exec declare set insert update');

/** A mutation of a real-looking payload: names, numbers, spacing, case, cut short. */
function mutate(r: () => number, base: string): string {
  let s = base;
  const x = r();
  // swap function names, sometimes with a space before `(`
  s = s.replace(/\b([A-Za-z_][A-Za-z_.]*)\s*\(/g, (m, _f: string) =>
    r() < 0.5 ? m : `${pick(r, MUT_FUNCS)}${r() < 0.3 ? ' ' : ''}(`,
  );
  if (x < 0.3) s = s.replace(/\b\d+\b/g, (m) => (r() < 0.5 ? m : pick(r, NUMBERS)));
  if (r() < 0.4) {
    const sep = pick(r, SEPS);
    s = s.replace(/ /g, () => (r() < 0.7 ? sep : ' '));
  }
  if (r() < 0.3) s = randCase(r, s);
  if (r() < 0.25) s = pick(r, STARTS) + pick(r, [' ', ' (', '(', ' /**/']) + s;
  if (r() < 0.3) {
    // cut short at a random place, as length limits and partial payloads do
    s = s.slice(0, 1 + Math.floor(r() * s.length));
  }
  if (r() < 0.2) s += pick(r, SUFFIXES);
  return s;
}

/** `count` mutations of `bases` from `seed` (deterministic), without duplicates. */
export function generateMutations(seed: number, count: number, bases: readonly string[]): string[] {
  const r = rng(seed);
  const seen = new Set<string>();
  let guard = count * 4;
  while (seen.size < count && guard-- > 0) {
    const v = mutate(r, pick(r, bases));
    if (v !== '') seen.add(v);
  }
  return [...seen];
}

/** Representatives of each token class, for fingerprint-shaped probes. */
const SHAPE_CLASSES: string[][] = [
  NUMBERS,
  STRINGS,
  NAMES.concat(QUOTED_NAMES),
  VARIABLES,
  words('from where as into values top schema interval match against each delay time in'),
  ['union', 'UNION ALL', 'except', 'intersect', 'union distinct'],
  words('select insert update create set case SELECT'),
  ['drop', 'exec', 'declare', 'shutdown', 'waitfor delay', 'begin', 'while', 'delete', 'use', 'call'],
  ['order by', 'group by', 'limit', 'having', 'ORDER BY'],
  FUNCTIONS.map((f) => f + '('),
  FUNCTIONS.map((f) => f + ' ('),
  FUNCTIONS,
  words('= < > <> != <= >= + - * / % | & ^ :: like is between div not rlike regexp'),
  words('and or xor && || AND OR'),
  ['--', '#', '/**/', '-- x', '/* a */'],
  ['(', '(', ')', ')', ',', ';', '.', ':', '{', '}', '\\'],
  words('int varchar binary char collate'),
];
const SHAPE_PREFIXES = ['', '', '', "'", '"', "x'", 'x"', "1'", '1"', "')", '")', '1)', "admin'", "' ", '1 '];

/** Values built from random sequences of token classes (2 to 6), each class rendered by a representative. */
export function generateShapes(seed: number, count: number): string[] {
  const r = rng(seed);
  const seen = new Set<string>();
  let guard = count * 4;
  while (seen.size < count && guard-- > 0) {
    const n = 2 + Math.floor(r() * 5);
    let v = pick(r, SHAPE_PREFIXES);
    for (let i = 0; i < n; i++) {
      const tok = randCase(r, pick(r, pick(r, SHAPE_CLASSES)));
      v += (v === '' || r() < 0.15 ? '' : r() < 0.9 ? ' ' : pick(r, SEPS)) + tok;
    }
    if (r() < 0.3) v += pick(r, SUFFIXES);
    seen.add(Buffer.from(v, 'utf8').toString('latin1'));
  }
  return [...seen];
}

/** One or two renderings of each token class, for the enumeration of class sequences. */
const CLASS_RENDER: Record<string, string[]> = {
  '1': ['1', '0x41'],
  s: ["'a'", '"b"'],
  n: ['id', 'x.y'],
  v: ['@a', 'null'],
  k: ['from', 'top'],
  U: ['union', 'union all'],
  E: ['select', 'case'],
  T: ['drop', 'exec'],
  B: ['order by', 'limit'],
  f: ['concat', 'sleep'],
  F: ['version', 'ascii'],
  G: ['count', 'left'],
  o: ['=', 'like'],
  '&': ['or', '&&'],
  '(': ['('],
  ')': [')'],
  ',': [','],
  ';': [';'],
  t: ['int'],
};
const CLASS_KEYS = Object.keys(CLASS_RENDER);
const ENUM_PREFIXES = ['', "x'", 'x"'];

function renderSequence(classes: string[], variant: number): string {
  let out = '';
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i]!;
    const list = CLASS_RENDER[c]!;
    const tok = list[(variant + i) % list.length]!;
    // a function name is a call only with its `(` right after it
    const glue = i > 0 && classes[i - 1] === 'f' && c === '(';
    out += (i === 0 || glue ? '' : ' ') + tok;
  }
  return out;
}

/**
 * Every sequence of 2 to `full` token classes, and `sampled` random longer ones (up to 5),
 * rendered with one representative a class, as is and after a quote: the fingerprint space
 * itself, so that the table learns short and unusual fingerprints too.
 */
export function generateEnumeration(seed: number, full: number, sampled: number): string[] {
  const seen = new Set<string>();
  const add = (classes: string[], variant: number) => {
    for (const p of ENUM_PREFIXES) {
      const body = renderSequence(classes, variant);
      seen.add(p === '' ? body : `${p} ${body}`);
    }
  };
  const rec = (prefix: string[]) => {
    if (prefix.length >= 2) add(prefix, prefix.length);
    if (prefix.length === full) return;
    for (const c of CLASS_KEYS) rec([...prefix, c]);
  };
  rec([]);
  const r = rng(seed);
  for (let i = 0; i < sampled; i++) {
    const n = full + 1 + Math.floor(r() * Math.max(1, 5 - full));
    const classes = Array.from({ length: n }, () => pick(r, CLASS_KEYS));
    add(classes, Math.floor(r() * 2));
    if (r() < 0.3) seen.add(renderSequence(classes, 0) + pick(r, [' --', '--', ' #', '/**/']));
  }
  return [...seen];
}
