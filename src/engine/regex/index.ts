/**
 * The regex layer: PCRE2 patterns as ModSecurity v3 runs them, compiled to a linear-time
 * matcher over byte strings. See docs/regex.md.
 *
 * - `@rx` / `@rxGlobal` arguments: compileRegex(pattern)
 * - variable key selectors (`ARGS:/^id_/`, `!ARGS_NAMES:/.../`) and the regexes of
 *   SecRuleUpdateTargetById: compileRegex(pattern, { caseInsensitive: true }) — v3 compiles
 *   those with PCRE2_CASELESS (VariableRegex uses Utils::Regex(regex, true)).
 */
export { compileRegex, describeRegex } from './compile.js';
export type { CompileOptions, CompiledRegex, RegexMatch } from './compile.js';
export { parseRegex, RegexSyntaxError } from './parser.js';
