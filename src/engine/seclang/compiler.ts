import { EngineError, SecLangError, type SourceLocation } from '../errors.js';
import { defaultEngineConfig, type EngineConfig } from '../config.js';
import { Macro } from '../macro.js';
import { compileRegex, type CompiledRegex } from '../regex/index.js';
import { getOperator, UNSUPPORTED_OPERATORS } from '../operators/index.js';
import type { OperatorCompileContext } from '../operators/types.js';
import { getTransform, makeUrlDecodeUni, type UnicodeMap } from '../transforms/index.js';
import type { Transform } from '../transforms/types.js';
import { TransformTrie } from '../transform-pipeline.js';
import { getVariable, UNSUPPORTED_VARIABLES } from '../variables/index.js';
import type { VariableDefinition } from '../variables/types.js';
import { compileXPath } from '../body/index.js';
import type { Rule, Target, TargetExclusion, PhaseEntry, DisruptiveKind } from '../rule.js';
import { isMarker } from '../rule.js';
import { compileSetVar } from '../actions/setvar.js';
import { compileCtl, parseIdRanges } from '../actions/ctl.js';
import { compileCollectionAction } from '../actions/collections.js';
import type { CompiledAction } from '../actions/types.js';
import { lexDirectives, type Directive } from './lexer.js';
import { parseActionList, type RawAction } from './action-list.js';
import { parseTargetList, type TargetSpec } from './targets.js';

/** File access the compiler needs for Include and data files; the engine itself does no I/O. */
export interface EngineHost {
  readFile(path: string): string;
  /** Absolute paths matching `pattern` (which may contain * ? [..] globs), sorted. */
  glob(pattern: string): string[];
  resolve(baseDir: string, path: string): string;
  dirname(path: string): string;
  /** The environment the ENV collection starts with (ModSecurity v3 reads the process environment); none when absent. */
  environment?(): Record<string, string | undefined>;
}

/** One source of SecLang: a file (globs allowed) or inline text. */
export type RuleSource = { file: string } | { text: string; name?: string; baseDir?: string };

/** Everything a compiled WAF holds: immutable after compilation. */
export interface CompiledRuleSet {
  config: EngineConfig;
  phases: PhaseEntry[][];
  rules: Rule[];
  rulesById: Map<number, Rule>;
  transforms: TransformTrie;
  warnings: string[];
  /** ENV's initial entries, read from the host when the rules were compiled. */
  environment: Array<[string, string]>;
}

const SEVERITIES: Record<string, number> = {
  EMERGENCY: 0, ALERT: 1, CRITICAL: 2, ERROR: 3, WARNING: 4, NOTICE: 5, INFO: 6, DEBUG: 7,
};

const PHASE_NAMES: Record<string, number> = { request: 2, response: 4, logging: 5 };

interface TargetUpdate {
  selector: { id?: Array<[number, number]>; tag?: string; msg?: string };
  targets: string;
  replace: string | null;
  location: SourceLocation;
}

/** Directives ModSecurity knows that vpatch accepts without effect, with why. */
const NO_EFFECT_DIRECTIVES: Record<string, string> = {
  secrequestbodyinmemorylimit: 'vpatch buffers inspected bodies in memory up to SecRequestBodyLimit',
  secpcrematchlimit: 'vpatch regexes run in linear time, so no match limit is needed',
  secpcrematchlimitrecursion: 'vpatch regexes run in linear time, so no match limit is needed',
  secdebuglog: 'vpatch has no debug log; use the audit and error logs',
  secdebugloglevel: 'vpatch has no debug log; use the audit and error logs',
  sectmpdir: 'vpatch keeps request data in memory',
  secdatadir: 'persistent collections use the configured collection store',
  secuploaddir: 'vpatch keeps uploaded files in memory',
  secuploadfilemode: 'vpatch keeps uploaded files in memory',
  secauditlogdirmode: 'audit log files are created by the data plane',
  secauditlogfilemode: 'audit log files are created by the data plane',
  secauditlogstoragedir: 'vpatch writes serial audit logs',
  seccookieformat: 'vpatch parses cookies as version 0 (ModSecurity v3 behaviour)',
  secstatusengine: 'vpatch sends no status reports',
  secruleinheritance: 'vpatch has one rule context per WAF',
  secdisablebackendcompression: 'compression is handled by the data plane',
  secconnengine: 'connection limits belong to the data plane',
  secxmlexternalentity: 'vpatch never loads external XML entities',
  sechashengine: 'hash signing is not supported',
  secservertokens: 'server tokens belong to the data plane',
  secstreaminbodyinspection: 'stream modification is not supported',
  secstreamoutbodyinspection: 'stream modification is not supported',
  secinterceptonerror: 'vpatch reports engine errors through its fail-open/fail-closed policy',
};

/** Actions ModSecurity knows that vpatch accepts without effect, with why. */
const NO_EFFECT_ACTIONS: Record<string, string> = {
  sanitisearg: 'audit log sanitisation is not implemented yet',
  sanitisematched: 'audit log sanitisation is not implemented yet',
  sanitisematchedbytes: 'audit log sanitisation is not implemented yet',
  sanitiserequestheader: 'audit log sanitisation is not implemented yet',
  sanitiseresponseheader: 'audit log sanitisation is not implemented yet',
  append: 'response content injection is not supported',
  prepend: 'response content injection is not supported',
  pause: 'vpatch never delays a transaction',
  deprecatevar: 'deprecatevar is not implemented',
};

/**
 * Lookups that need data vpatch does not load. CRS 3.3 (as Debian ships it) uses them in its
 * optional IP-reputation rules, and it must load (decisions.md #6); so they load as operators
 * that never match — exactly what ModSecurity does when the lookup finds nothing — with a
 * warning. Every other unsupported operator is a load-time error.
 */
