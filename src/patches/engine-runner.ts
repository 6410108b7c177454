/**
 * Runs patches' `block` and `pass` cases through the engine in process. A block case passes
 * when one of the patch's own rules interrupts the request with the patch compiled alone, and
 * the whole set interrupts it too; a pass case passes when the whole set lets it through.
 */
import { compilePatch, preludeSecLang } from './compiler.js';
import { buildRequest, describeRequest, type WireRequest } from './requests.js';
import type { CaseResult, PatchReport } from './runner.js';
import type { Patch, PatchMode } from './types.js';
import { Waf } from '../engine/index.js';

export interface EngineVerdict {
  interrupted: boolean;
  status: number | undefined;
  ruleId: number | undefined;
  matchedIds: number[];
}

type CompiledWaf = ReturnType<typeof Waf.compile>;

function byteString(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Evaluates one request on a compiled engine (phases 1, 2 and logging). */
export function evaluate(waf: CompiledWaf, req: WireRequest): EngineVerdict {
  const tx = waf.newTransaction({ ruleEngine: 'On' });
  tx.processConnection('127.0.0.1', 40000, '127.0.0.1', 8080);
  tx.processUri(byteString(req.target), req.method, 'HTTP/1.1');
  for (const [n, v] of req.headers) tx.addRequestHeader(byteString(n), byteString(v));
  let it = tx.processRequestHeaders();
  if (!it) {
    if (req.body.length > 0) tx.appendRequestBody(req.body);
    it = tx.processRequestBody();
  }
  tx.processLogging();
  const interruption = it ?? tx.interruption ?? null;
  return {
    interrupted: interruption !== null,
    status: interruption?.status,
    ruleId: interruption?.ruleId,
    matchedIds: tx.matchedRules.map((m) => m.id),
  };
}

/** Compiles patches (prelude first) for in-process testing. */
export function compileForTest(patches: Patch[], modes: Record<string, PatchMode> = {}): CompiledWaf {
  const files = [{ text: preludeSecLang(), name: 'vpatch-prelude.conf' }];
  for (const p of patches) {
    const text = compilePatch(p, modes[p.id] ?? 'block');
    if (text) files.push({ text, name: `${p.id}.yaml` });
  }
  return Waf.compile(files);
}

function ruleIdsOf(p: Patch): Set<number> {
  return new Set(p.rules.map((r) => r.id));
}

/**
 * Runs a patch's cases in process. `alone` is the patch compiled by itself (block cases must
 * be stopped by its own rules); `all` (optional) is the whole set, which pass cases must get through.
 */
export function runPatchCasesInEngine(p: Patch, alone: CompiledWaf, all?: CompiledWaf): PatchReport {
  const own = ruleIdsOf(p);
  const cases: CaseResult[] = [];
  p.tests.block.forEach((t, i) => {
    const req = buildRequest(t);
    const v = evaluate(alone, req);
    const ok = v.interrupted && v.ruleId !== undefined && own.has(v.ruleId);
    cases.push({
      kind: 'block',
      index: i,
      description: describeRequest(t),
      ok,
      detail: ok ? `blocked by rule ${v.ruleId} (status ${v.status})` : v.interrupted ? `interrupted by rule ${v.ruleId}, not one of the patch's rules` : `not blocked (matched rules: ${v.matchedIds.join(', ') || 'none'})`,
    });
    if (ok && all) {
      const va = evaluate(all, req);
      if (!va.interrupted) cases[cases.length - 1] = { ...cases[cases.length - 1]!, ok: false, detail: 'blocked by the patch alone but not with the whole set loaded' };
    }
  });
  p.tests.pass.forEach((t, i) => {
    const req = buildRequest(t);
    const v = evaluate(all ?? alone, req);
    cases.push({
      kind: 'pass',
      index: i,
      description: describeRequest(t),
      ok: !v.interrupted,
      detail: v.interrupted ? `blocked by rule ${v.ruleId} (false positive)` : 'passed through',
    });
  });
  const passed = cases.filter((c) => c.ok).length;
  return { id: p.id, title: p.title, cases, passed, failed: cases.length - passed };
}

/** Runs every patch's cases in process, each patch alone for its block cases and the whole set for pass cases. */
export function runInEngine(patches: Patch[], modes: Record<string, PatchMode> = {}): PatchReport[] {
  const enabled = patches.filter((p) => (modes[p.id] ?? p.mode) !== 'off');
  const all = compileForTest(enabled);
  return enabled.map((p) => runPatchCasesInEngine(p, compileForTest([p]), all));
}

