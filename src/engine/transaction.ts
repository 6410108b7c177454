import type { Interruption, MatchedRule, RuleEngineMode, TraceEvent, TransactionOptions } from './api-types.js';
import type { AuditEngineMode } from './config.js';
import { MapCollection, OrderedCollection } from './collections.js';
import type { Captures, Operator } from './operators/types.js';
import type { CompiledRegex } from './regex/index.js';
import type { Rule, Target } from './rule.js';
import type { CompiledRuleSet } from './seclang/compiler.js';
import { TransformCache } from './transform-pipeline.js';
import { ValueSink } from './value-sink.js';
import * as bodyProcessors from './body/index.js';
import type { XmlDocument } from './body/index.js';
import { expandTags, MatchRecord } from './match-record.js';
import type { CollectionStore } from './collection-store.js';
import { buildAuditLogEntry, type AuditLogEntry } from './audit-log.js';
import { type CandidateIndex, type LinkPlan, SOURCE_SCALAR } from './candidates.js';
import { admits, hasBytes, Inspector, type Snapshot, type ValueRecord } from './inspection.js';
import { targetSelects } from './variables/families.js';

/** A ctl:ruleRemoveTarget* entry: which rule(s) stop inspecting which variable. */
export interface RuntimeTargetRemoval {
  ruleId: number;
  tag: string | null;
  msg: string | null;
  variableName: string;
  lowerKey: string | null;
  keyRegexSource: string | null;
  keyRegex: CompiledRegex | null;
}

/** What a Transaction needs from its WAF. */
export interface TransactionHost {
  readonly ruleSet: CompiledRuleSet;
  readonly collectionStore: CollectionStore;
  readonly config: CompiledRuleSet['config'];
  /** Operators compiled from macro-expanded parameters, shared across transactions. */
  dynamicOperator(rule: Rule, param: string): Operator;
  /** SecAuditLogRelevantStatus, compiled once. */
  readonly auditRelevantStatus: CompiledRegex | null;
  /** The rule-set candidate index, or null (every rule runs on every value). */
  readonly candidates: CandidateIndex | null;
}