const NEVER_MATCHING_OPERATORS: Record<string, string> = {
  geolookup: 'vpatch loads no GeoIP database, so @geoLookup never matches',
  rbl: 'vpatch makes no DNS blocklist queries while inspecting traffic, so @rbl never matches',
};

const UNSUPPORTED_ACTIONS: Record<string, string> = {
  exec: 'vpatch never runs external programs or Lua scripts',
  proxy: 'proxying is configured on the data plane (routes), not in rules',
};

const NEVER_MATCH = { match: (): boolean => false };

/** The missing last link of a chain that ends the configuration: it has no value, so it never matches. */
const INCOMPLETE_CHAIN: VariableDefinition = {
  name: 'INCOMPLETE_CHAIN',
  isCollection: false,
  collect: () => {},
  count: () => 0,
  first: () => undefined,
};

export class SecLangCompiler {
  readonly config: EngineConfig = defaultEngineConfig();
  readonly warnings: string[] = [];
  private readonly entries: PhaseEntry[] = [];
  private readonly rulesById = new Map<number, Rule>();
  private readonly defaultActions = new Map<number, RawAction[]>();
  private readonly transforms = new TransformTrie();
  private chainParent: Rule | null = null;
  private chainParentLocation: SourceLocation | null = null;
  private readonly removeIds: Array<[number, number]> = [];
  private readonly removeTags: string[] = [];
  private readonly removeMsgs: string[] = [];
  private readonly targetUpdates: TargetUpdate[] = [];
  private readonly actionUpdates: Array<{ id: number; actions: string; location: SourceLocation }> = [];
  private readonly includeStack: string[] = [];
  /** t:urlDecodeUni with the SecUnicodeMapFile table, for the rules that follow the directive. */
  private urlDecodeUniMapped: Transform | null = null;

  constructor(private readonly host: EngineHost) {}

  addSource(source: RuleSource): void {
    if ('file' in source) {
      const files = this.host.glob(source.file);
      if (files.length === 0) {
        throw new SecLangError('VPATCH_SECLANG_INCLUDE', `no file matches "${source.file}"`);
      }
      for (const f of files) this.addFile(f);
    } else {
      const name = source.name ?? '<inline>';
      this.addText(source.text, name, source.baseDir ?? '.');
    }
  }

  private addFile(path: string): void {
    if (this.includeStack.includes(path)) {
      throw new SecLangError('VPATCH_SECLANG_INCLUDE', `Include loop: ${[...this.includeStack, path].join(' -> ')}`);
    }
    let text: string;
    try {
      text = this.host.readFile(path);
    } catch (err) {
      throw new SecLangError('VPATCH_SECLANG_INCLUDE', `cannot read "${path}": ${(err as Error).message}`);
    }
    this.includeStack.push(path);
    try {
      this.addText(text, path, this.host.dirname(path));
    } finally {
      this.includeStack.pop();
    }
  }

  private addText(text: string, file: string, baseDir: string): void {
    for (const d of lexDirectives(text, file)) {
      if (d.warning !== undefined) this.warn(d, d.warning);
      try {
        this.directive(d, baseDir);
      } catch (err) {
        if (err instanceof SecLangError && err.location !== undefined) throw err;
        if (err instanceof EngineError) {
          throw new SecLangError(err.code, err.message, { file: d.file, line: d.line }, d.name);
        }
        throw err;
      }
    }
  }

  private warn(d: Directive, message: string): void {
    this.warnings.push(`${d.file}:${d.line}: ${d.name}: ${message}`);
  }

  private expectArgs(d: Directive, min: number, max: number, usage: string): void {
    if (d.args.length < min || d.args.length > max) {
      throw new EngineError('VPATCH_SECLANG_SYNTAX', `expected ${usage}, got ${d.args.length} argument(s)`);
    }
  }

