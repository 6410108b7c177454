import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { compileRegex } from '../../../src/engine/regex/index.js';
import { Waf } from '../../../src/engine/index.js';

/** Possessive patterns and inputs, with PCRE2's verdicts (possessive runs never give bytes back). */
const EXACT: Array<[string, Array<[string, boolean]>]> = [
  ['^a\\s*+;b', [['a  ;b', true], ['a ;;b', false], ['ab', false]]],
  ['^a\\s*+[^;]+$', [['a b', true], ['a  ', false], ['a ;', false], ['a x y', true]]],
  ['^x\\s*+\\S', [['x a', true], ['x  ', false], ['xa', true]]],
  ['^k\\s*+(?:=|[^\\s=]x)', [['k =', true], ['k  ax', true], ['k  x', false]]],
  ['^[a-z]*+$', [['abc', true], ['abc1', false]]],
  // The run eats every b, so the b after it can never match: PCRE2 never matches this.
  ['^a[ab]*+b', [['ab', false], ['aabb', false]]],
];

for (const [pattern, cases] of EXACT) {
  test(`possessive rewritten exactly for RE2: ${pattern}`, () => {
    const re = compileRegex(pattern, { cache: false });
    assert.equal(re.engine, 're2');
    assert.deepEqual(re.approximations, []);
    for (const [input, expected] of cases) assert.equal(re.test(input), expected, `${pattern} on ${JSON.stringify(input)}`);
  });
}

test('a possessive run that cannot be rewritten exactly runs greedy, and says so', () => {
  const re = compileRegex('^k\\s*+(?:=|\\s?)y', { cache: false });
  assert.equal(re.engine, 're2');
  assert.equal(re.approximations.length, 1);
  assert.match(re.approximations[0]!, /possessive quantifier runs as greedy/);
});

test('patterns only a backtracking engine could run load as never-matching rules with a warning', () => {
  const waf = Waf.fromText('SecRule ARGS "@rx (\\w+)=(?!\\1)\\w+.*\\1" "id:1,phase:1,deny"');
  assert.equal(waf.warnings.length, 1);
  assert.match(waf.warnings[0]!, /<inline>:1: SecRule: the rule never matches: .*ReDoS/);
  const tx = waf.newTransaction();
  tx.processUri('/?q=a=b+a', 'GET', 'HTTP/1.1');
  assert.equal(tx.processRequestHeaders(), null);
});

const DEBIAN_CRS = '/usr/share/modsecurity-crs/rules';
test('Debian CRS 3.3 loads, with its differences named in warnings', { skip: existsSync(DEBIAN_CRS) ? false : 'modsecurity-crs is not installed (apt-get install modsecurity-crs)' }, () => {
  const waf = Waf.compile([{ file: '/etc/modsecurity/crs/crs-setup.conf' }, { file: `${DEBIAN_CRS}/*.conf` }]);
  assert.ok(waf.ruleCount > 500);
  const warnings = waf.warnings.join('\n');
  assert.match(warnings, /@geoLookup never matches/);
  assert.match(warnings, /REQUEST-942-APPLICATION-ATTACK-SQLI\.conf:\d+: SecRule: the rule never matches/);
});
