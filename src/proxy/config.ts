/**
 * `vpatch serve` configuration: the typed model, its defaults, the YAML loader and the
 * validator. Every option comes from (lowest to highest precedence) the built-in default,
 * the YAML file, an environment variable, a command-line flag. Errors name where the bad
 * value came from: `vpatch.yaml:12:14 routes[0].upstream: ...`, `--paranoia: ...` or
 * `VPATCH_PARANOIA: ...`, and all of them are reported at once.
 *
 * The scalar options, with their flag, environment variable and documentation, live in the
 * OPTIONS table below; the command line and docs/configuration.md are derived from it.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve as resolvePath } from 'node:path';
import { isIP } from 'node:net';
import { LineCounter, parseDocument, isMap, isSeq, isScalar } from 'yaml';
import type { Document } from 'yaml';

export type Mode = 'block' | 'detect' | 'off';
export type FailurePolicy = 'closed' | 'open';
export type AuditMode = 'relevant' | 'all' | 'off';

export interface HostPort {
  host: string;
  port: number;
}

export interface TlsFiles {
  cert: string;
  key: string;
  /** Optional CA bundle offered to clients (intermediate chain). */
  ca?: string;
}

export interface ListenConfig extends HostPort {
  tls?: TlsFiles;
}

export interface UpstreamConfig {
  name: string;
  /** Origin URL: `http://host:port` or `https://host:port` (a path, if any, is ignored). */
  url: string;
  /** Maximum pooled keep-alive connections to this upstream (per worker). */
  connections: number;
  tls: { rejectUnauthorized: boolean; ca?: string; servername?: string };
}

export interface RuleExclusions {
  /** Rule ids or inclusive ranges, as SecRuleRemoveById takes them (`942100`, `920000-920999`). */
  ids: string[];
  /** Tags, as SecRuleRemoveByTag takes them (e.g. `attack-sqli`). */
  tags: string[];
}

export interface RouteConfig {
  name: string;
  /** Host names (lower case, no port); `*.example.com` matches sub-domains; empty = any host. */
  hosts: string[];
  /** Path prefix, matched on the normalised path at a segment boundary. */
  pathPrefix: string;
  /** Name of an upstream in `upstreams`. */
  upstream: string;
  /** Engine mode for this route; inherits the global `mode` when absent. */
  mode?: Mode;
  exclusions: RuleExclusions;
}

export interface RulesConfig {
  /** CRS directory (the one holding `rules/`, or the rules directory itself); null = no CRS. */
  crsDir: string | null;
  /** crs-setup.conf to load; found beside the CRS (crs-setup.conf, then crs-setup.conf.example) when null. */
  crsSetup: string | null;
  paranoia: number;
  /** Executing paranoia level (CRS `tx.detection_paranoia_level`); equals `paranoia` when null. */
  executingParanoia: number | null;
  inboundAnomalyThreshold: number;
  outboundAnomalyThreshold: number;
  /** `builtin`, `none` or a directory of patch files: what is served when `env` has no active bundle. */
  patches: string;
  /** Environment (deployment stage) whose active bundle is served from the state database. */
  env: string;
  /** State database shared with `vpatch patch` / `vpatch bundle`; null = $VPATCH_DB's default location. */
  stateDb: string | null;
  /** Extra SecLang files (globs allowed), loaded after the CRS and patches. */
  files: string[];
  /** Inline SecLang, loaded last. */
  inline: string;
  /** Global exclusions, applied to every route. */
  exclusions: RuleExclusions;
}

export interface ProxyConfig {
  /** The file the configuration came from, if any (relative paths in it are resolved against its directory). */
  source: string | null;
  listen: ListenConfig[];
  upstreams: UpstreamConfig[];
  routes: RouteConfig[];
  mode: Mode;
  failurePolicy: FailurePolicy;
  workers: number;
  rules: RulesConfig;
  body: {
    requestLimit: number;
    /** What to do with a request body over `requestLimit`: reject (413) or inspect the first `requestLimit` bytes and stream the rest. */
    requestLimitAction: 'reject' | 'partial';
    requestNoFilesLimit: number;
    responseInspection: boolean;
    responseLimit: number;
    responseMimeTypes: string[];
  };
  limits: {
    maxHeaderSize: number;
    maxHeaders: number;
    maxUriLength: number;
  };
  timeouts: {
    requestHeaders: number;
    request: number;
    keepAlive: number;
    upstreamConnect: number;
    upstreamHeaders: number;
    upstreamBody: number;
    engine: number;
    shutdown: number;
  };
  trustedProxies: string[];
  forwarded: {
    /** Add X-Forwarded-For / X-Forwarded-Proto / X-Forwarded-Host. */
    xForwarded: boolean;
    /** Add an RFC 7239 Forwarded element. */
    forwarded: boolean;
  };
  /** Forward the client's Host header (true) or the upstream's host (false). */
  preserveHost: boolean;
  requestId: { header: string; trustIncoming: boolean };
  admin: { listen: HostPort | null; token: string | null };
  log: { level: string; access: boolean };
  audit: { mode: AuditMode; path: string; parts: string };
  reload: { watch: boolean };
}