  private directive(d: Directive, baseDir: string): void {
    const name = d.name.toLowerCase();
    if (this.chainParent !== null && name !== 'secrule') {
      throw new EngineError('VPATCH_SECLANG_SYNTAX', `the rule at line ${this.chainParentLocation!.line} has "chain" but is followed by ${d.name}, not SecRule`);
    }
    switch (name) {
      case 'include': {
        this.expectArgs(d, 1, 1, 'Include <path or glob>');
        const pattern = this.host.resolve(baseDir, d.args[0]!);
        const files = this.host.glob(pattern);
        if (files.length === 0) throw new EngineError('VPATCH_SECLANG_INCLUDE', `no file matches "${d.args[0]}"`);
        for (const f of files) this.addFile(f);
        return;
      }
      case 'secrule':
        this.expectArgs(d, 2, 3, 'SecRule VARIABLES OPERATOR [ACTIONS]');
        this.rule(d, baseDir, d.args[0]!, d.args[1]!, d.args[2] ?? '');
        return;
      case 'secaction':
        this.expectArgs(d, 1, 1, 'SecAction ACTIONS');
        this.rule(d, baseDir, null, null, d.args[0]!);
        return;
      case 'secmarker':
        this.expectArgs(d, 1, 1, 'SecMarker NAME');
        this.entries.push({ marker: d.args[0]! });
        return;
      case 'secdefaultaction':
        this.expectArgs(d, 1, 1, 'SecDefaultAction ACTIONS');
        this.secDefaultAction(d.args[0]!);
        return;
      case 'secruleengine':
        this.expectArgs(d, 1, 1, 'SecRuleEngine On|Off|DetectionOnly');
        this.config.ruleEngine = this.enumArg(d.args[0]!, { on: 'On', off: 'Off', detectiononly: 'DetectionOnly' } as const);
        return;
      case 'secrequestbodyaccess':
        this.expectArgs(d, 1, 1, 'SecRequestBodyAccess On|Off');
        this.config.requestBodyAccess = this.onOff(d.args[0]!);
        return;
      case 'secresponsebodyaccess':
        this.expectArgs(d, 1, 1, 'SecResponseBodyAccess On|Off');
        this.config.responseBodyAccess = this.onOff(d.args[0]!);
        return;
      case 'secrequestbodylimit':
        this.config.requestBodyLimit = this.intArg(d);
        return;
      case 'secrequestbodynofileslimit':
        this.config.requestBodyNoFilesLimit = this.intArg(d);
        return;
      case 'secrequestbodylimitaction':
        this.expectArgs(d, 1, 1, 'SecRequestBodyLimitAction Reject|ProcessPartial');
        this.config.requestBodyLimitAction = this.enumArg(d.args[0]!, { reject: 'Reject', processpartial: 'ProcessPartial' } as const);
        return;
      case 'secrequestbodyjsondepthlimit':
        this.config.requestBodyJsonDepthLimit = this.intArg(d);
        return;
      case 'secargumentslimit':
        this.config.argumentsLimit = this.intArg(d);
        return;
      case 'secresponsebodylimit':
        this.config.responseBodyLimit = this.intArg(d);
        return;
      case 'secresponsebodylimitaction':
        this.expectArgs(d, 1, 1, 'SecResponseBodyLimitAction Reject|ProcessPartial');
        this.config.responseBodyLimitAction = this.enumArg(d.args[0]!, { reject: 'Reject', processpartial: 'ProcessPartial' } as const);
        return;
      case 'secresponsebodymimetype':
        if (d.args.length === 0) throw new EngineError('VPATCH_SECLANG_SYNTAX', 'expected one or more MIME types');
        for (const arg of d.args) for (const t of arg.split(/\s+/)) if (t !== '') this.config.responseBodyMimeTypes.add(t.toLowerCase());
        return;
      case 'secresponsebodymimetypesclear':
        this.config.responseBodyMimeTypes.clear();
        return;
      case 'secargumentseparator':
        this.expectArgs(d, 1, 1, 'SecArgumentSeparator CHARACTER');
        if (d.args[0]!.length !== 1) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `the separator must be one character, got "${d.args[0]}"`);
        this.config.argumentSeparator = d.args[0]!;
        return;
      case 'seccollectiontimeout':
        this.config.collectionTimeout = this.intArg(d);
        return;
      case 'secuploadkeepfiles':
      case 'sectmpsaveuploadedfiles':
        this.expectArgs(d, 1, 1, `${d.name} On|Off`);
        // Files stay in memory (FILES_TMP_CONTENT); nothing is written to disk.
        this.config.saveUploadedFiles = this.enumArg(d.args[0]!, { on: true, off: false, relevantonly: true } as const);
        return;
      case 'secuploadfilelimit':
        this.config.uploadFileLimit = this.intArg(d);
        return;
      case 'secauditengine':
        this.expectArgs(d, 1, 1, 'SecAuditEngine On|Off|RelevantOnly');
        this.config.auditEngine = this.enumArg(d.args[0]!, { on: 'On', off: 'Off', relevantonly: 'RelevantOnly' } as const);
        return;
      case 'secauditlogparts':
        this.expectArgs(d, 1, 1, 'SecAuditLogParts PARTS');
        if (!/^[A-KZ]+$/.test(d.args[0]!)) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `audit log parts are letters A-K and Z, got "${d.args[0]}"`);
        this.config.auditLogParts = d.args[0]!;
        return;
      case 'secauditlogformat':
        this.expectArgs(d, 1, 1, 'SecAuditLogFormat JSON|Native');
        this.config.auditLogFormat = this.enumArg(d.args[0]!, { json: 'JSON', native: 'Native' } as const);
        return;
      case 'secauditlogtype':
        this.expectArgs(d, 1, 1, 'SecAuditLogType Serial|Concurrent|HTTPS');
        this.config.auditLogType = d.args[0]!;
        if (d.args[0]!.toLowerCase() !== 'serial') this.warn(d, 'vpatch writes serial audit logs only');
        return;
      case 'secauditlog':
        this.expectArgs(d, 1, 1, 'SecAuditLog PATH');
        this.config.auditLog = d.args[0]!;
        return;
      case 'secauditlog2':
        this.warn(d, 'a second audit log is not supported; the data plane writes one');
        return;
      case 'secauditlogrelevantstatus':
        this.expectArgs(d, 1, 1, 'SecAuditLogRelevantStatus REGEX');
        this.compileKeyRegex(d.args[0]!);
        this.config.auditLogRelevantStatus = d.args[0]!;
        return;
      case 'seccomponentsignature':
        this.expectArgs(d, 1, 1, 'SecComponentSignature TEXT');
        this.config.componentSignatures.push(d.args[0]!);
        return;
      case 'secwebappid':
        this.expectArgs(d, 1, 1, 'SecWebAppId NAME');
        this.config.webAppId = d.args[0]!;
        return;
      case 'secserversignature':
        this.expectArgs(d, 1, 1, 'SecServerSignature TEXT');
        this.config.serverSignature = d.args[0]!;
        this.warn(d, 'the Server header is set by the data plane');
        return;
      case 'secruleremovebyid':
        if (d.args.length === 0) throw new EngineError('VPATCH_SECLANG_SYNTAX', 'expected one or more rule ids or ranges');
        for (const a of d.args) this.removeIds.push(...parseIdRanges(a));
        return;
      case 'secruleremovebytag':
        this.expectArgs(d, 1, 1, 'SecRuleRemoveByTag TAG');
        this.removeTags.push(d.args[0]!);
        return;
      case 'secruleremovebymsg':
        this.expectArgs(d, 1, 1, 'SecRuleRemoveByMsg MESSAGE');
        this.removeMsgs.push(d.args[0]!);
        return;
      case 'secruleupdatetargetbyid':
      case 'secruleupdatetargetbytag':
      case 'secruleupdatetargetbymsg': {
        this.expectArgs(d, 2, 3, `${d.name} SELECTOR TARGETS [REPLACED_TARGET]`);
        const selector = name === 'secruleupdatetargetbyid' ? { id: parseIdRanges(d.args[0]!) } : name === 'secruleupdatetargetbytag' ? { tag: d.args[0]! } : { msg: d.args[0]! };
        // Validate now so the error points at this directive.
        this.compileTargets(parseTargetList(d.args[1]!));
        this.targetUpdates.push({ selector, targets: d.args[1]!, replace: d.args[2] ?? null, location: { file: d.file, line: d.line } });
        return;
      }
      case 'secruleupdateactionbyid': {
        this.expectArgs(d, 2, 2, 'SecRuleUpdateActionById ID ACTIONS');
        const id = Number(d.args[0]!.split(':')[0]);
        if (!Number.isInteger(id)) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `expected a rule id, got "${d.args[0]}"`);
        this.actionUpdates.push({ id, actions: d.args[1]!, location: { file: d.file, line: d.line } });
        return;
      }
      case 'secunicodemapfile': {
        this.expectArgs(d, 2, 2, 'SecUnicodeMapFile FILE CODEPAGE');
        const [file, codePage] = d.args as [string, string];
        if (!/^\d+$/.test(codePage)) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `the code page must be a number, got "${codePage}"`);
        const path = this.host.resolve(baseDir, file);
        let text: string;
        try {
          text = this.host.readFile(path);
        } catch (err) {
          throw new EngineError('VPATCH_SECLANG_INCLUDE', `cannot read the unicode map file "${file}": ${(err as Error).message}`);
        }
        this.urlDecodeUniMapped = makeUrlDecodeUni(parseUnicodeMap(text, Number(codePage)));
        return;
      }
      case 'secremoterules':
      case 'secremoterulesfailaction':
        throw new EngineError('VPATCH_SECLANG_UNKNOWN_DIRECTIVE', `${d.name} is not supported: vpatch never downloads rules at load time; fetch them and use Include`);
      case 'secrulescript':
        throw new EngineError('VPATCH_SECLANG_UNKNOWN_DIRECTIVE', 'SecRuleScript is not supported: vpatch does not run Lua');
      case 'secgeolookupdb':
        throw new EngineError('VPATCH_SECLANG_UNKNOWN_DIRECTIVE', 'SecGeoLookupDb is not supported: vpatch has no GeoIP lookups');
      default: {
        const reason = NO_EFFECT_DIRECTIVES[name];
        if (reason !== undefined) {
          this.warn(d, `no effect in vpatch: ${reason}`);
          return;
        }
        throw new EngineError('VPATCH_SECLANG_UNKNOWN_DIRECTIVE', `unknown directive "${d.name}"`);
      }
    }
  }

  private onOff(v: string): boolean {
    return this.enumArg(v, { on: true, off: false } as const);
  }

  private enumArg<T>(value: string, options: Record<string, T>): T {
    const v = options[value.toLowerCase()];
    if (v === undefined) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `expected one of ${Object.keys(options).join(', ')}, got "${value}"`);
    return v;
  }

  private intArg(d: Directive): number {
    this.expectArgs(d, 1, 1, `${d.name} NUMBER`);
    const n = Number(d.args[0]);
    if (!Number.isInteger(n) || n < 0) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `expected a non-negative integer, got "${d.args[0]}"`);
    return n;
  }

  private secDefaultAction(text: string): void {
    const actions = parseActionList(text);
    const phaseAction = actions.find((a) => a.name.toLowerCase() === 'phase');
    if (phaseAction === undefined || phaseAction.value === null) {
      throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', 'SecDefaultAction must name a phase');
    }
    const phase = parsePhase(phaseAction.value);
    for (const a of actions) {
      const n = a.name.toLowerCase();
      if (['id', 'chain', 'skip', 'skipafter', 'msg', 'logdata', 'rev', 'ver', 'severity'].includes(n)) {
        throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `action "${a.name}" is not allowed in SecDefaultAction`);
      }
      if (n === 't' && (a.value ?? '').toLowerCase() === 'none') {
        throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', 't:none is not allowed in SecDefaultAction (it would drop the transformations it sets)');
      }
    }
    // As ModSecurity v3: a real disruptive action (block is not one), and one per phase.
    if (!actions.some((a) => { const n = a.name.toLowerCase(); return n !== 'block' && isDisruptiveName(n); })) {
      throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', 'SecDefaultAction must name a disruptive action (pass, deny, drop, allow or redirect)');
    }
    if (this.defaultActions.has(phase)) {
      throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `SecDefaultAction for phase ${phase} is already set`);
    }
    this.defaultActions.set(phase, actions.filter((a) => a.name.toLowerCase() !== 'phase'));
  }

  /** Compiles regexes used as keys (`ARGS:/^id_/`), case-insensitively as ModSecurity does. */
  private compileKeyRegex(source: string): CompiledRegex {
    return compileRegex(source, { caseInsensitive: true });
  }

  private compileTargets(specs: TargetSpec[], where?: SourceLocation): { targets: Target[]; exclusions: TargetExclusion[] } {
    const targets: Target[] = [];
    const exclusions: TargetExclusion[] = [];
    for (const s of specs) {
      const variable = getVariable(s.variable);
      if (variable === undefined) {
        const why = UNSUPPORTED_VARIABLES[s.variable];
        throw new EngineError('VPATCH_SECLANG_UNKNOWN_VARIABLE', why ? `variable ${s.variable} is not supported: ${why}` : `unknown variable "${s.variable}"`);
      }
      if (variable.name === 'GEO' && where !== undefined) {
        this.warnings.push(`${where.file}:${where.line}: SecRule: vpatch loads no GeoIP database, so GEO is always empty`);
      }
      if (s.key !== null && !variable.isCollection) {
        throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `variable ${s.variable} is not a collection and takes no key ("${s.text}")`);
      }
      if (variable.name === 'XML' && s.key !== null) {
        const xpath = compileXPath(s.key);
        if (!xpath.ok) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', xpath.error);
      }
      const keyRegex = s.keyIsRegex && s.key !== null ? this.compileKeyRegex(s.key) : null;
      const lowerKey = s.key !== null && !s.keyIsRegex ? s.key.toLowerCase() : null;
      if (s.exclude) {
        exclusions.push({ variableName: variable.name, lowerKey, keyRegex });
      } else {
        targets.push({ variable, key: s.key, lowerKey, keyRegex, count: s.count, exclusions: [], text: s.text });
      }
    }
    return { targets, exclusions };
  }

  private rule(d: Directive, baseDir: string, variables: string | null, operatorText: string | null, actionText: string): void {
    const location = { file: d.file, line: d.line };
    const raw = [d.name, ...d.args.map((a) => `"${a}"`)].join(' ');
    const actions = parseActionList(actionText);
    const isChainChild = this.chainParent !== null;
    const rule = newRule(location, raw, this.transforms);

    // Phase first: default actions depend on it.
    let phase = isChainChild ? this.chainParent!.phase : 2;
    const phaseAction = actions.find((a) => a.name.toLowerCase() === 'phase');
    if (phaseAction !== undefined) {
      if (isChainChild) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', 'phase is not allowed in a chained rule');
      phase = parsePhase(phaseAction.value ?? '');
    }
    rule.phase = phase;

    if (variables !== null && operatorText !== null) {
      const { targets, exclusions } = this.compileTargets(parseTargetList(variables), location);
      if (targets.length === 0) throw new EngineError('VPATCH_SECLANG_SYNTAX', 'the rule has no variable to inspect');
      attachExclusions(targets, exclusions);
      rule.targets = targets;
      this.compileOperator(rule, operatorText, baseDir);
    }

    const defaults = this.defaultActions.get(phase) ?? [];
    const explicit = new Set(actions.map((a) => a.name.toLowerCase()));
    // Transformations: the defaults run first unless the rule says t:none somewhere.
    const ruleTransforms = actions.filter((a) => a.name.toLowerCase() === 't').map((a) => a.value ?? '');
    const defaultTransforms = defaults.filter((a) => a.name.toLowerCase() === 't').map((a) => a.value ?? '');
    this.applyTransforms(rule, [...defaultTransforms, ...ruleTransforms]);

    for (const a of defaults) {
      const n = a.name.toLowerCase();
      if (n === 't') continue;
      if ((n === 'log' || n === 'nolog') && (explicit.has('log') || explicit.has('nolog'))) continue;
      if ((n === 'auditlog' || n === 'noauditlog') && (explicit.has('auditlog') || explicit.has('noauditlog'))) continue;
      if (n === 'status' && explicit.has('status')) continue;
      // `block` in SecDefaultAction is not the phase's disruptive action (it names none itself).
      if (n === 'block') continue;
      if (isDisruptiveName(n)) {
        rule.defaultDisruptive = n as DisruptiveKind;
        if (n === 'allow') rule.defaultAllowScope = a.value ?? '';
        if (n === 'redirect' && a.value) rule.defaultRedirect = Macro.compile(a.value);
        continue;
      }
      if (n === 'status') {
        rule.defaultStatus = parseStatus(a.value);
        continue;
      }
      if (isChainChild && n !== 'setvar') continue;
      this.applyAction(rule, a, baseDir, d, true);
    }
    for (const a of actions) this.applyAction(rule, a, baseDir, d, false);

    if (isChainChild) {
      const parent = this.chainParent!;
      rule.isChainChild = true;
      rule.chainStarter = parent.chainStarter;
      parent.chainChild = rule;
      if (rule.id !== 0) {
        // ModSecurity v3 loads it; the chain runs under its first rule's id.
        this.warn(d, `id:${rule.id} in a chained rule is ignored (the chain logs under rule ${parent.chainStarter.id})`);
        rule.id = 0;
      }
    } else {
      // ModSecurity v3 requires an id on SecRule but not on SecAction.
      if (rule.id === 0 && rule.targets.length > 0) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', 'the rule has no id (every SecRule needs id:N)');
      if (rule.id !== 0) {
        const existing = this.rulesById.get(rule.id);
        if (existing !== undefined) {
          throw new EngineError('VPATCH_SECLANG_DUPLICATE_ID', `rule id ${rule.id} is already used at ${existing.file}:${existing.line}`);
        }
        this.rulesById.set(rule.id, rule);
      }
      this.entries.push(rule);
    }
    if (rule.chainFlag) {
      this.chainParent = rule;
      this.chainParentLocation = location;
    } else {
      this.chainParent = null;
      this.chainParentLocation = null;
    }
  }

  private compileOperator(rule: MutableRule, text: string, baseDir: string): void {
    let s = text;
    let negated = false;
    if (s.startsWith('!')) {
      negated = true;
      s = s.slice(1);
    }
    let name = 'rx';
    let param = s;
    if (s.startsWith('@')) {
      const m = /^@([A-Za-z0-9_]+)(?:\s+|$)/.exec(s);
      if (m === null) throw new EngineError('VPATCH_SECLANG_SYNTAX', `malformed operator "${text}"`);
      name = m[1]!;
      param = s.slice(m[0].length);
    }
    const def = getOperator(name);
    if (def === undefined) throw new EngineError('VPATCH_SECLANG_UNKNOWN_OPERATOR', `unknown operator "@${name}"`);
    const neverMatches = NEVER_MATCHING_OPERATORS[name.toLowerCase()];
    if (neverMatches !== undefined) {
      this.warnings.push(`${rule.file}:${rule.line}: SecRule: ${neverMatches}`);
      rule.operatorDefinition = def;
      rule.operatorName = def.name;
      rule.operatorParam = param;
      rule.operatorNegated = negated;
      rule.operator = NEVER_MATCH;
      return;
    }
    // Unsupported operators throw from their factory; with a macro parameter the factory
    // would only run at request time, so make them fail now.
    if (UNSUPPORTED_OPERATORS.includes(def)) def.factory(param, this.operatorContext(baseDir));
    rule.operatorDefinition = def;
    rule.operatorName = def.name;
    rule.operatorParam = param;
    rule.operatorNegated = negated;
    const ctx = this.operatorContext(baseDir, { file: rule.file, line: rule.line });
    rule.operatorContext = ctx;
    if (param.includes('%{')) {
      const macro = Macro.compile(param);
      if (!macro.isLiteral) {
        rule.operatorParamMacro = macro;
        return;
      }
    }
    try {
      rule.operator = def.factory(param, ctx);
    } catch (err) {
      // A valid pattern that only a backtracking engine could run, in worse than linear time:
      // the rule loads and never matches, as a PCRE match that hits ModSecurity's match limit
      // does not match. CRS 3.3's 942130 (backreferences) is one; CRS v4 has none.
      if (!(err instanceof EngineError) || err.code !== 'VPATCH_REGEX_UNSAFE') throw err;
      this.warnings.push(`${rule.file}:${rule.line}: SecRule: the rule never matches: ${err.message}`);
      rule.operator = NEVER_MATCH;
    }
  }

  private operatorContext(baseDir: string, where?: SourceLocation): OperatorCompileContext {
    const host = this.host;
    return {
      resolvePath: (p) => host.resolve(baseDir, p),
      readFile: (p) => host.readFile(p),
      warn: (message) => this.warnings.push(where === undefined ? message : `${where.file}:${where.line}: SecRule: ${message}`),
    };
  }

  private applyTransforms(rule: MutableRule, names: string[]): void {
    let lastNone = -1;
    names.forEach((n, i) => { if (n.toLowerCase() === 'none') lastNone = i; });
    let node = this.transforms.root;
    const applied: string[] = [];
    names.forEach((n, i) => {
      const def = getTransform(n);
      if (def === undefined) throw new EngineError('VPATCH_SECLANG_UNKNOWN_TRANSFORM', `unknown transformation "t:${n}"`);
      if (i <= lastNone || n.toLowerCase() === 'none') return;
      if (def.name === 'urlDecodeUni' && this.urlDecodeUniMapped !== null) node = node.then('urlDecodeUni (SecUnicodeMapFile)', this.urlDecodeUniMapped);
      else node = node.then(def.name, def.fn);
      applied.push(def.name);
    });
    rule.transforms = node;
    rule.transformNames = applied;
  }

  private applyAction(rule: MutableRule, a: RawAction, baseDir: string, d: Directive, fromDefault: boolean): void {
    const name = a.name.toLowerCase();
    const value = a.value;
    const need = (): string => {
      if (value === null || value === '') throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `action "${a.name}" needs a value`);
      return value;
    };
    switch (name) {
      case 'id': {
        const id = Number(need());
        if (!Number.isSafeInteger(id) || id <= 0) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `id must be a positive integer up to ${Number.MAX_SAFE_INTEGER}, got "${value}"`);
        rule.id = id;
        return;
      }
      case 'phase':
        return;
      case 't':
        return;
      case 'msg':
        rule.msg = Macro.compile(need());
        return;
      case 'logdata':
        rule.logdata = Macro.compile(value ?? '');
        return;
      case 'tag': {
        const tag = need();
        rule.tags.push(tag);
        // ModSecurity v3 expands macros in tags when it logs them; selectors match the text as written.
        if (tag.includes('%{')) {
          const macro = Macro.compile(tag);
          if (!macro.isLiteral) (rule.tagMacros ??= new Map()).set(rule.tags.length - 1, macro);
        }
        return;
      }
      case 'severity': {
        const v = need();
        const sev = /^\d+$/.test(v) ? Number(v) : SEVERITIES[v.toUpperCase()];
        if (sev === undefined || sev > 7) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `unknown severity "${v}"`);
        rule.severity = sev;
        return;
      }
      case 'rev':
        rule.rev = value ?? '';
        return;
      case 'ver':
        rule.ver = value ?? '';
        return;
      case 'maturity':
        rule.maturity = Number(need());
        return;
      case 'accuracy':
        rule.accuracy = Number(need());
        return;
      case 'chain':
        rule.chainFlag = true;
        return;
      case 'capture':
        rule.capture = true;
        return;
      case 'multimatch':
        rule.multiMatch = true;
        return;
      case 'log':
        rule.log = true;
        return;
      case 'nolog':
        rule.log = false;
        if (!fromDefault) rule.auditlog = false;
        return;
      case 'auditlog':
        rule.auditlog = true;
        return;
      case 'noauditlog':
        rule.auditlog = false;
        return;
      case 'pass':
      case 'deny':
      case 'drop':
      case 'block':
        rule.disruptive = name;
        return;
      case 'allow':
        rule.disruptive = 'allow';
        rule.allowScope = (value ?? '').toLowerCase();
        if (!['', 'phase', 'request'].includes(rule.allowScope)) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `allow takes no value, "phase" or "request", got "${value}"`);
        return;
      case 'redirect':
        rule.disruptive = 'redirect';
        rule.redirectUrl = Macro.compile(need());
        return;
      case 'status':
        rule.status = parseStatus(value);
        return;
      case 'skip': {
        const n = Number(need());
        if (!Number.isInteger(n) || n < 1) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `skip needs a positive number, got "${value}"`);
        rule.skip = n;
        return;
      }
      case 'skipafter':
        rule.skipAfter = need();
        return;
      case 'setvar':
        rule.perMatchActions.push(compileSetVar(need()));
        return;
      case 'ctl':
        rule.afterMatchActions.push(compileCtl(need(), (src) => this.compileKeyRegex(src)));
        return;
      case 'initcol':
      case 'setuid':
      case 'setsid':
      case 'setrsc':
      case 'expirevar':
      case 'setenv':
        rule.afterMatchActions.push(compileCollectionAction(name, need()));
        return;
      case 'xmlns': {
        const v = need();
        const eq = v.indexOf('=');
        if (eq <= 0 || eq === v.length - 1) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `xmlns expects prefix=uri, got "${v}"`);
        let uri = v.slice(eq + 1);
        if (uri.length > 3 && uri.startsWith("'") && uri.endsWith("'")) uri = uri.slice(1, -1);
        // As ModSecurity v3: the namespace must be an http:// URI.
        if (!uri.startsWith('http://')) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `xmlns: the namespace of prefix "${v.slice(0, eq)}" must be an http:// URI, got "${uri}"`);
        rule.xmlNamespaces ??= {};
        rule.xmlNamespaces[v.slice(0, eq)] = uri;
        return;
      }
      default: {
        const unsupported = UNSUPPORTED_ACTIONS[name];
        if (unsupported !== undefined) throw new EngineError('VPATCH_SECLANG_UNKNOWN_ACTION', `action "${a.name}" is not supported: ${unsupported}`);
        const noEffect = NO_EFFECT_ACTIONS[name];
        if (noEffect !== undefined) {
          this.warn(d, `action "${a.name}" has no effect in vpatch: ${noEffect}`);
          return;
        }
        throw new EngineError('VPATCH_SECLANG_UNKNOWN_ACTION', `unknown action "${a.name}"`);
      }
    }
    void baseDir;
  }

  /** Applies removals and updates (which ModSecurity applies to every rule, wherever defined) and freezes the rule set. */
  finish(): CompiledRuleSet {
    if (this.chainParent !== null) {
      // ModSecurity v3 loads it; such a chain never matches (the starter's setvars still run).
      const parent = this.chainParent as MutableRule;
      const loc = this.chainParentLocation!;
      this.warnings.push(`${loc.file}:${loc.line}: SecRule: the rule has "chain" but no rule follows it, so the chain never matches (as in ModSecurity v3)`);
      const end = newRule(loc, '', this.transforms);
      end.targets = [{ variable: INCOMPLETE_CHAIN, key: null, lowerKey: null, keyRegex: null, count: false, exclusions: [], text: '' }];
      end.operator = NEVER_MATCH;
      end.phase = parent.phase;
      end.isChainChild = true;
      end.chainStarter = parent.chainStarter;
      parent.chainChild = end;
      this.chainParent = null;
      this.chainParentLocation = null;
    }
    const starters = this.entries.filter((e): e is Rule => !isMarker(e));
    for (const update of this.actionUpdates) this.applyActionUpdate(update);
    for (const update of this.targetUpdates) {
      for (const rule of starters) {
        if (!selectorMatches(update.selector, rule)) continue;
        const { targets, exclusions } = this.compileTargets(parseTargetList(update.targets));
        const mutable = rule as MutableRule;
        if (update.replace !== null) {
          const idx = mutable.targets.findIndex((t) => t.text.toLowerCase() === update.replace!.toLowerCase());
          if (idx >= 0) mutable.targets.splice(idx, 1, ...targets);
          else mutable.targets.push(...targets);
        } else {
          mutable.targets.push(...targets);
        }
        attachExclusions(mutable.targets, exclusions);
      }
    }
    const removed = (r: Rule): boolean =>
      this.removeIds.some(([a, b]) => r.id >= a && r.id <= b) ||
      this.removeTags.some((t) => r.tags.includes(t)) ||
      this.removeMsgs.some((m) => r.msg !== null && r.msg.text === m);
    const kept = this.entries.filter((e) => isMarker(e) || !removed(e));
    for (const e of kept) if (!isMarker(e)) finalizeRule(e as MutableRule);
    const phases: PhaseEntry[][] = [[], [], [], [], [], []];
    for (const e of kept) {
      if (isMarker(e)) {
        for (let p = 1; p <= 5; p++) phases[p]!.push(e);
      } else {
        phases[e.phase]!.push(e);
      }
    }
    const rules = kept.filter((e): e is Rule => !isMarker(e));
    return {
      config: this.config,
      phases,
      rules,
      rulesById: new Map(rules.map((r) => [r.id, r])),
      transforms: this.transforms,
      warnings: this.warnings,
      environment: Object.entries(this.host.environment?.() ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
    };
  }

  private applyActionUpdate(update: { id: number; actions: string; location: SourceLocation }): void {
    const rule = this.rulesById.get(update.id) as MutableRule | undefined;
    if (rule === undefined) {
      this.warnings.push(`${update.location.file}:${update.location.line}: SecRuleUpdateActionById: no rule with id ${update.id}`);
      return;
    }
    const d: Directive = { name: 'SecRuleUpdateActionById', args: [], file: update.location.file, line: update.location.line };
    try {
      const actions = parseActionList(update.actions);
      const transforms = actions.filter((a) => a.name.toLowerCase() === 't').map((a) => a.value ?? '');
      if (transforms.length > 0) this.applyTransforms(rule, [...rule.transformNames, ...transforms]);
      for (const a of actions) {
        const n = a.name.toLowerCase();
        if (n === 'id' || n === 'phase' || n === 'chain') {
          throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `SecRuleUpdateActionById cannot change "${a.name}"`);
        }
        this.applyAction(rule, a, '.', d, false);
      }
    } catch (err) {
      if (err instanceof EngineError && !(err instanceof SecLangError)) {
        throw new SecLangError(err.code, err.message, update.location, 'SecRuleUpdateActionById');
      }
      throw err;
    }
  }
}

