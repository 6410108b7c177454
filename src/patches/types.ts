/**
 * The virtual-patch data model. A patch file (YAML, one per patch) is validated against
 * `patch.schema.json`, then normalised into a `Patch`. See docs/patch-format.md.
 */

export type PatchMode = 'block' | 'detect' | 'off';
export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** First and last rule id reserved for vpatch (see docs/patch-format.md). */
export const VPATCH_RULE_ID_MIN = 1_700_000;
export const VPATCH_RULE_ID_MAX = 1_799_999;
/** Ids used by the catalog prelude (request body processor selection). */
export const PRELUDE_RULE_ID_MIN = 1_700_000;
export const PRELUDE_RULE_ID_MAX = 1_700_099;
/** Ids of the built-in catalog. */
export const CATALOG_RULE_ID_MIN = 1_700_100;
export const CATALOG_RULE_ID_MAX = 1_789_999;
/** Ids left for a site's own patches (`vpatch patch new` allocates here). */
export const LOCAL_RULE_ID_MIN = 1_790_000;
export const LOCAL_RULE_ID_MAX = 1_799_999;

export interface AffectedProduct {
  product: string;
  purl?: string;
  cpe?: string;
  /** Vulnerable version ranges, e.g. ">=2.0.0 <2.15.0". */
  versions: string[];
  /** Versions that fix the vulnerability. */
  fixed: string[];
}

export interface Cvss {
  score: number;
  vector?: string;
  version?: string;
}

export interface Scope {
  /** Host names (exact, or `*.example.com`); empty = any host. */
  hosts: string[];
  /** Path prefixes; empty = any path. */
  paths: string[];
  /** HTTP methods; empty = any method. */
  methods: string[];
}

export interface Expiry {
  /** Review/expiry date (YYYY-MM-DD): after it `vpatch patch list` reports the patch as expired. */
  date?: string;
  /** When the patch should be retired (normally: the fixed version is deployed). */
  retireWhen: string;
}

/** The operator of a declarative matcher: exactly one key. */
export interface MatchOperator {
  rx?: string;
  pm?: string[];
  contains?: string;
  containsWord?: string;
  beginsWith?: string;
  endsWith?: string;
  streq?: string;
  within?: string;
  eq?: number;
  gt?: number;
  lt?: number;
  detectSQLi?: boolean;
  detectXSS?: boolean;
}

/** One condition: targets, transformations and an operator. */
export interface Condition extends MatchOperator {
  targets: string[];
  transforms?: string[];
  /** Negate the operator (`!@rx`). */
  not?: boolean;
}

/** A declarative rule: a condition, optionally followed by further conditions that must all match (a chain). */
export interface DeclarativeRule extends Condition {
  id: number;
  msg: string;
  phase?: 1 | 2;
  /** Further conditions (ANDed), compiled to a SecLang chain. */
  and?: Condition[];
}

/** A raw SecLang rule (or chain). The compiler sets the disruptive action from the mode. */
export interface RawRule {
  id: number;
  seclang: string;
}

export type PatchRule = DeclarativeRule | RawRule;

/** A test request. `uri` is the raw request target, exactly as sent on the wire. */
export interface TestRequest {
  name?: string;
  method?: string;
  uri: string;
  headers?: Record<string, string> | Array<[string, string]>;
  cookies?: Record<string, string>;
  /** Raw body (UTF-8). */
  body?: string;
  /** Raw body, base64. */
  bodyBase64?: string;
  /** Form fields, sent as application/x-www-form-urlencoded; values are sent as given (already encoded). */
  form?: Record<string, string>;
  /** JSON body (serialised with JSON.stringify unless a string, sent as-is). */
  json?: unknown;
  /** XML body. */
  xml?: string;
  /** multipart/form-data parts. */
  multipart?: Array<{ name: string; value?: string; filename?: string; contentType?: string }>;
}

export interface PatchTests {
  block: TestRequest[];
  pass: TestRequest[];
}

export interface Patch {
  id: string;
  title: string;
  description?: string;
  cves: string[];
  cwe: string[];
  kev: boolean;
  severity: Severity;
  cvss?: Cvss;
  affected: AffectedProduct[];
  references: string[];
  /** Exploit classes the rules cover (for the coverage report), e.g. `jndi-lookup`, `ognl-injection`. */
  classes: string[];
  scope: Scope;
  mode: PatchMode;
  expires: Expiry;
  rules: PatchRule[];
  tests: PatchTests;
  /** Where the patch was loaded from (file path, or `builtin:<file>`). */
  source: string;
  /** sha256 of the patch file contents. */
  sha256: string;
  /** The patch file's text, as loaded (bundles store it so any bundle can be restored exactly). */
  text: string;
}

export function isRawRule(r: PatchRule): r is RawRule {
  return typeof (r as RawRule).seclang === 'string';
}
