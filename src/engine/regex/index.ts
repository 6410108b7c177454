/**
 * The regex layer: PCRE2 patterns as ModSecurity v3 runs them (CRS `@rx`, variable key
 * selectors such as `ARGS:/^id_/`, SecRuleUpdateTargetById regexes), compiled to a
 * linear-time matcher over byte strings. See docs/regex.md.
 */
export { compileRegex, describeRegex } from './compile.js';
export type { CompileOptions, CompiledRegex, RegexMatch } from './compile.js';
export { parseRegex, RegexSyntaxError } from './parser.js';