/**
 * A SecUnicodeMapFile table for one code page, read as ModSecurity v3 reads the file: tokens
 * separated by whitespace; a token's leading number names a code page; once the wanted one
 * has been seen, `hhhh:hh` tokens map a code point to a byte, up to the next token without a
 * colon. U+002E, U+3002, U+FF0E and U+FF61 always map to '.'.
 */
function parseUnicodeMap(text: string, codePage: number): UnicodeMap {
  const map: UnicodeMap = new Int32Array(0x10000).fill(-1);
  for (const cp of [0x002e, 0x3002, 0xff0e, 0xff61]) map[cp] = 0x2e;
  let found = false;
  let processing = false;
  for (const token of text.split(/[ \t\r\n]+/)) {
    if (token === '') continue;
    const lead = /^\d+/.exec(token);
    if (lead !== null && Number(lead[0]) === codePage) found = true;
    const colon = token.indexOf(':');
    if (found && colon >= 0) {
      processing = true;
      const code = parseInt(token.slice(0, colon), 16);
      const byte = parseInt(token.slice(colon + 1), 16);
      if (code >= 0 && code <= 0xffff && !Number.isNaN(byte)) map[code] = byte;
    }
    if (processing && colon < 0) break;
  }
  return map;
}

function selectorMatches(selector: TargetUpdate['selector'], rule: Rule): boolean {
  if (selector.id !== undefined) return selector.id.some(([a, b]) => rule.id >= a && rule.id <= b);
  if (selector.tag !== undefined) return rule.tags.includes(selector.tag);
  if (selector.msg !== undefined) return rule.msg !== null && rule.msg.text === selector.msg;
  return false;
}