export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(issues.length === 1 ? `invalid configuration: ${issues[0]}` : `invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------
// Value parsers (shared with the command line)

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
};

/** `500ms`, `30s`, `2m`, `1h` or a number of milliseconds. */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.round(value);
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(value);
    if (m) return Math.round(Number(m[1]) * DURATION_UNITS[(m[2] ?? 'ms').toLowerCase()]!);
  }
  throw new Error(`expected a duration such as 500ms, 30s or 2m, got ${show(value)}`);
}

/** `1048576`, `512KB`, `10MB`, `1GiB` (binary units). */
export function parseSize(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)?\s*$/i.exec(value);
    if (m) {
      const unit = SIZE_UNITS[(m[2] ?? 'b').toLowerCase()];
      if (unit !== undefined) return Math.floor(Number(m[1]) * unit);
    }
  }
  throw new Error(`expected a size such as 1048576, 512KB or 10MB, got ${show(value)}`);
}

/** `HOST:PORT`, `[v6]:PORT`, `:PORT` (all interfaces) or `PORT` (loopback). */
export function parseHostPort(value: unknown): HostPort {
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string') throw new Error(`expected HOST:PORT, got ${show(value)}`);
  const s = value.trim();
  let host: string;
  let portText: string;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(s);
  if (v6) {
    host = v6[1]!;
    portText = v6[2]!;
    if (isIP(host) !== 6) throw new Error(`invalid IPv6 address in ${show(value)}`);
  } else if (/^\d+$/.test(s)) {
    host = '127.0.0.1';
    portText = s;
  } else {
    const i = s.lastIndexOf(':');
    if (i < 0) throw new Error(`expected HOST:PORT, got ${show(value)}`);
    host = s.slice(0, i) || '0.0.0.0';
    portText = s.slice(i + 1);
    if (host.includes(':')) throw new Error(`IPv6 addresses must be bracketed ([::1]:8080), got ${show(value)}`);
    if (!/^[A-Za-z0-9.-]+$/.test(host)) throw new Error(`invalid host in ${show(value)}`);
  }
  if (!/^\d+$/.test(portText)) throw new Error(`invalid port in ${show(value)}`);
  const port = Number(portText);
  if (port > 65535) throw new Error(`port out of range in ${show(value)}`);
  return { host, port };
}

export function formatHostPort(hp: HostPort): string {
  return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

/** True for 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/** A rule-id exclusion: `942100` or `920000-920999`. */
function parseRuleIdSpec(value: unknown): string {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s === 'string' && /^\s*\d+\s*(-\s*\d+\s*)?$/.test(s)) {
    const [a, b] = s.split('-').map((x) => Number(x.trim()));
    if (b !== undefined && b < a!) throw new Error(`range ${show(value)} ends before it starts`);
    return b === undefined ? String(a) : `${a}-${b}`;
  }
  throw new Error(`expected a rule id (942100) or a range (920000-920999), got ${show(value)}`);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return Array.isArray(v) ? 'a list' : 'a mapping';
  return String(v);
}

/** Parses an IPv4/IPv6 CIDR or address; throws on anything else. */
export function parseCidr(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`expected an address or CIDR, got ${show(value)}`);
  const s = value.trim();
  if (s === 'loopback' || s === 'private') return s;
  const [addr, bits, extra] = s.split('/');
  const fam = isIP(addr ?? '');
  if (!fam || extra !== undefined) throw new Error(`expected an address or CIDR (10.0.0.0/8, ::1, loopback, private), got ${show(value)}`);
  if (bits !== undefined) {
    if (!/^\d+$/.test(bits) || Number(bits) > (fam === 4 ? 32 : 128)) throw new Error(`invalid prefix length in ${show(value)}`);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// The option table

type Kind = 'int' | 'string' | 'bool' | 'duration' | 'size' | 'enum' | 'hostport' | 'list' | 'path';

export interface OptionSpec {
  /** Dotted path in the YAML file. */
  path: string;
  /** Long flag without the dashes. */
  flag: string;
  env: string;
  kind: Kind;
  values?: readonly string[];
  min?: number;
  max?: number;
  /** Shown in docs; the real defaults are in defaultConfig(). */
  defaultText: string;
  doc: string;
  /** Flag may repeat (lists); environment value is comma-separated. */
  repeatable?: boolean;
  /** Argument placeholder in --help. */
  arg?: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  { path: 'listen', flag: 'listen', env: 'VPATCH_LISTEN', kind: 'list', repeatable: true, arg: 'HOST:PORT', defaultText: '127.0.0.1:8080', doc: 'Address(es) to accept client traffic on. Repeat the flag (or separate with commas) for several.' },
  { path: 'tls.cert', flag: 'tls-cert', env: 'VPATCH_TLS_CERT', kind: 'path', arg: 'FILE', defaultText: '(none)', doc: 'PEM certificate (chain) for TLS termination on the listeners given by --listen/VPATCH_LISTEN.' },
  { path: 'tls.key', flag: 'tls-key', env: 'VPATCH_TLS_KEY', kind: 'path', arg: 'FILE', defaultText: '(none)', doc: 'PEM private key matching --tls-cert.' },
  { path: 'upstream', flag: 'upstream', env: 'VPATCH_UPSTREAM', kind: 'string', arg: 'URL', defaultText: '(none)', doc: 'Default upstream: every request no route matches goes here (a catch-all route named `default`).' },
  { path: 'route', flag: 'route', env: 'VPATCH_ROUTES', kind: 'list', repeatable: true, arg: 'SPEC', defaultText: '(none)', doc: 'Extra route `[HOST]/PREFIX=URL[;mode=detect][;exclude=ID,ID-ID]`, e.g. `api.example.com/v1=http://127.0.0.1:3001;mode=detect`. Repeatable; env separates routes with spaces.' },
  { path: 'mode', flag: 'mode', env: 'VPATCH_MODE', kind: 'enum', values: ['block', 'detect', 'off'], defaultText: 'block', doc: '`block` answers matching requests with the rule status; `detect` forwards them and logs what would have been blocked; `off` disables inspection.' },
  { path: 'failurePolicy', flag: 'failure-policy', env: 'VPATCH_FAILURE_POLICY', kind: 'enum', values: ['closed', 'open'], defaultText: 'closed', doc: 'When the engine throws or exceeds `timeouts.engine`: `closed` answers 503, `open` forwards the request uninspected. Either way it is logged and counted.' },
  { path: 'workers', flag: 'workers', env: 'VPATCH_WORKERS', kind: 'string', arg: 'N', defaultText: 'one per core', doc: 'Worker processes (node:cluster); `auto` = one per core; 1 runs in a single process.' },
  { path: 'rules.crsDir', flag: 'crs-dir', env: 'VPATCH_CRS_DIR', kind: 'path', arg: 'DIR', defaultText: '(CRS off)', doc: 'OWASP CRS directory (v4, or v3.3 as Debian ships it): the directory holding `rules/`, or the rules directory itself.' },
  { path: 'rules.crsSetup', flag: 'crs-setup', env: 'VPATCH_CRS_SETUP', kind: 'path', arg: 'FILE', defaultText: 'found beside the CRS', doc: 'crs-setup.conf to load. Default: `crs-setup.conf`, then `crs-setup.conf.example`, in the CRS directory or its parent; then /etc/modsecurity/crs/crs-setup.conf.' },
  { path: 'rules.paranoia', flag: 'paranoia', env: 'VPATCH_PARANOIA', kind: 'int', min: 1, max: 4, defaultText: '1', doc: 'CRS (blocking) paranoia level, 1-4.' },
  { path: 'rules.executingParanoia', flag: 'executing-paranoia', env: 'VPATCH_EXECUTING_PARANOIA', kind: 'int', min: 1, max: 4, defaultText: '= paranoia', doc: 'CRS executing (detection) paranoia level: rules up to this level run and log, only those up to `paranoia` count towards blocking.' },
  { path: 'rules.inboundAnomalyThreshold', flag: 'inbound-threshold', env: 'VPATCH_INBOUND_THRESHOLD', kind: 'int', min: 1, max: 10000, defaultText: '5', doc: 'CRS inbound anomaly score threshold.' },
  { path: 'rules.outboundAnomalyThreshold', flag: 'outbound-threshold', env: 'VPATCH_OUTBOUND_THRESHOLD', kind: 'int', min: 1, max: 10000, defaultText: '4', doc: 'CRS outbound anomaly score threshold.' },
  { path: 'rules.patches', flag: 'patches', env: 'VPATCH_PATCHES', kind: 'string', arg: 'builtin|none|DIR', defaultText: 'builtin', doc: 'Virtual patches: the built-in catalog, none, or a directory of patch files.' },
  { path: 'rules.env', flag: 'env', env: 'VPATCH_ENV', kind: 'string', arg: 'NAME', defaultText: 'production', doc: 'Environment whose active bundle (`vpatch bundle activate --env NAME`) is served: its exact patches, modes, CRS settings and exclusions. With no state database or no active bundle there, `rules.patches` is served in each patch\'s default mode.' },
  { path: 'rules.stateDb', flag: 'db', env: 'VPATCH_DB', kind: 'path', arg: 'FILE', defaultText: '~/.local/state/vpatch/vpatch.db', doc: 'State database shared with `vpatch patch` and `vpatch bundle` (environments, bundles, activations). Default: `$XDG_STATE_HOME/vpatch/vpatch.db`, else `~/.local/state/vpatch/vpatch.db`. Read only when the proxy loads or reloads its rules.' },
  { path: 'rules.files', flag: 'rules', env: 'VPATCH_RULES', kind: 'list', repeatable: true, arg: 'FILE', defaultText: '(none)', doc: 'Extra SecLang files (globs allowed), loaded after CRS and patches. Repeatable.' },
  { path: 'rules.exclusions.ids', flag: 'exclude-rule', env: 'VPATCH_EXCLUDE_RULES', kind: 'list', repeatable: true, arg: 'ID', defaultText: '(none)', doc: 'Rule ids or ranges (`920000-920999`) removed everywhere. Repeatable.' },
  { path: 'rules.exclusions.tags', flag: 'exclude-tag', env: 'VPATCH_EXCLUDE_TAGS', kind: 'list', repeatable: true, arg: 'TAG', defaultText: '(none)', doc: 'Rules carrying this tag are removed everywhere. Repeatable.' },
  { path: 'body.requestLimit', flag: 'request-body-limit', env: 'VPATCH_REQUEST_BODY_LIMIT', kind: 'size', defaultText: '13MB', doc: 'Largest request body accepted when it must be inspected (SecRequestBodyLimit); larger ones get 413.' },
  { path: 'body.requestLimitAction', flag: 'request-body-limit-action', env: 'VPATCH_REQUEST_BODY_LIMIT_ACTION', kind: 'enum', values: ['reject', 'partial'], defaultText: 'reject', doc: 'A body over the limit: `reject` answers 413 (SecRequestBodyLimitAction Reject); `partial` inspects the first `requestLimit` bytes and streams the rest uninspected (ProcessPartial) with bounded memory.' },
  { path: 'body.requestNoFilesLimit', flag: 'request-body-no-files-limit', env: 'VPATCH_REQUEST_BODY_NO_FILES_LIMIT', kind: 'size', defaultText: '128KB', doc: 'Largest request body excluding uploaded files (SecRequestBodyNoFilesLimit).' },
  { path: 'body.responseInspection', flag: 'response-body-inspection', env: 'VPATCH_RESPONSE_BODY_INSPECTION', kind: 'bool', defaultText: 'false', doc: 'Buffer and inspect response bodies of the MIME types below (for the RESPONSE-95x rules). Response headers are always inspected.' },
  { path: 'body.responseLimit', flag: 'response-body-limit', env: 'VPATCH_RESPONSE_BODY_LIMIT', kind: 'size', defaultText: '512KB', doc: 'Largest response body inspected; beyond it the rest is inspected partially (SecResponseBodyLimitAction ProcessPartial).' },
  { path: 'body.responseMimeTypes', flag: 'response-body-mime-types', env: 'VPATCH_RESPONSE_BODY_MIME_TYPES', kind: 'list', repeatable: true, arg: 'TYPE', defaultText: 'text/plain text/html text/xml application/json', doc: 'Response MIME types whose bodies are inspected.' },
  { path: 'limits.maxHeaderSize', flag: 'max-header-size', env: 'VPATCH_MAX_HEADER_SIZE', kind: 'size', defaultText: '16KB', doc: 'Largest request head (request line + headers); larger gets 400 (431 semantics).' },
  { path: 'limits.maxHeaders', flag: 'max-headers', env: 'VPATCH_MAX_HEADERS', kind: 'int', min: 1, max: 10000, defaultText: '100', doc: 'Most request header fields accepted; more gets 400.' },
  { path: 'limits.maxUriLength', flag: 'max-uri-length', env: 'VPATCH_MAX_URI_LENGTH', kind: 'size', defaultText: '8KB', doc: 'Longest request target; longer gets 414.' },
  { path: 'timeouts.requestHeaders', flag: 'timeout-request-headers', env: 'VPATCH_TIMEOUT_REQUEST_HEADERS', kind: 'duration', defaultText: '10s', doc: 'Time a client has to send the request head (slowloris defence).' },
  { path: 'timeouts.request', flag: 'timeout-request', env: 'VPATCH_TIMEOUT_REQUEST', kind: 'duration', defaultText: '5m', doc: 'Time a client has to send the whole request (0 = unlimited).' },
  { path: 'timeouts.keepAlive', flag: 'timeout-keep-alive', env: 'VPATCH_TIMEOUT_KEEP_ALIVE', kind: 'duration', defaultText: '5s', doc: 'Idle time before a client keep-alive connection is closed.' },
  { path: 'timeouts.upstreamConnect', flag: 'timeout-upstream-connect', env: 'VPATCH_TIMEOUT_UPSTREAM_CONNECT', kind: 'duration', defaultText: '5s', doc: 'Connecting to an upstream (502 after).' },
  { path: 'timeouts.upstreamHeaders', flag: 'timeout-upstream-headers', env: 'VPATCH_TIMEOUT_UPSTREAM_HEADERS', kind: 'duration', defaultText: '60s', doc: 'Waiting for the upstream response head (504 after).' },
  { path: 'timeouts.upstreamBody', flag: 'timeout-upstream-body', env: 'VPATCH_TIMEOUT_UPSTREAM_BODY', kind: 'duration', defaultText: '60s', doc: 'Idle time between upstream response body chunks (the response is aborted after).' },
  { path: 'timeouts.engine', flag: 'timeout-engine', env: 'VPATCH_TIMEOUT_ENGINE', kind: 'duration', defaultText: '250ms', doc: 'Engine time budget per request (sum over phases); exceeding it applies `failurePolicy`.' },
  { path: 'timeouts.shutdown', flag: 'timeout-shutdown', env: 'VPATCH_TIMEOUT_SHUTDOWN', kind: 'duration', defaultText: '30s', doc: 'Graceful shutdown: time for in-flight requests to finish before connections are closed.' },
  { path: 'trustedProxies', flag: 'trusted-proxies', env: 'VPATCH_TRUSTED_PROXIES', kind: 'list', repeatable: true, arg: 'CIDR', defaultText: '(none)', doc: 'Addresses/CIDRs (or `loopback`, `private`) of proxies in front of vpatch whose X-Forwarded-For/Forwarded is believed when deciding the client address (REMOTE_ADDR).' },
  { path: 'forwarded.xForwarded', flag: 'x-forwarded', env: 'VPATCH_X_FORWARDED', kind: 'bool', defaultText: 'true', doc: 'Send X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host upstream.' },
  { path: 'forwarded.forwarded', flag: 'forwarded-header', env: 'VPATCH_FORWARDED_HEADER', kind: 'bool', defaultText: 'false', doc: 'Send an RFC 7239 Forwarded header upstream.' },
  { path: 'preserveHost', flag: 'preserve-host', env: 'VPATCH_PRESERVE_HOST', kind: 'bool', defaultText: 'true', doc: 'Forward the client Host header (true) or the upstream URL host (false).' },
  { path: 'requestId.header', flag: 'request-id-header', env: 'VPATCH_REQUEST_ID_HEADER', kind: 'string', arg: 'NAME', defaultText: 'x-request-id', doc: 'Header carrying the request id upstream and back to the client.' },
  { path: 'requestId.trustIncoming', flag: 'trust-request-id', env: 'VPATCH_TRUST_REQUEST_ID', kind: 'bool', defaultText: 'false', doc: 'Reuse a well-formed incoming request id instead of generating one.' },
  { path: 'admin.listen', flag: 'admin-listen', env: 'VPATCH_ADMIN_LISTEN', kind: 'string', arg: 'HOST:PORT|off', defaultText: '127.0.0.1:9901', doc: 'Admin listener (/metrics, /healthz, /readyz, /reload). A non-loopback address requires a token.' },
  { path: 'admin.token', flag: 'admin-token', env: 'VPATCH_ADMIN_TOKEN', kind: 'string', arg: 'TOKEN', defaultText: '(none)', doc: 'Bearer token for the admin listener (required when it is not on loopback). Prefer the environment variable to the flag.' },
  { path: 'log.level', flag: 'log-level', env: 'VPATCH_LOG_LEVEL', kind: 'enum', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], defaultText: 'info', doc: 'pino log level of the error/event log (stderr).' },
  { path: 'log.access', flag: 'access-log', env: 'VPATCH_ACCESS_LOG', kind: 'bool', defaultText: 'true', doc: 'One JSON access-log line per request on stdout.' },
  { path: 'audit.mode', flag: 'audit-log', env: 'VPATCH_AUDIT_LOG', kind: 'enum', values: ['relevant', 'all', 'off'], defaultText: 'relevant', doc: 'ModSecurity JSON audit log: `relevant` = transactions where a rule matched, an error or a non-2xx/3xx block; `all`; `off`.' },
  { path: 'audit.path', flag: 'audit-log-path', env: 'VPATCH_AUDIT_LOG_PATH', kind: 'string', arg: 'FILE|stdout|stderr', defaultText: 'stdout', doc: 'Audit log destination; a file is reopened on SIGHUP (rotation).' },
  { path: 'audit.parts', flag: 'audit-log-parts', env: 'VPATCH_AUDIT_LOG_PARTS', kind: 'string', arg: 'PARTS', defaultText: 'ABFHZ', doc: 'SecAuditLogParts letters: A (always), B request headers, C request body, E response body, F response headers, H messages, K matched rules, Z (always).' },
  { path: 'reload.watch', flag: 'watch', env: 'VPATCH_WATCH', kind: 'bool', defaultText: 'false', doc: 'Reload when the config file or a rule file changes, or when a bundle is activated in the served environment (the state database is checked every 2 s). SIGHUP and POST /reload on the admin listener always work.' },
];

