import { EngineError } from '../errors.js';
import { parseTargetList } from '../seclang/targets.js';
import type { RuntimeTargetRemoval } from '../transaction.js';
import type { CompiledAction } from './types.js';

/** Parses `1-100`, `920100`, `1,2,3-5` into id ranges. */
export function parseIdRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const part of text.split(/[\s,]+/)) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `expected a rule id or range, got "${part}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    ranges.push([Math.min(from, to), Math.max(from, to)]);
  }
  return ranges;
}

function onOff(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `ctl:${name} expects On or Off, got "${value}"`);
}

function splitRuleAndTarget(name: string, value: string): [string, RuntimeTargetRemoval[]] {
  const semi = value.indexOf(';');
  if (semi < 0) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `ctl:${name} expects "<rule>;<target>", got "${value}"`);
  const targets = parseTargetList(value.slice(semi + 1)).map((t) => ({
    variableName: t.variable,
    lowerKey: t.key === null || t.keyIsRegex ? null : t.key.toLowerCase(),
    keyRegexSource: t.keyIsRegex ? t.key : null,
    ruleId: 0,
    tag: null as string | null,
    msg: null as string | null,
    keyRegex: null,
  }));
  return [value.slice(0, semi), targets];
}

/** `ctl:option=value`: changes this transaction's configuration from a rule. */
export function compileCtl(spec: string, compileKeyRegex: (source: string) => RuntimeTargetRemoval['keyRegex']): CompiledAction {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `ctl "${spec}": expected option=value`);
  const option = spec.slice(0, eq).trim();
  const value = spec.slice(eq + 1).trim();
  const lower = option.toLowerCase();
  const action = (execute: CompiledAction['execute']): CompiledAction => ({ name: 'ctl', execute });
  switch (lower) {
    case 'ruleengine': {
      const mode = ({ on: 'On', off: 'Off', detectiononly: 'DetectionOnly' } as const)[value.toLowerCase() as 'on'];
      if (mode === undefined) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `ctl:ruleEngine expects On, Off or DetectionOnly, got "${value}"`);
      return action((tx) => { tx.ruleEngine = mode; });
    }
    case 'ruleremovebyid': {
      const ranges = parseIdRanges(value);
      return action((tx) => { tx.removeRuleRanges(ranges); });
    }
    case 'ruleremovebytag':
      return action((tx) => { tx.removeRulesByTag(value); });
    case 'ruleremovebymsg':
      return action((tx) => { tx.removeRulesByMsg(value); });
    case 'ruleremovetargetbyid':
    case 'ruleremovetargetbytag':
    case 'ruleremovetargetbymsg': {
      const [selector, targets] = splitRuleAndTarget(option, value);
      for (const t of targets) {
        if (t.keyRegexSource !== null) t.keyRegex = compileKeyRegex(t.keyRegexSource);
        if (lower === 'ruleremovetargetbyid') {
          const ranges = parseIdRanges(selector);
          t.ruleId = ranges[0]![0];
        } else if (lower === 'ruleremovetargetbytag') t.tag = selector;
        else t.msg = selector;
      }
      return action((tx) => { tx.removeTargets(targets); });
    }
    case 'requestbodyprocessor': {
      const processor = value.toUpperCase();
      if (!['URLENCODED', 'MULTIPART', 'XML', 'JSON'].includes(processor)) {
        throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `ctl:requestBodyProcessor: unknown processor "${value}" (expected URLENCODED, MULTIPART, XML or JSON)`);
      }
      return action((tx) => { tx.requestBodyProcessor = processor; });
    }
    case 'requestbodyaccess': {
      const on = onOff(option, value);
      return action((tx) => { tx.requestBodyAccessOverride = on; });
    }
    case 'responsebodyaccess': {
      const on = onOff(option, value);
      return action((tx) => { tx.responseBodyAccessOverride = on; });
    }
    case 'forcerequestbodyvariable': {
      const on = onOff(option, value);
      return action((tx) => { tx.forceRequestBodyVariable = on; });
    }
    case 'requestbodylimit': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `ctl:requestBodyLimit expects a byte count, got "${value}"`);
      return action((tx) => { tx.requestBodyLimit = n; });
    }
    case 'auditengine': {
      const mode = value.toLowerCase();
      if (!['on', 'off', 'relevantonly'].includes(mode)) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `ctl:auditEngine expects On, Off or RelevantOnly, got "${value}"`);
      return action((tx) => { tx.auditEngine = mode === 'on' ? 'On' : mode === 'off' ? 'Off' : 'RelevantOnly'; });
    }
    case 'auditlogparts':
      return action((tx) => { tx.setAuditLogParts(value); });
    case 'debugloglevel':
    case 'hashengine':
    case 'hashenforcement':
      return action(() => {});
    default:
      throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `unknown ctl option "${option}"`);
  }
}