function attachExclusions(targets: Target[], exclusions: TargetExclusion[]): void {
  for (const e of exclusions) {
    for (const t of targets) if (t.variable.name === e.variableName) t.exclusions.push(e);
  }
}

function parsePhase(value: string): number {
  const v = value.trim().toLowerCase();
  const named = PHASE_NAMES[v];
  if (named !== undefined) return named;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `phase must be 1-5, request, response or logging; got "${value}"`);
  return n;
}

function parseStatus(value: string | null): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 100 || n > 999) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `status must be an HTTP status code, got "${value}"`);
  return n;
}

function isDisruptiveName(n: string): boolean {
  return n === 'pass' || n === 'deny' || n === 'drop' || n === 'block' || n === 'allow' || n === 'redirect';
}

/** A rule while it is being built: compile-only fields on top of the runtime shape. */
export interface MutableRule extends Rule {
  chainFlag: boolean;
  defaultDisruptive: DisruptiveKind | null;
  defaultAllowScope: string;
  defaultStatus: number | null;
  defaultRedirect: Macro | null;
}

function newRule(location: SourceLocation, raw: string, trie: TransformTrie): MutableRule {
  const rule: MutableRule = {
    id: 0,
    phase: 2,
    file: location.file,
    line: location.line,
    raw,
    targets: [],
    operator: null,
    operatorDefinition: null,
    operatorName: 'unconditionalMatch',
    operatorParam: '',
    operatorParamMacro: null,
    operatorNegated: false,
    transforms: trie.root,
    transformNames: [],
    multiMatch: false,
    capture: false,
    perMatchActions: [],
    afterMatchActions: [],
    disruptive: null,
    allowScope: '',
    status: null,
    redirectUrl: null,
    msg: null,
    logdata: null,
    tags: [],
    severity: undefined,
    rev: '',
    ver: '',
    maturity: undefined,
    accuracy: undefined,
    log: true,
    auditlog: true,
    skip: 0,
    skipAfter: null,
    xmlNamespaces: null,
    chainChild: null,
    isChainChild: false,
    chainStarter: null as unknown as Rule,
    inspect: null,
    chainFlag: false,
    defaultDisruptive: null,
    defaultAllowScope: '',
    defaultStatus: null,
    defaultRedirect: null,
    operatorContext: null,
  };
  rule.chainStarter = rule;
  return rule;
}

/** Resolves `block` into the phase's default disruptive action and fills the inherited status. */
function finalizeRule(rule: MutableRule): void {
  if (rule.disruptive === 'block') {
    rule.disruptive = rule.defaultDisruptive ?? 'pass';
    if (rule.disruptive === 'allow') rule.allowScope = rule.defaultAllowScope;
    if (rule.disruptive === 'redirect') rule.redirectUrl = rule.defaultRedirect;
  }
  // A status in a chained rule applies to the chain (ModSecurity v3 runs each link's
  // actions when the chain matches); the starter's own status wins, then the default's.
  if (rule.status === null && !rule.isChainChild) {
    for (let link = rule.chainChild; link !== null && rule.status === null; link = link.chainChild) rule.status = link.status;
  }
  if (rule.status === null) rule.status = rule.defaultStatus;
  // A redirect keeps only a redirect status (301-307); anything else answers 302, as in v3.
  if (rule.disruptive === 'redirect' && rule.status !== null && (rule.status < 301 || rule.status > 307)) rule.status = null;
  if (rule.chainChild !== null) finalizeRule(rule.chainChild as MutableRule);
}