export function defaultConfig(): ProxyConfig {
  return {
    source: null,
    listen: [{ host: '127.0.0.1', port: 8080 }],
    upstreams: [],
    routes: [],
    mode: 'block',
    failurePolicy: 'closed',
    workers: Math.max(1, availableParallelism()),
    rules: {
      crsDir: null,
      crsSetup: null,
      paranoia: 1,
      executingParanoia: null,
      inboundAnomalyThreshold: 5,
      outboundAnomalyThreshold: 4,
      patches: 'builtin',
      env: 'production',
      stateDb: null,
      files: [],
      inline: '',
      exclusions: { ids: [], tags: [] },
    },
    body: {
      requestLimit: 13 * 1024 * 1024,
      requestLimitAction: 'reject',
      requestNoFilesLimit: 128 * 1024,
      responseInspection: false,
      responseLimit: 512 * 1024,
      responseMimeTypes: ['text/plain', 'text/html', 'text/xml', 'application/json'],
    },
    limits: { maxHeaderSize: 16 * 1024, maxHeaders: 100, maxUriLength: 8 * 1024 },
    timeouts: {
      requestHeaders: 10_000,
      request: 300_000,
      keepAlive: 5_000,
      upstreamConnect: 5_000,
      upstreamHeaders: 60_000,
      upstreamBody: 60_000,
      engine: 250,
      shutdown: 30_000,
    },
    trustedProxies: [],
    forwarded: { xForwarded: true, forwarded: false },
    preserveHost: true,
    requestId: { header: 'x-request-id', trustIncoming: false },
    admin: { listen: { host: '127.0.0.1', port: 9901 }, token: null },
    log: { level: 'info', access: true },
    audit: { mode: 'relevant', path: 'stdout', parts: 'ABFHZ' },
    reload: { watch: false },
  };
}