let idCounter = 0;
/** Digits, a dot, digits, as ModSecurity v3 writes UNIQUE_ID ("1700000000123.456789"): this process's start and a random part, then a counter. */
const ID_PREFIX = `${Date.now()}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;

function generateId(): string {
  idCounter = (idCounter + 1) >>> 0;
  return `${ID_PREFIX}.${String(idCounter).padStart(6, '0')}`;
}

const NO_FILES_LIMIT_MESSAGE = 'Request body excluding files is bigger than the maximum expected.';

const CAPTURE_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Decodes %XX escapes (not `+`), leaving invalid ones as they are: ModSecurity's uri_decode. */
function uriDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  let out = '';
  let last = 0;
  for (let i = 0; i + 2 < s.length; i++) {
    if (s.charCodeAt(i) !== 0x25) continue;
    const h = hexVal(s.charCodeAt(i + 1));
    const l = hexVal(s.charCodeAt(i + 2));
    if (h < 0 || l < 0) continue;
    out += s.slice(last, i) + String.fromCharCode(h * 16 + l);
    last = i + 3;
    i += 2;
  }
  return out + s.slice(last);
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * One HTTP transaction through the WAF. Feed it the request (and optionally the response)
 * in order; each `process*` call runs the matching phase and returns the interruption, if
 * any. All values are byte strings (latin1); Buffers are converted on entry.
 */
export class Transaction {
  readonly id: string;
  readonly waf: TransactionHost;
  readonly startMs: number;
  readonly startDate: Date;
  ruleEngine: RuleEngineMode;

  // Arguments
  readonly args = new OrderedCollection();
  readonly argsGet = new OrderedCollection();
  readonly argsPost = new OrderedCollection();
  argsCombinedSize = 0;
  // Request line
  requestLine: string | undefined;
  requestMethod: string | undefined;
  requestProtocol: string | undefined;
  requestUri: string | undefined;
  requestUriRaw: string | undefined;
  requestFilename: string | undefined;
  requestBasename: string | undefined;
  queryString: string | undefined;
  // Headers
  readonly requestHeaders = new OrderedCollection();
  readonly requestCookies = new OrderedCollection();
  authType: string | undefined;
  remoteUser: string | undefined;
  // Body
  requestBodyProcessor = '';
  requestBodyVariable: string | undefined;
  requestBodyLengthVariable: string | undefined;
  reqbodyError: string | undefined;
  reqbodyErrorMsg: string | undefined;
  inboundDataError: string | undefined;
  outboundDataError: string | undefined;
  urlencodedError: string | undefined;
  xmlDocument: XmlDocument | null = null;
  readonly xpathCache = new Map<string, string[]>();
  readonly files = new OrderedCollection();
  readonly filesSizes = new OrderedCollection();
  readonly filesTmpNames = new OrderedCollection();
  readonly filesTmpContent = new OrderedCollection();
  readonly multipartPartHeaders = new OrderedCollection();
  filesCombinedSize = 0;
  multipartFlags: Record<string, number> | null = null;
  multipartFilename: string | undefined;
  multipartName: string | undefined;
  // Connection
  remoteAddr: string | undefined;
  remotePort: string | undefined;
  serverAddr: string | undefined;
  serverPort: string | undefined;
  serverName: string | undefined;
  // Response
  responseStatus: string | undefined;
  responseProtocol: string | undefined;
  readonly responseHeaders = new OrderedCollection();
  responseBodyVariable: string | undefined;
  responseContentType: string | undefined;
  responseContentLength: string | undefined;
  // Collections
  readonly txCollection = new MapCollection();
  readonly persistent = new Map<string, MapCollection>();
  private readonly persistentKeys = new Map<string, string>();
  private envCollection: MapCollection | null = null;
  sessionId: string | undefined;
  userId: string | undefined;
  // Matches
  matchedVar: string | undefined;
  matchedVarName: string | undefined;
  readonly matchedVars = new OrderedCollection();
  highestSeverity = 255;
  currentRule: Rule | null = null;
  // Per-transaction configuration changed by ctl
  requestBodyAccessOverride: boolean | null = null;
  responseBodyAccessOverride: boolean | null = null;
  forceRequestBodyVariable = false;
  requestBodyLimit: number;
  auditEngine: AuditEngineMode;
  auditLogParts: string;
  private removedRanges: Array<[number, number]> | null = null;
  private removedTags: string[] | null = null;
  private removedMsgs: string[] | null = null;
  private removedTargets: RuntimeTargetRemoval[] | null = null;
  // Outcome
  interruption: Interruption | null = null;
  wouldInterrupt: Interruption | null = null;
  readonly matchedRules: MatchedRule[] = [];
  /** TransactionOptions.trace, or null. */
  readonly trace: ((event: TraceEvent) => void) | null;
  private readonly pendingCaptures: TraceEvent[] = [];
  // Internals
  private readonly transformCache: TransformCache;
  /** Per-transaction side of the candidate index; null without the index (or with a trace, which reports every value). */
  private readonly inspector: Inspector | null;
  private readonly sink = new ValueSink();
  private readonly captures: Captures = { groups: [] };
  private requestChunks: Buffer[] = [];
  private requestBodyLength = 0;
  private responseChunks: Buffer[] = [];
  private responseBodyLength = 0;
  private allowState: 'none' | 'phase' | 'request' | 'all' = 'none';
  private phaseDone = 0;
  private loggingDone = false;
  private fullRequestCache: string | undefined;
  private requestBody = '';

  constructor(waf: TransactionHost, options: TransactionOptions = {}) {
    this.waf = waf;
    this.id = options.id ?? generateId();
    this.startMs = Date.now();
    this.startDate = new Date(this.startMs);
    const config = waf.config;
    this.ruleEngine = options.ruleEngine ?? config.ruleEngine;
    this.requestBodyLimit = config.requestBodyLimit;
    this.auditEngine = config.auditEngine;
    this.auditLogParts = config.auditLogParts;
    this.transformCache = new TransformCache(waf.ruleSet.transforms.size);
    this.trace = options.trace ?? null;
    this.inspector = waf.candidates !== null && this.trace === null ? new Inspector(waf.candidates, waf.ruleSet.transforms.size) : null;
  }

  /** ENV: the host's environment (ModSecurity v3 reads the process environment) plus what setenv writes; built on first use. */
  get env(): MapCollection {
    if (this.envCollection === null) {
      const c = new MapCollection();
      for (const [k, v] of this.waf.ruleSet.environment) c.set(k, v);
      this.envCollection = c;
    }
    return this.envCollection;
  }

  /** Time used for collection expiry: the transaction start, so one request sees one clock. */
  get nowMs(): number {
    return this.startMs;
  }

  // ---------------------------------------------------------------- request

  processConnection(clientAddress: string, clientPort: number, serverAddress: string, serverPort: number): void {
    this.remoteAddr = clientAddress;
    this.remotePort = String(clientPort);
    this.serverAddr = serverAddress;
    this.serverPort = String(serverPort);
  }

  processUri(uri: string, method: string, httpVersion: string): void {
    const protocol = /^\d/.test(httpVersion) ? `HTTP/${httpVersion}` : httpVersion;
    this.requestMethod = method;
    this.requestProtocol = protocol;
    this.requestLine = protocol === '' ? `${method} ${uri}` : `${method} ${uri} ${protocol}`;
    this.requestUriRaw = uri;
    // As ModSecurity v3: a fragment (from the first raw '#') is not part of REQUEST_URI,
    // QUERY_STRING or ARGS; the path ends at the first raw '?', so an encoded %3F stays in it.
    const hash = uri.indexOf('#');
    const target = hash < 0 ? uri : uri.slice(0, hash);
    const decoded = uriDecode(target);
    const qRaw = target.indexOf('?');
    this.queryString = qRaw < 0 ? '' : target.slice(qRaw + 1);
    const path = qRaw < 0 ? decoded : uriDecode(target.slice(0, qRaw));
    this.requestFilename = path;
    const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    this.requestBasename = slash < 0 ? path : path.slice(slash + 1);
    let parsedUri = decoded;
    // An absolute-form target (http://host/path) keeps only its path, as ModSecurity does.
    if (decoded.length > 0 && decoded[0] !== '/') {
      const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*(\/.*)$/s.exec(decoded);
      if (m !== null) parsedUri = m[1]!;
    }
    this.requestUri = parsedUri;
    // ModSecurity v3: URLENCODED_ERROR exists from the start, 0 until a query or body has a bad escape.
    this.urlencodedError ??= '0';
    if (this.queryString !== '') {
      const result = bodyProcessors.parseUrlencodedDetailed(this.queryString, this.waf.config.argumentSeparator);
      for (const [name, value] of result.args) this.addArgument(this.argsGet, name, value);
      if (result.urlencodedError) this.urlencodedError = '1';
    }
  }

  private addArgument(collection: OrderedCollection, name: string, value: string): void {
    if (this.args.size >= this.waf.config.argumentsLimit) return;
    collection.add(name, value);
    this.args.add(name, value);
    this.argsCombinedSize += name.length + value.length;
  }

  addRequestHeader(name: string, value: string): void {
    this.requestHeaders.add(name, value);
    this.fullRequestCache = undefined;
    const lower = name.toLowerCase();
    if (lower === 'cookie') this.parseCookies(value);
    else if (lower === 'content-type') {
      const l = value.toLowerCase();
      if (l.startsWith('multipart/form-data')) this.requestBodyProcessor = 'MULTIPART';
      else if (l.startsWith('application/x-www-form-urlencoded')) this.requestBodyProcessor = 'URLENCODED';
    } else if (lower === 'host') {
      const colon = value.startsWith('[') ? value.indexOf(']') + 1 : value.indexOf(':');
      this.serverName = colon > 0 ? value.slice(0, colon) : value;
    } else if (lower === 'authorization') {
      const sp = value.indexOf(' ');
      this.authType = sp < 0 ? value : value.slice(0, sp);
      // REMOTE_USER as ModSecurity v3 reads it: the user part of `Basic base64(user:password)`.
      if (value.length > 6) {
        const credentials = Buffer.from(value.slice(6), 'base64').toString('latin1');
        const colon = credentials.indexOf(':');
        if (colon >= 0) this.remoteUser = credentials.slice(0, colon);
      }
    }
  }

  private parseCookies(header: string): void {
    const parts = header.split(';');
    const lastIdx = parts.length - 1;
    parts[lastIdx] = parts[lastIdx]!.replace(/\s+$/, '');
    for (const part of parts) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      let key = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      key = key.replace(/^\s+/, '');
      if (key === '') continue;
      this.requestCookies.add(key, value);
    }
  }

  processRequestHeaders(): Interruption | null {
    if (this.phaseDone >= 1) return this.interruption;
    this.phaseDone = 1;
    this.evaluatePhase(1);
    return this.interruption;
  }

  /** Whether the caller should buffer the request body for inspection (SecRequestBodyAccess / ctl). */
  get requestBodyAccess(): boolean {
    return this.ruleEngine !== 'Off' && (this.requestBodyAccessOverride ?? this.waf.config.requestBodyAccess);
  }

  /** Adds body bytes; returns an interruption when the body limit is exceeded and its action is Reject. */
  appendRequestBody(chunk: Buffer | string): Interruption | null {
    if (this.interruption !== null) return this.interruption;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    const limit = this.requestBodyLimit;
    if (limit > 0 && this.requestBodyLength + buf.length > limit) {
      this.inboundDataError = '1';
      if (this.waf.config.requestBodyLimitAction === 'ProcessPartial') {
        const room = limit - this.requestBodyLength;
        if (room > 0) {
          this.requestChunks.push(buf.subarray(0, room));
          this.requestBodyLength += room;
        }
        return null;
      }
      // ModSecurity v3 answers 403 (SecRequestBodyNoFilesLimit is checked when the body is parsed).
      const intr: Interruption = { action: 'deny', status: 403, ruleId: 0, phase: 2 };
      this.interrupt(intr);
      return this.interruption;
    }
    this.requestChunks.push(buf);
    this.requestBodyLength += buf.length;
    return null;
  }

  /** Parses the buffered body with the selected processor, then runs phase 2. */
  processRequestBody(): Interruption | null {
    if (this.phaseDone >= 2) return this.interruption;
    if (this.phaseDone < 1) this.processRequestHeaders();
    this.phaseDone = 2;
    if (this.interruption !== null || this.ruleEngine === 'Off') return this.interruption;
    if (this.inboundDataError === undefined) this.inboundDataError = '0';
    this.reqbodyError = '0';
    if (this.requestBodyAccess) this.parseRequestBody();
    this.evaluatePhase(2);
    return this.interruption;
  }

  private parseRequestBody(): void {
    const body = this.requestChunks.length === 0 ? '' : this.requestChunks.length === 1 ? this.requestChunks[0]!.toString('latin1') : Buffer.concat(this.requestChunks).toString('latin1');
    this.requestChunks = [];
    this.requestBody = body;
    const config = this.waf.config;
    let error: string | null = null;
    // SecRequestBodyNoFilesLimit, as ModSecurity v3 applies it: a body over the limit is not
    // parsed and sets REQBODY_ERROR (multipart bodies count only part headers and fields).
    const noFilesLimit = config.requestBodyNoFilesLimit;
    const processor = this.requestBodyProcessor;
    if (noFilesLimit > 0 && body.length > noFilesLimit && (processor === 'URLENCODED' || processor === 'JSON' || processor === 'XML')) {
      this.reqbodyError = '1';
      this.reqbodyErrorMsg = NO_FILES_LIMIT_MESSAGE;
    } else switch (processor) {
      case 'URLENCODED': {
        const result = bodyProcessors.parseUrlencodedDetailed(body, config.argumentSeparator);
        for (const [n, v] of result.args) this.addArgument(this.argsPost, n, v);
        if (result.urlencodedError) this.urlencodedError = '1';
        break;
      }
      case 'MULTIPART': {
        const result = bodyProcessors.parseMultipart(body, this.requestHeaders.first('content-type') ?? '', { fileLimit: config.uploadFileLimit, saveFiles: config.saveUploadedFiles });
        for (const [n, v] of result.args) this.addArgument(this.argsPost, n, v);
        for (const f of result.files) {
          this.files.add(f.fieldName, f.filename);
          this.filesSizes.add(f.fieldName, String(f.size));
          this.filesTmpNames.add(f.fieldName, f.filename);
          this.filesTmpContent.add(f.fieldName, f.content);
          this.filesCombinedSize += f.size;
        }
        for (const [n, v] of result.partHeaders) this.multipartPartHeaders.add(n, v);
        this.multipartFlags = result.flags;
        this.multipartFilename = result.lastFilename || undefined;
        this.multipartName = result.lastName || undefined;
        error = result.error;
        if (noFilesLimit > 0 && result.noFilesLength > noFilesLimit) error = NO_FILES_LIMIT_MESSAGE;
        if (this.trace !== null) for (const message of result.debug) this.trace({ type: 'body', processor: 'MULTIPART', message });
        break;
      }
      case 'JSON': {
        if (body.length === 0) break;
        const result = bodyProcessors.parseJson(body, { depthLimit: config.requestBodyJsonDepthLimit });
        error = result.error;
        for (const [n, v] of result.args) {
          if (this.args.size >= config.argumentsLimit) {
            // ModSecurity v3 stops the JSON parser when SecArgumentsLimit is reached.
            error = 'JSON parsing error: parse error: client cancelled parse via callback return value\n';
            break;
          }
          this.addArgument(this.argsPost, n, v);
        }
        break;
      }
      case 'XML': {
        const result = bodyProcessors.parseXml(body);
        this.xmlDocument = result.doc;
        error = result.error;
        break;
      }
      default:
        break;
    }
    if (error !== null) {
      this.reqbodyError = '1';
      this.reqbodyErrorMsg = error;
    }
    if (body.length > 0) {
      // ModSecurity v3 fills REQUEST_BODY for every body; the CRS suite expects XML bodies to
      // be inspected through XML:/* only (nginx declares overrides for exactly that), so XML
      // is the one exception, unless a rule forces the variable.
      if (processor !== 'XML' || this.forceRequestBodyVariable) this.requestBodyVariable = body;
      this.requestBodyLengthVariable = String(body.length);
    }
  }

  /** FULL_REQUEST as ModSecurity v3 builds it: headers, a blank line and the body, on first use. */
  fullRequest(): string {
    if (this.fullRequestCache === undefined) {
      let s = '';
      for (let i = 0; i < this.requestHeaders.size; i++) s += `${this.requestHeaders.keys[i]}: ${this.requestHeaders.values[i]}\n`;
      this.fullRequestCache = s + '\n\n' + this.requestBody;
    }
    return this.fullRequestCache;
  }

  // ---------------------------------------------------------------- response

  addResponseHeader(name: string, value: string): void {
    this.responseHeaders.add(name, value);
    if (name.toLowerCase() === 'content-type') {
      const semi = value.indexOf(';');
      this.responseContentType = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
    }
  }

  processResponseHeaders(status: number, protocol: string): Interruption | null {
    if (this.phaseDone >= 3) return this.interruption;
    this.phaseDone = 3;
    this.responseStatus = String(status);
    this.responseProtocol = protocol;
    if (this.interruption !== null || this.ruleEngine === 'Off') return this.interruption;
    this.evaluatePhase(3);
    return this.interruption;
  }

  /** Whether the caller should buffer the response body (SecResponseBodyAccess and a listed MIME type). */
  get responseBodyAccess(): boolean {
    if (this.ruleEngine === 'Off' || !(this.responseBodyAccessOverride ?? this.waf.config.responseBodyAccess)) return false;
    const types = this.waf.config.responseBodyMimeTypes;
    if (types.size === 0) return true;
    return types.has(this.responseContentType ?? '');
  }

  appendResponseBody(chunk: Buffer | string): Interruption | null {
    if (this.interruption !== null) return this.interruption;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    const limit = this.waf.config.responseBodyLimit;
    if (limit > 0 && this.responseBodyLength + buf.length > limit) {
      this.outboundDataError = '1';
      if (this.waf.config.responseBodyLimitAction === 'ProcessPartial') {
        const room = limit - this.responseBodyLength;
        if (room > 0) {
          this.responseChunks.push(buf.subarray(0, room));
          this.responseBodyLength += room;
        }
        return null;
      }
      this.interrupt({ action: 'deny', status: 403, ruleId: 0, phase: 4 });
      return this.interruption;
    }
    this.responseChunks.push(buf);
    this.responseBodyLength += buf.length;
    return null;
  }

  processResponseBody(): Interruption | null {
    if (this.phaseDone >= 4) return this.interruption;
    if (this.phaseDone < 3) this.processResponseHeaders(200, 'HTTP/1.1');
    this.phaseDone = 4;
    if (this.interruption !== null || this.ruleEngine === 'Off') return this.interruption;
    if (this.outboundDataError === undefined) this.outboundDataError = '0';
    if (this.responseBodyAccess) {
      const body = Buffer.concat(this.responseChunks).toString('latin1');
      this.responseChunks = [];
      this.responseBodyVariable = body;
      this.responseContentLength = String(body.length);
    }
    this.evaluatePhase(4);
    return this.interruption;
  }

  /** Phase 5; always call it last. Persists the collections opened with initcol. */
  processLogging(): void {
    if (this.loggingDone) return;
    this.loggingDone = true;
    if (this.ruleEngine !== 'Off') this.evaluatePhase(5);
    for (const [name, coll] of this.persistent) {
      const key = this.persistentKeys.get(name);
      if (key !== undefined) this.waf.collectionStore.save(name, key, coll, this.waf.config.collectionTimeout);
    }
  }

  // ---------------------------------------------------------------- ctl and collections

  removeRuleRanges(ranges: Array<[number, number]>): void {
    (this.removedRanges ??= []).push(...ranges);
  }

  removeRulesByTag(tag: string): void {
    (this.removedTags ??= []).push(tag);
  }

  removeRulesByMsg(msg: string): void {
    (this.removedMsgs ??= []).push(msg);
  }

  removeTargets(removals: RuntimeTargetRemoval[]): void {
    (this.removedTargets ??= []).push(...removals);
  }

  setAuditLogParts(spec: string): void {
    if (spec.startsWith('+')) {
      for (const c of spec.slice(1)) if (!this.auditLogParts.includes(c)) this.auditLogParts += c;
    } else if (spec.startsWith('-')) {
      for (const c of spec.slice(1)) this.auditLogParts = this.auditLogParts.replace(c, '');
    } else {
      this.auditLogParts = spec;
    }
  }

  /**
   * A persistent collection for setvar: the one initcol opened, else (as ModSecurity v3 does)
   * one without a key that keeps this transaction's writes, readable by key, and is not saved.
   */
  persistentCollection(name: string): MapCollection {
    let coll = this.persistent.get(name);
    if (coll === undefined) {
      coll = new MapCollection();
      this.persistent.set(name, coll);
    }
    return coll;
  }

  openCollection(name: string, key: string): void {
    const coll = new MapCollection();
    const stored = this.waf.collectionStore.load(name, key, this.startMs);
    if (stored !== null) for (const e of stored) coll.entries.set(e.key.toLowerCase(), { ...e });
    coll.set('KEY', key);
    this.persistent.set(name, coll);
    this.persistentKeys.set(name, key);
  }

  private isRuleRemoved(rule: Rule): boolean {
    const ranges = this.removedRanges;
    if (ranges !== null) for (const [a, b] of ranges) if (rule.id >= a && rule.id <= b) return true;
    const tags = this.removedTags;
    if (tags !== null) for (const t of tags) if (rule.tags.includes(t)) return true;
    const msgs = this.removedMsgs;
    if (msgs !== null && rule.msg !== null) for (const m of msgs) if (rule.msg.text === m) return true;
    return false;
  }

  private isTargetRemoved(starter: Rule, target: Target, key: string | null): boolean {
    const removals = this.removedTargets!;
    for (let i = 0; i < removals.length; i++) {
      const r = removals[i]!;
      if (r.variableName !== target.variable.name) continue;
      if (r.ruleId !== 0 ? r.ruleId !== starter.id : r.tag !== null ? !starter.tags.includes(r.tag) : r.msg !== null ? starter.msg?.text !== r.msg : true) continue;
      if (r.lowerKey === null && r.keyRegex === null) return true;
      if (key === null) continue;
      if (r.lowerKey !== null ? r.lowerKey === key.toLowerCase() : r.keyRegex!.test(key)) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- rule evaluation

  private evaluatePhase(phase: number): void {
    if (this.ruleEngine === 'Off') return;
    if (this.allowState === 'all' && phase !== 5) return;
    if (this.allowState === 'request' && phase <= 2) return;
    const list = this.waf.ruleSet.phases[phase]!;
    let skipAfter: string | null = null;
    let skip = 0;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      const marker = (entry as { marker?: string }).marker;
      if (marker !== undefined) {
        if (skipAfter !== null && marker === skipAfter) skipAfter = null;
        continue;
      }
      if (skipAfter !== null) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      const rule = entry as Rule;
      if ((this.removedRanges !== null || this.removedTags !== null || this.removedMsgs !== null) && this.isRuleRemoved(rule)) continue;
      if (!this.evaluateRule(rule)) continue;
      if (rule.skipAfter !== null) skipAfter = rule.skipAfter;
      else if (rule.skip > 0) skip = rule.skip;
      if (this.interruption !== null) break;
      if (this.allowState !== 'none') break;
      if ((this.ruleEngine as RuleEngineMode) === 'Off') break;
    }
    if (this.allowState === 'phase') this.allowState = 'none';
    this.currentRule = null;
  }

  /** Evaluates a rule and its chain; on a full match runs its actions and records it. */
  private evaluateRule(starter: Rule): boolean {
    if (this.matchedVars.size > 0) this.matchedVars.clear();
    const trace = this.trace;
    for (let link: Rule | null = starter, n = 0; link !== null; link = link.chainChild, n++) {
      this.currentRule = link;
      const linkMatched = this.evaluateLink(link);
      if (trace !== null) trace({ type: 'link', ruleId: starter.id, link: n, matched: linkMatched });
      if (!linkMatched) {
        this.matchedVar = undefined;
        this.matchedVarName = undefined;
        return false;
      }
    }
    for (let link: Rule | null = starter; link !== null; link = link.chainChild) {
      this.currentRule = link;
      const actions = link.afterMatchActions;
      for (let i = 0; i < actions.length; i++) actions[i]!.execute(this, link);
    }
    this.currentRule = starter;
    if (trace !== null) trace({ type: 'match', ruleId: starter.id, msg: starter.msg?.expand(this) ?? '', logdata: starter.logdata?.expand(this) ?? '', tags: expandTags(this, starter) });
    this.onFullMatch(starter);
    return true;
  }

  private evaluateLink(rule: Rule): boolean {
    if (rule.targets.length === 0) {
      const actions = rule.perMatchActions;
      for (let i = 0; i < actions.length; i++) actions[i]!.execute(this, rule);
      return true;
    }
    const plan = this.inspector === null ? null : rule.inspect;
    if (plan !== null) return this.evaluateLinkIndexed(rule, plan, this.inspector!);
    const op = rule.operator ?? this.waf.dynamicOperator(rule, rule.operatorParamMacro!.expand(this));
    const negated = rule.operatorNegated;
    const captures = rule.capture ? this.captures : null;
    const starter = rule.chainStarter;
    const checkRemovals = this.removedTargets !== null;
    const sink = this.sink;
    let matched = false;
    const targets = rule.targets;
    for (let t = 0; t < targets.length; t++) {
      const target = targets[t]!;
      sink.reset();
      if (target.count) sink.push(target.key, String(target.variable.count(this, target)));
      else target.variable.collect(this, target, sink);
      const n = sink.length;
      if (n === 0) continue;
      // Safe to read in place: nothing below collects targets again (macros use `first`).
      const keys = sink.keys;
      const values = sink.values;
      for (let j = 0; j < n; j++) {
        const key = keys[j]!;
        if (checkRemovals && this.isTargetRemoved(starter, target, key)) continue;
        const raw = values[j]!;
        if (rule.multiMatch) {
          let prev = raw;
          const first = this.test(op, raw, captures, negated);
          if (this.trace !== null) this.traceValue(rule, target, key, raw, raw, first);
          if (first) {
            matched = true;
            this.onMatch(rule, target, key, raw);
          }
          for (const node of rule.transforms.path()) {
            const v = this.transformCache.apply(node, raw);
            if (v === prev) continue;
            prev = v;
            const hit = this.test(op, v, captures, negated);
            if (this.trace !== null) this.traceValue(rule, target, key, raw, v, hit);
            if (hit) {
              matched = true;
              this.onMatch(rule, target, key, v);
            }
          }
        } else {
          const value = this.transformCache.apply(rule.transforms, raw);
          const hit = this.test(op, value, captures, negated);
          if (this.trace !== null) this.traceValue(rule, target, key, raw, value, hit);
          if (hit) {
            matched = true;
            this.onMatch(rule, target, key, value);
          }
        }
      }
    }
    return matched;
  }

  /**
   * evaluateLink through the candidate index: the same values in the same order, but the
   * operator only runs on values that meet the link's requirement (a value that does not
   * cannot match: for a negated operator that is a match). Snapshot variables are listed
   * once per transaction; the others are resolved per rule as in evaluateLink.
   */
  private evaluateLinkIndexed(rule: Rule, plan: LinkPlan, inspector: Inspector): boolean {
    const op = plan.op ?? rule.operator ?? this.waf.dynamicOperator(rule, rule.operatorParamMacro!.expand(this));
    const negated = rule.operatorNegated;
    const captures = rule.capture ? this.captures : null;
    const starter = rule.chainStarter;
    const checkRemovals = this.removedTargets !== null;
    const req = plan.req;
    const unfiltered = req < 0 && !plan.filterBytes;
    const node = rule.transforms;
    const multiMatch = rule.multiMatch;
    let matched = false;
    const targets = rule.targets;
    for (let t = 0; t < targets.length; t++) {
      const target = targets[t]!;
      const source = plan.sources[t]!;
      if (source === null) {
        const sink = this.sink;
        sink.reset();
        if (target.count) sink.push(target.key, String(target.variable.count(this, target)));
        else target.variable.collect(this, target, sink);
        const n = sink.length;
        const keys = sink.keys;
        const values = sink.values;
        for (let j = 0; j < n; j++) {
          const key = keys[j]!;
          if (checkRemovals && this.isTargetRemoved(starter, target, key)) continue;
          const raw = values[j]!;
          if (multiMatch) {
            if (this.testMultiMatch(rule, plan, op, captures, target, key, inspector.record(this.waf.ruleSet.transforms.root, raw), null, j)) matched = true;
            continue;
          }
          let hit: boolean;
          let value: string;
          if (unfiltered) {
            value = node.parent === null ? raw : inspector.record(node, raw).str;
            hit = this.test(op, value, captures, negated);
          } else {
            const rec = inspector.record(node, raw);
            value = rec.str;
            hit = admits(rec, plan) ? this.test(op, value, captures, negated) : negated;
          }
          if (hit) {
            matched = true;
            this.onMatch(rule, target, key, value);
          }
        }
        continue;
      }
      const snap = inspector.snapshot(this, source);
      const n = snap.length;
      if (n === 0) continue;
      const filter = source.kind !== SOURCE_SCALAR && (target.lowerKey !== null || target.keyRegex !== null || target.exclusions.length > 0);
      const keys = snap.keys;
      const lowerKeys = snap.lowerKeys;
      if (multiMatch) {
        const root = inspector.view(snap, this.waf.ruleSet.transforms.root);
        // With a requirement, only values that meet it before or after some transformation.
        const only = req >= 0 && !negated ? inspector.multiMatchCandidates(snap, plan) : null;
        const count = only === null ? n : only.length;
        for (let k = 0; k < count; k++) {
          const i = only === null ? k : only[k]!;
          const key = keys[i]!;
          if (filter && !targetSelects(target, key!, lowerKeys[i]!)) continue;
          if (checkRemovals && this.isTargetRemoved(starter, target, key)) continue;
          if (this.testMultiMatch(rule, plan, op, captures, target, key, root.rec(i), snap, i)) matched = true;
        }
        continue;
      }
      const view = inspector.view(snap, node);
      if (req >= 0 && !negated) {
        const list = view.candidates(req);
        if (list === undefined) continue;
        for (let k = 0; k < list.length; k++) {
          const i = list[k]!;
          const key = keys[i]!;
          if (filter && !targetSelects(target, key!, lowerKeys[i]!)) continue;
          if (checkRemovals && this.isTargetRemoved(starter, target, key)) continue;
          const rec = view.rec(i);
          if (!hasBytes(rec, plan)) continue;
          const value = rec.str;
          if (this.test(op, value, captures, false)) {
            matched = true;
            this.onMatch(rule, target, key, value);
          }
        }
        continue;
      }
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        if (filter && !targetSelects(target, key!, lowerKeys[i]!)) continue;
        if (checkRemovals && this.isTargetRemoved(starter, target, key)) continue;
        const rec = view.rec(i);
        const hit = unfiltered || admits(rec, plan) ? this.test(op, rec.str, captures, negated) : negated;
        if (hit) {
          matched = true;
          this.onMatch(rule, target, key, rec.str);
        }
      }
    }
    return matched;
  }

  /**
   * multiMatch through the index: the untransformed value, then the value after each
   * transformation that changed it. `snap` null: `first` is the raw value's record and the
   * later ones come from the per-rule record cache.
   */
  private testMultiMatch(rule: Rule, plan: LinkPlan, op: Operator, captures: Captures | null, target: Target, key: string | null, first: ValueRecord, snap: Snapshot | null, i: number): boolean {
    const inspector = this.inspector!;
    const negated = rule.operatorNegated;
    let matched = false;
    let rec = first;
    const raw = first.str;
    let prev = raw;
    if (admits(rec, plan) ? this.test(op, raw, captures, negated) : negated) {
      matched = true;
      this.onMatch(rule, target, key, raw);
    }
    const path = plan.path;
    for (let p = 0; p < path.length; p++) {
      const node = path[p]!;
      rec = snap === null ? inspector.record(node, raw) : inspector.view(snap, node).rec(i);
      const v = rec.str;
      if (v === prev) continue;
      prev = v;
      if (admits(rec, plan) ? this.test(op, v, captures, negated) : negated) {
        matched = true;
        this.onMatch(rule, target, key, v);
      }
    }
    return matched;
  }

  private test(op: Operator, value: string, captures: Captures | null, negated: boolean): boolean {
    const matched = op.match(value, captures);
    if (matched && captures !== null) {
      const groups = captures.groups;
      if (!negated) {
        const coll = this.txCollection;
        for (let i = 0; i < groups.length && i < 10; i++) coll.set(CAPTURE_KEYS[i]!, groups[i]!);
        if (this.trace !== null) {
          // Reported after the value they were captured from (traceValue).
          const { ruleId, link } = this.position(this.currentRule!);
          for (let i = 0; i < groups.length && i < 10; i++) this.pendingCaptures.push({ type: 'capture', ruleId, link, index: i, value: groups[i]! });
        }
      }
      // Cleared after use, so the next match starts from an empty list.
      groups.length = 0;
    }
    return matched !== negated;
  }

  /** Chain starter id and link index of `rule`, for the trace. */
  private position(rule: Rule): { ruleId: number; link: number } {
    let link = 0;
    for (let r: Rule | null = rule.chainStarter; r !== null && r !== rule; r = r.chainChild) link++;
    return { ruleId: rule.chainStarter.id, link };
  }

  private traceValue(rule: Rule, target: Target, key: string | null, raw: string, value: string, matched: boolean): void {
    const variable = target.count ? (key === null ? '&' + target.variable.name : `&${target.variable.name}:${key}`) : key === null ? target.variable.name : `${target.variable.name}:${key}`;
    this.trace!({ type: 'value', ...this.position(rule), variable, raw, value, matched });
    if (this.pendingCaptures.length > 0) {
      for (const e of this.pendingCaptures) this.trace!(e);
      this.pendingCaptures.length = 0;
    }
  }

  private onMatch(rule: Rule, target: Target, key: string | null, value: string): void {
    const name = target.count ? (key === null ? '&' + target.variable.name : `&${target.variable.name}:${key}`) : key === null ? target.variable.name : `${target.variable.name}:${key}`;
    this.matchedVar = value;
    this.matchedVarName = name;
    this.matchedVars.add(name, value);
    const actions = rule.perMatchActions;
    for (let i = 0; i < actions.length; i++) actions[i]!.execute(this, rule);
  }

  private onFullMatch(starter: Rule): void {
    if (starter.severity !== undefined && starter.severity < this.highestSeverity) this.highestSeverity = starter.severity;
    const kind = starter.disruptive;
    let disruptive = false;
    if (kind === 'deny' || kind === 'drop' || kind === 'redirect') {
      const intr: Interruption = {
        action: kind,
        status: starter.status ?? (kind === 'redirect' ? 302 : 403),
        ruleId: starter.id,
        phase: starter.phase,
      };
      if (kind === 'redirect' && starter.redirectUrl !== null) intr.url = starter.redirectUrl.expand(this);
      disruptive = true;
      this.interrupt(intr);
    } else if (kind === 'allow') {
      if (this.ruleEngine === 'On') {
        this.allowState = starter.allowScope === 'phase' ? 'phase' : starter.allowScope === 'request' ? 'request' : 'all';
      }
    }
    if (starter.log || disruptive) {
      this.matchedRules.push(new MatchRecord(this, starter, disruptive && this.ruleEngine === 'On'));
    }
  }

  private interrupt(intr: Interruption): void {
    if (this.ruleEngine === 'On') {
      if (this.interruption === null) this.interruption = intr;
    } else if (this.wouldInterrupt === null) {
      this.wouldInterrupt = intr;
    }
  }

  // ---------------------------------------------------------------- reporting

  /** A value from a collection (e.g. `('TX', 'inbound_anomaly_score')`), or undefined. */
  getCollectionValue(collection: string, key: string): string | undefined {
    const c = collection.toUpperCase();
    const coll = c === 'TX' ? this.txCollection : c === 'ENV' ? this.env : this.persistent.get(c);
    return coll?.get(key.toLowerCase(), this.startMs);
  }

  /** Whether the audit log should record this transaction (SecAuditEngine / ctl:auditEngine). */
  get isAuditRelevant(): boolean {
    if (this.auditEngine === 'Off') return false;
    if (this.auditEngine === 'On') return true;
    if (this.interruption !== null || this.wouldInterrupt !== null) return true;
    for (const m of this.matchedRules) if ((m as MatchRecord).auditlog) return true;
    const relevant = this.waf.auditRelevantStatus;
    return relevant !== null && this.responseStatus !== undefined && relevant.test(this.responseStatus);
  }

  /** The ModSecurity v3 JSON audit log record of this transaction. */
  auditLogEntry(): AuditLogEntry {
    return buildAuditLogEntry(this, this.requestBody, this.responseBodyVariable);
  }
}