// ---------------------------------------------------------------------------------------------
// Loading

export interface LoadOptions {
  /** YAML file path (`--config` / VPATCH_CONFIG). */
  file?: string | null;
  /** YAML text instead of a file (tests); `file` is then only the name used in messages. */
  text?: string;
  /** Flag values keyed by option path (strings or string[] as commander gives them). */
  flags?: Record<string, unknown>;
  /** Environment (defaults to none; the CLI passes process.env). */
  env?: Record<string, string | undefined>;
}

type Origin = { kind: 'file'; where: string } | { kind: 'flag'; name: string } | { kind: 'env'; name: string } | { kind: 'default' };

/** Loads, merges and validates. Throws ConfigError listing every problem. */
export function loadConfig(opts: LoadOptions = {}): ProxyConfig {
  const issues: string[] = [];
  const fileName = opts.file ?? null;
  let raw: Record<string, unknown> = {};
  let doc: Document | null = null;
  let lineCounter: LineCounter | null = null;
  if (fileName !== null || opts.text !== undefined) {
    let text: string;
    if (opts.text !== undefined) text = opts.text;
    else {
      try {
        text = readFileSync(fileName!, 'utf8');
      } catch (err) {
        throw new ConfigError([`${fileName}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
      }
    }
    lineCounter = new LineCounter();
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length) {
      throw new ConfigError(doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? (lineCounter ? lineCounter.linePos(e.pos[0]) : undefined);
        return `${fileName ?? '<config>'}${pos ? `:${pos.line}:${pos.col}` : ''}: YAML: ${e.message.split('\n')[0]}`;
      }));
    }
    const js = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (js === null || js === undefined) raw = {};
    else if (typeof js !== 'object' || Array.isArray(js)) throw new ConfigError([`${fileName ?? '<config>'}: the top level must be a mapping of options`]);
    else raw = js as Record<string, unknown>;
  }

  const overrides = new Map<string, Origin>();
  const setRaw = (path: string, value: unknown, origin: Origin): void => {
    const parts = path.split('.');
    let o: Record<string, unknown> = raw;
    for (const p of parts.slice(0, -1)) {
      const next = o[p];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) o[p] = {};
      o = o[p] as Record<string, unknown>;
    }
    o[parts[parts.length - 1]!] = value;
    overrides.set(path, origin);
  };

  const env = opts.env ?? {};
  for (const spec of OPTIONS) {
    const v = env[spec.env];
    if (v === undefined || v === '') continue;
    let value: unknown = v;
    if (spec.kind === 'list') value = spec.path === 'route' ? v.split(/\s+/).filter(Boolean) : v.split(',').map((x) => x.trim()).filter(Boolean);
    setRaw(spec.path, value, { kind: 'env', name: spec.env });
  }
  const flags = opts.flags ?? {};
  for (const spec of OPTIONS) {
    const v = flags[spec.path];
    if (v === undefined) continue;
    let value = v;
    if (spec.kind === 'list') {
      const arr = Array.isArray(v) ? v : [v];
      value = spec.path === 'route' ? arr : arr.flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean);
    }
    setRaw(spec.path, value, { kind: 'flag', name: `--${spec.flag}` });
  }

  const baseDir = fileName ? dirname(resolvePath(fileName)) : process.cwd();
  const where = (path: (string | number)[]): string => {
    const key = path.join('.');
    for (const [p, origin] of overrides) {
      if (key === p || key.startsWith(p + '.') || key.startsWith(p + '[')) {
        if (origin.kind === 'flag' || origin.kind === 'env') return `${origin.name}${key === p ? '' : ` (${fmtPath(path)})`}`;
      }
    }
    if (doc && lineCounter) {
      const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
      let range = node && typeof node === 'object' ? node.range : undefined;
      if (!range) {
        // Missing key: point at the parent mapping.
        for (let i = path.length - 1; i >= 0 && !range; i--) {
          const parent = i === 0 ? doc.contents : (doc.getIn(path.slice(0, i), true) as { range?: [number, number, number] } | undefined);
          range = parent && typeof parent === 'object' ? (parent as { range?: [number, number, number] }).range : undefined;
        }
      }
      const pos = range ? lineCounter.linePos(range[0]) : undefined;
      return `${fileName ?? '<config>'}${pos ? `:${pos.line}:${pos.col}` : ''} ${fmtPath(path)}`;
    }
    return fmtPath(path);
  };
  const v = new Validator(issues, where, baseDir);
  const config = v.build(raw);
  config.source = fileName ? resolvePath(fileName) : null;
  if (issues.length) throw new ConfigError(issues);
  return config;
}

function fmtPath(path: (string | number)[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s || '(top level)';
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

function suggest(key: string, known: string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const k of known) {
    const d = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : ` (known: ${known.join(', ')})`;
}

type P = (string | number)[];

class Validator {
  constructor(
    private readonly issues: string[],
    private readonly where: (path: P) => string,
    private readonly baseDir: string,
  ) {}

  private err(path: P, msg: string): void {
    this.issues.push(`${this.where(path)}: ${msg}`);
  }

  private obj(value: unknown, path: P, known: string[]): Record<string, unknown> | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.err(path, `expected a mapping, got ${show(value)}`);
      return null;
    }
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!known.includes(k)) this.err([...path, k], `unknown option${suggest(k, known)}`);
    return o;
  }

  private conv<T>(value: unknown, path: P, fn: (v: unknown) => T): T | undefined {
    if (value === undefined || value === null) return undefined;
    try {
      return fn(value);
    } catch (e) {
      this.err(path, (e as Error).message);
      return undefined;
    }
  }

  private int(value: unknown, path: P, min: number, max: number): number | undefined {
    return this.conv(value, path, (v) => {
      const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error(`expected an integer, got ${show(v)}`);
      if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${n}`);
      return n;
    });
  }

  private bool(value: unknown, path: P): boolean | undefined {
    return this.conv(value, path, (v) => {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') {
        const s = v.trim().toLowerCase();
        if (['true', 'yes', 'on', '1'].includes(s)) return true;
        if (['false', 'no', 'off', '0'].includes(s)) return false;
      }
      throw new Error(`expected true or false, got ${show(v)}`);
    });
  }

  private str(value: unknown, path: P, opts: { nonEmpty?: boolean } = {}): string | undefined {
    return this.conv(value, path, (v) => {
      if (typeof v === 'number') v = String(v);
      if (typeof v !== 'string') throw new Error(`expected a string, got ${show(v)}`);
      if (opts.nonEmpty && !v.trim()) throw new Error('must not be empty');
      return v;
    });
  }

  private enumv<T extends string>(value: unknown, path: P, values: readonly T[]): T | undefined {
    return this.conv(value, path, (v) => {
      const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
      if (typeof s === 'string' && (values as readonly string[]).includes(s)) return s as T;
      throw new Error(`expected one of ${values.join(', ')}, got ${show(v)}`);
    });
  }

  private file(value: unknown, path: P): string | undefined {
    const s = this.str(value, path, { nonEmpty: true });
    return s === undefined ? undefined : resolvePath(this.baseDir, s);
  }

  private list(value: unknown, path: P): unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) return value;
    if (typeof value === 'string' || typeof value === 'number') return [value];
    this.err(path, `expected a list, got ${show(value)}`);
    return undefined;
  }

  build(raw: Record<string, unknown>): ProxyConfig {
    const c = defaultConfig();
    const top = this.obj(raw, [], [
      'listen', 'tls', 'upstream', 'upstreams', 'route', 'routes', 'mode', 'failurePolicy', 'workers', 'rules', 'body', 'limits',
      'timeouts', 'trustedProxies', 'forwarded', 'preserveHost', 'requestId', 'admin', 'log', 'audit', 'reload',
    ]) ?? {};

    // Listeners
    const cliTls = this.obj(top.tls, ['tls'], ['cert', 'key', 'ca']);
    let tls: TlsFiles | undefined;
    if (cliTls) {
      const cert = this.file(cliTls.cert, ['tls', 'cert']);
      const key = this.file(cliTls.key, ['tls', 'key']);
      const ca = this.file(cliTls.ca, ['tls', 'ca']);
      if (!cert || !key) this.err(['tls'], 'needs both cert and key');
      else tls = { cert, key, ...(ca ? { ca } : {}) };
    }
    const listen = this.list(top.listen, ['listen']);
    if (listen) {
      c.listen = [];
      listen.forEach((item, i) => {
        const p = ['listen', i];
        if (typeof item === 'string' || typeof item === 'number') {
          const hp = this.conv(item, p, parseHostPort);
          if (hp) c.listen.push(tls ? { ...hp, tls } : hp);
          return;
        }
        const o = this.obj(item, p, ['address', 'tls']);
        if (!o) return;
        const hp = this.conv(o.address, [...p, 'address'], parseHostPort);
        if (o.address === undefined) this.err(p, 'needs an address (HOST:PORT)');
        let ltls: TlsFiles | undefined = tls;
        const t = this.obj(o.tls, [...p, 'tls'], ['cert', 'key', 'ca']);
        if (t) {
          const cert = this.file(t.cert, [...p, 'tls', 'cert']);
          const key = this.file(t.key, [...p, 'tls', 'key']);
          const ca = this.file(t.ca, [...p, 'tls', 'ca']);
          if (!cert || !key) this.err([...p, 'tls'], 'needs both cert and key');
          else ltls = { cert, key, ...(ca ? { ca } : {}) };
        }
        if (hp) c.listen.push(ltls ? { ...hp, tls: ltls } : hp);
      });
      if (c.listen.length === 0 && listen.length === 0) this.err(['listen'], 'needs at least one address');
    } else if (tls) {
      c.listen = c.listen.map((l) => ({ ...l, tls }));
    }

    // Upstreams
    const ups = top.upstreams;
    const upstreamNames = new Set<string>();
    if (ups !== undefined && ups !== null) {
      if (typeof ups !== 'object' || Array.isArray(ups)) this.err(['upstreams'], 'expected a mapping of name: {url: ...} (or name: URL)');
      else {
        for (const [name, def] of Object.entries(ups as Record<string, unknown>)) {
          const p = ['upstreams', name];
          if (!/^[A-Za-z0-9_.-]+$/.test(name)) this.err(p, 'upstream names may contain letters, digits, _ . - only');
          const o = typeof def === 'string' ? { url: def } : this.obj(def, p, ['url', 'connections', 'tls']);
          if (!o) {
            if (def === null || def === undefined) this.err(p, 'needs a url');
            continue;
          }
          const u = this.upstreamUrl(o.url, [...p, 'url']);
          if (o.url === undefined) this.err(p, 'needs a url');
          const connections = this.int(o.connections, [...p, 'connections'], 1, 100_000) ?? 128;
          const t = this.obj(o.tls, [...p, 'tls'], ['rejectUnauthorized', 'ca', 'servername']);
          const up: UpstreamConfig = { name, url: u ?? '', connections, tls: { rejectUnauthorized: true } };
          if (t) {
            up.tls.rejectUnauthorized = this.bool(t.rejectUnauthorized, [...p, 'tls', 'rejectUnauthorized']) ?? true;
            const ca = this.file(t.ca, [...p, 'tls', 'ca']);
            if (ca) up.tls.ca = ca;
            const sn = this.str(t.servername, [...p, 'tls', 'servername']);
            if (sn) up.tls.servername = sn;
          }
          upstreamNames.add(name);
          c.upstreams.push(up);
        }
      }
    }

    const inlineUpstream = (url: string): string => {
      let found = c.upstreams.find((u) => u.url === url);
      if (!found) {
        let name = 'upstream' + (c.upstreams.length + 1);
        while (upstreamNames.has(name)) name += '_';
        found = { name, url, connections: 128, tls: { rejectUnauthorized: true } };
        upstreamNames.add(name);
        c.upstreams.push(found);
      }
      return found.name;
    };

    // Routes from the file
    const routes = this.list(top.routes, ['routes']);
    routes?.forEach((item, i) => {
      const p: P = ['routes', i];
      const o = this.obj(item, p, ['name', 'host', 'hosts', 'pathPrefix', 'upstream', 'mode', 'exclusions']);
      if (!o) return;
      const hosts: string[] = [];
      for (const [key, val] of [['host', o.host], ['hosts', o.hosts]] as const) {
        this.list(val, [...p, key])?.forEach((h, j) => {
          const hp: P = key === 'host' ? [...p, key] : [...p, key, j];
          const s = this.str(h, hp, { nonEmpty: true });
          if (s === undefined) return;
          const norm = s.trim().toLowerCase();
          if (!/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$|^\[[0-9a-f:.]+\]$/.test(norm)) this.err(hp, `invalid host name ${show(s)} (no port, no scheme; *.example.com for sub-domains)`);
          else hosts.push(norm.replace(/\.$/, ''));
        });
      }
      const pathPrefix = this.pathPrefix(o.pathPrefix, [...p, 'pathPrefix']) ?? '/';
      let upstream = '';
      const us = this.str(o.upstream, [...p, 'upstream'], { nonEmpty: true });
      if (o.upstream === undefined) this.err(p, 'needs an upstream (a name from upstreams or a URL)');
      else if (us !== undefined) {
        if (/^[a-z]+:\/\//i.test(us)) {
          const url = this.upstreamUrl(us, [...p, 'upstream']);
          if (url) upstream = inlineUpstream(url);
        } else if (!upstreamNames.has(us)) this.err([...p, 'upstream'], `unknown upstream ${show(us)}${upstreamNames.size ? suggest(us, [...upstreamNames]) : ' (no upstreams are defined)'}`);
        else upstream = us;
      }
      const mode = this.enumv(o.mode, [...p, 'mode'], ['block', 'detect', 'off'] as const);
      const exclusions = this.exclusions(o.exclusions, [...p, 'exclusions']);
      const name = this.str(o.name, [...p, 'name']) ?? `route${i}`;
      c.routes.push({ name, hosts, pathPrefix, upstream, ...(mode ? { mode } : {}), exclusions });
    });

    // Routes from --route / VPATCH_ROUTES
    this.list(top.route, ['route'])?.forEach((spec, i) => {
      const r = this.conv(spec, ['route', i], parseRouteSpec);
      if (!r) return;
      const url = this.upstreamUrl(r.url, ['route', i]);
      if (!url) return;
      c.routes.push({ name: `route-flag${i}`, hosts: r.host ? [r.host] : [], pathPrefix: r.pathPrefix, upstream: inlineUpstream(url), ...(r.mode ? { mode: r.mode } : {}), exclusions: r.exclusions });
    });

    // Default upstream: a catch-all route, last.
    if (top.upstream !== undefined && top.upstream !== null) {
      const s = this.str(top.upstream, ['upstream'], { nonEmpty: true });
      if (s !== undefined) {
        if (/^[a-z]+:\/\//i.test(s)) {
          const url = this.upstreamUrl(s, ['upstream']);
          if (url) c.routes.push({ name: 'default', hosts: [], pathPrefix: '/', upstream: inlineUpstream(url), exclusions: { ids: [], tags: [] } });
        } else if (upstreamNames.has(s)) c.routes.push({ name: 'default', hosts: [], pathPrefix: '/', upstream: s, exclusions: { ids: [], tags: [] } });
        else this.err(['upstream'], `expected a URL (http://127.0.0.1:3000) or an upstream name, got ${show(s)}`);
      }
    }
    if (c.routes.length === 0 && this.issues.length === 0) {
      this.err(['upstream'], 'no upstream: give --upstream URL (or VPATCH_UPSTREAM, or `upstream:`/`routes:` in the config file)');
    }
    // Duplicate routes are almost always a mistake.
    const seen = new Map<string, number>();
    c.routes.forEach((r, i) => {
      const key = `${[...r.hosts].sort().join(',')}|${r.pathPrefix}`;
      if (seen.has(key) && r.name !== 'default') this.err(['routes', i], `same hosts and pathPrefix as routes[${seen.get(key)}]`);
      seen.set(key, i);
    });

    c.mode = this.enumv(top.mode, ['mode'], ['block', 'detect', 'off'] as const) ?? c.mode;
    c.failurePolicy = this.enumv(top.failurePolicy, ['failurePolicy'], ['closed', 'open'] as const) ?? c.failurePolicy;
    if (top.workers !== undefined && top.workers !== null) {
      if (typeof top.workers === 'string' && top.workers.trim().toLowerCase() === 'auto') c.workers = Math.max(1, availableParallelism());
      else c.workers = this.int(top.workers, ['workers'], 1, 1024) ?? c.workers;
    }

    // Rules
    const rules = this.obj(top.rules, ['rules'], ['crsDir', 'crsSetup', 'paranoia', 'executingParanoia', 'inboundAnomalyThreshold', 'outboundAnomalyThreshold', 'patches', 'env', 'stateDb', 'files', 'inline', 'exclusions']);
    if (rules) {
      const r = c.rules;
      if (rules.crsDir !== undefined && rules.crsDir !== null && rules.crsDir !== '') r.crsDir = this.file(rules.crsDir, ['rules', 'crsDir']) ?? null;
      if (rules.crsSetup !== undefined && rules.crsSetup !== null) r.crsSetup = this.file(rules.crsSetup, ['rules', 'crsSetup']) ?? null;
      r.paranoia = this.int(rules.paranoia, ['rules', 'paranoia'], 1, 4) ?? r.paranoia;
      r.executingParanoia = this.int(rules.executingParanoia, ['rules', 'executingParanoia'], 1, 4) ?? null;
      if (r.executingParanoia !== null && r.executingParanoia < r.paranoia) this.err(['rules', 'executingParanoia'], `must be at least paranoia (${r.paranoia})`);
      r.inboundAnomalyThreshold = this.int(rules.inboundAnomalyThreshold, ['rules', 'inboundAnomalyThreshold'], 1, 10000) ?? r.inboundAnomalyThreshold;
      r.outboundAnomalyThreshold = this.int(rules.outboundAnomalyThreshold, ['rules', 'outboundAnomalyThreshold'], 1, 10000) ?? r.outboundAnomalyThreshold;
      const patches = this.str(rules.patches, ['rules', 'patches'], { nonEmpty: true });
      if (patches !== undefined) r.patches = patches === 'builtin' || patches === 'none' ? patches : resolvePath(this.baseDir, patches);
      const env = this.str(rules.env, ['rules', 'env'], { nonEmpty: true });
      if (env !== undefined) {
        // the state store's rule for environment names (src/patches/store.ts)
        if (!/^[a-z0-9][a-z0-9_.-]{0,62}$/i.test(env.trim())) this.err(['rules', 'env'], `invalid environment name ${show(env)} (letters, digits, . _ -; up to 63)`);
        else r.env = env.trim();
      }
      if (rules.stateDb !== undefined && rules.stateDb !== null && rules.stateDb !== '') r.stateDb = this.file(rules.stateDb, ['rules', 'stateDb']) ?? null;
      r.files = (this.list(rules.files, ['rules', 'files']) ?? []).map((f, i) => this.file(f, ['rules', 'files', i])).filter((x): x is string => !!x);
      r.inline = this.str(rules.inline, ['rules', 'inline']) ?? '';
      r.exclusions = this.exclusions(rules.exclusions, ['rules', 'exclusions']);
    }

    const body = this.obj(top.body, ['body'], ['requestLimit', 'requestLimitAction', 'requestNoFilesLimit', 'responseInspection', 'responseLimit', 'responseMimeTypes']);
    if (body) {
      c.body.requestLimit = this.conv(body.requestLimit, ['body', 'requestLimit'], parseSize) ?? c.body.requestLimit;
      c.body.requestLimitAction = this.enumv(body.requestLimitAction, ['body', 'requestLimitAction'], ['reject', 'partial'] as const) ?? c.body.requestLimitAction;
      c.body.requestNoFilesLimit = this.conv(body.requestNoFilesLimit, ['body', 'requestNoFilesLimit'], parseSize) ?? c.body.requestNoFilesLimit;
      c.body.responseInspection = this.bool(body.responseInspection, ['body', 'responseInspection']) ?? c.body.responseInspection;
      c.body.responseLimit = this.conv(body.responseLimit, ['body', 'responseLimit'], parseSize) ?? c.body.responseLimit;
      const mt = this.list(body.responseMimeTypes, ['body', 'responseMimeTypes']);
      if (mt) {
        c.body.responseMimeTypes = [];
        mt.forEach((m, i) => {
          const s = this.str(m, ['body', 'responseMimeTypes', i], { nonEmpty: true });
          if (s === undefined) return;
          if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$/i.test(s.trim())) this.err(['body', 'responseMimeTypes', i], `not a MIME type: ${show(s)}`);
          else c.body.responseMimeTypes.push(s.trim().toLowerCase());
        });
      }
    }
    if (c.body.requestNoFilesLimit > c.body.requestLimit) this.err(['body', 'requestNoFilesLimit'], `must not exceed body.requestLimit (${c.body.requestLimit})`);

    const limits = this.obj(top.limits, ['limits'], ['maxHeaderSize', 'maxHeaders', 'maxUriLength']);
    if (limits) {
      c.limits.maxHeaderSize = this.conv(limits.maxHeaderSize, ['limits', 'maxHeaderSize'], parseSize) ?? c.limits.maxHeaderSize;
      c.limits.maxHeaders = this.int(limits.maxHeaders, ['limits', 'maxHeaders'], 1, 10000) ?? c.limits.maxHeaders;
      c.limits.maxUriLength = this.conv(limits.maxUriLength, ['limits', 'maxUriLength'], parseSize) ?? c.limits.maxUriLength;
      if (c.limits.maxHeaderSize < 1024) this.err(['limits', 'maxHeaderSize'], 'must be at least 1KB');
    }

    const t = this.obj(top.timeouts, ['timeouts'], Object.keys(c.timeouts));
    if (t) {
      for (const k of Object.keys(c.timeouts) as (keyof ProxyConfig['timeouts'])[]) {
        const d = this.conv(t[k], ['timeouts', k], parseDuration);
        if (d !== undefined) {
          if (d === 0 && k !== 'request' && k !== 'shutdown') this.err(['timeouts', k], 'must be greater than 0');
          c.timeouts[k] = d;
        }
      }
    }

    const tp = this.list(top.trustedProxies, ['trustedProxies']);
    if (tp) c.trustedProxies = tp.map((x, i) => this.conv(x, ['trustedProxies', i], parseCidr)).filter((x): x is string => !!x);

    const fw = this.obj(top.forwarded, ['forwarded'], ['xForwarded', 'forwarded']);
    if (fw) {
      c.forwarded.xForwarded = this.bool(fw.xForwarded, ['forwarded', 'xForwarded']) ?? c.forwarded.xForwarded;
      c.forwarded.forwarded = this.bool(fw.forwarded, ['forwarded', 'forwarded']) ?? c.forwarded.forwarded;
    }
    c.preserveHost = this.bool(top.preserveHost, ['preserveHost']) ?? c.preserveHost;

    const rid = this.obj(top.requestId, ['requestId'], ['header', 'trustIncoming']);
    if (rid) {
      const h = this.str(rid.header, ['requestId', 'header'], { nonEmpty: true });
      if (h !== undefined) {
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(h)) this.err(['requestId', 'header'], `not a header name: ${show(h)}`);
        else c.requestId.header = h.toLowerCase();
      }
      c.requestId.trustIncoming = this.bool(rid.trustIncoming, ['requestId', 'trustIncoming']) ?? false;
    }

    const admin = this.obj(top.admin, ['admin'], ['listen', 'token']);
    if (admin) {
      if (admin.listen === false || admin.listen === 'off' || admin.listen === 'none') c.admin.listen = null;
      else if (admin.listen !== undefined && admin.listen !== null) c.admin.listen = this.conv(admin.listen, ['admin', 'listen'], parseHostPort) ?? c.admin.listen;
      const tok = this.str(admin.token, ['admin', 'token']);
      if (tok !== undefined && tok !== '') {
        if (tok.length < 16) this.err(['admin', 'token'], 'must be at least 16 characters');
        c.admin.token = tok;
      }
    }
    if (c.admin.listen && !isLoopbackHost(c.admin.listen.host) && !c.admin.token) {
      this.err(['admin', 'listen'], `${formatHostPort(c.admin.listen)} is not a loopback address: set admin.token (VPATCH_ADMIN_TOKEN) as well`);
    }

    const log = this.obj(top.log, ['log'], ['level', 'access']);
    if (log) {
      c.log.level = this.enumv(log.level, ['log', 'level'], ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const) ?? c.log.level;
      c.log.access = this.bool(log.access, ['log', 'access']) ?? c.log.access;
    }
    const audit = this.obj(top.audit, ['audit'], ['mode', 'path', 'parts']);
    if (audit) {
      c.audit.mode = this.enumv(audit.mode, ['audit', 'mode'], ['relevant', 'all', 'off'] as const) ?? c.audit.mode;
      const path = this.str(audit.path, ['audit', 'path'], { nonEmpty: true });
      if (path !== undefined) c.audit.path = path === 'stdout' || path === 'stderr' || path === '-' ? (path === '-' ? 'stdout' : path) : resolvePath(this.baseDir, path);
      const parts = this.str(audit.parts, ['audit', 'parts'], { nonEmpty: true });
      if (parts !== undefined) {
        const up = parts.toUpperCase();
        if (!/^[A-KZ]+$/.test(up)) this.err(['audit', 'parts'], `letters A-K and Z only (SecAuditLogParts), got ${show(parts)}`);
        else c.audit.parts = [...new Set(('A' + up + 'Z').split(''))].sort().join('');
      }
    }
    const reload = this.obj(top.reload, ['reload'], ['watch']);
    if (reload) c.reload.watch = this.bool(reload.watch, ['reload', 'watch']) ?? c.reload.watch;
    return c;
  }

  private upstreamUrl(value: unknown, path: P): string | undefined {
    return this.conv(value, path, (v) => {
      if (typeof v !== 'string') throw new Error(`expected a URL such as http://127.0.0.1:3000, got ${show(v)}`);
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        throw new Error(`not a URL: ${show(v)} (expected http://host:port)`);
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`upstream must be http:// or https://, got ${show(v)}`);
      if (u.username || u.password) throw new Error('upstream URL must not carry credentials');
      if ((u.pathname && u.pathname !== '/') || u.search || u.hash) throw new Error(`upstream URL must be an origin (scheme://host:port) without path or query, got ${show(v)}`);
      return u.origin;
    });
  }

  private pathPrefix(value: unknown, path: P): string | undefined {
    return this.conv(value, path, (v) => {
      if (typeof v !== 'string' || !v.startsWith('/')) throw new Error(`expected a path starting with /, got ${show(v)}`);
      if (/[?#\s%]/.test(v) || /(^|\/)\.\.?(\/|$)/.test(v)) throw new Error(`path prefix must be a plain normalised path (no ?, #, %, spaces or dot segments), got ${show(v)}`);
      return v;
    });
  }

  private exclusions(value: unknown, path: P): RuleExclusions {
    const out: RuleExclusions = { ids: [], tags: [] };
    const o = this.obj(value, path, ['ids', 'tags']);
    if (!o) return out;
    this.list(o.ids, [...path, 'ids'])?.forEach((x, i) => {
      const id = this.conv(x, [...path, 'ids', i], parseRuleIdSpec);
      if (id) out.ids.push(id);
    });
    this.list(o.tags, [...path, 'tags'])?.forEach((x, i) => {
      const s = this.str(x, [...path, 'tags', i], { nonEmpty: true });
      if (s === undefined) return;
      if (/["\s]/.test(s)) this.err([...path, 'tags', i], `tags may not contain quotes or spaces, got ${show(s)}`);
      else out.tags.push(s);
    });
    return out;
  }
}

/** `[HOST]/PREFIX=URL[;mode=detect][;exclude=ID,ID-ID]`. */
export function parseRouteSpec(value: unknown): { host: string | null; pathPrefix: string; url: string; mode?: Mode; exclusions: RuleExclusions } {
  if (typeof value !== 'string') throw new Error(`expected HOST/PREFIX=URL, got ${show(value)}`);
  const [main, ...params] = value.split(';');
  const eq = main!.indexOf('=');
  if (eq < 0) throw new Error(`expected [HOST]/PREFIX=URL, got ${show(value)}`);
  const left = main!.slice(0, eq).trim();
  const url = main!.slice(eq + 1).trim();
  const slash = left.indexOf('/');
  const host = slash < 0 ? left : left.slice(0, slash);
  const pathPrefix = slash < 0 ? '/' : left.slice(slash);
  if (host && !/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i.test(host)) throw new Error(`invalid host ${show(host)} in route ${show(value)}`);
  if (/[?#\s%]/.test(pathPrefix) || /(^|\/)\.\.?(\/|$)/.test(pathPrefix)) throw new Error(`invalid path prefix in route ${show(value)}`);
  const exclusions: RuleExclusions = { ids: [], tags: [] };
  let mode: Mode | undefined;
  for (const p of params) {
    const [k, v = ''] = p.split('=').map((x) => x.trim());
    if (k === 'mode') {
      if (v !== 'block' && v !== 'detect' && v !== 'off') throw new Error(`mode must be block, detect or off in route ${show(value)}`);
      mode = v;
    } else if (k === 'exclude') exclusions.ids.push(...v.split(',').filter(Boolean).map(parseRuleIdSpec));
    else if (k === 'exclude-tag') exclusions.tags.push(...v.split(',').filter(Boolean));
    else throw new Error(`unknown route parameter ${show(k)} (mode, exclude, exclude-tag)`);
  }
  return { host: host ? host.toLowerCase() : null, pathPrefix, url, ...(mode ? { mode } : {}), exclusions };
}
