/** `vpatch patch new`: a valid patch file to start from, with rule ids from the site range. */
import { LOCAL_RULE_ID_MAX, LOCAL_RULE_ID_MIN, type Patch } from './types.js';

/** First id of the next free block of 100 in the local range, given the patches already known. */
export function nextLocalRuleBlock(patches: Patch[]): number {
  const used = patches.flatMap((p) => p.rules.map((r) => r.id)).filter((id) => id >= LOCAL_RULE_ID_MIN && id <= LOCAL_RULE_ID_MAX);
  const next = used.length === 0 ? LOCAL_RULE_ID_MIN : Math.floor((Math.max(...used) - LOCAL_RULE_ID_MIN) / 100) * 100 + LOCAL_RULE_ID_MIN + 100;
  if (next + 99 > LOCAL_RULE_ID_MAX) throw new Error('the local rule id range 1790000-1799999 is full');
  return next;
}

export interface ScaffoldOptions {
  id: string;
  cve: string;
  title: string;
  ruleId: number;
  today: string;
}

/** Patch id for a CVE id (`CVE-2025-12345` → `VP-2025-12345`). */
export function patchIdForCve(cve: string): string {
  const m = /^CVE-(\d{4})-(\d{4,7})$/i.exec(cve);
  if (!m) throw new Error(`not a CVE id: ${cve}`);
  return `VP-${m[1]}-${m[2]}`;
}

export function scaffoldPatch(o: ScaffoldOptions): string {
  const year = Number(o.today.slice(0, 4));
  const review = `${year}-${o.today.slice(5, 7)}-${o.today.slice(8, 10)}`.replace(/^\d{4}/, String(year + 1));
  return `# ${o.id}: written ${o.today}. Fill in every TODO, then run: vpatch patch test ${o.id} --patches <this dir>
id: ${o.id}
title: ${JSON.stringify(o.title)}
description: >
  TODO: what the flaw is, which requests reach the vulnerable code, and what this patch blocks.
cves: [${o.cve}]
cwe: []
kev: false            # true when the CVE is in CISA's KEV catalog (vpatch patch coverage --kev-feed FILE checks)
severity: high        # critical | high | medium | low
cvss: { score: 8.0 }  # TODO: from the advisory, with vector: "CVSS:3.1/AV:N/..."
affected:
  - product: TODO vendor product
    cpe: "cpe:2.3:a:TODO:TODO:*:*:*:*:*:*:*:*"
    versions: ["<TODO"]
    fixed: ["TODO"]
references:
  - https://nvd.nist.gov/vuln/detail/${o.cve}
classes: [todo-exploit-class]
scope:
  paths: []           # e.g. [/app/] to inspect only these path prefixes; empty = every request
mode: detect          # start in detect, move to block once the pass cases and real traffic are clean
expires:
  date: "${review}"
  retireWhen: TODO the fixed version is deployed on every protected host
rules:
  - id: ${o.ruleId}
    msg: TODO what this rule detects
    targets: [path]
    transforms: [urlDecodeUni, lowercase]
    rx: '/todo-vulnerable-endpoint'
tests:
  block:
    - name: TODO exploit request
      uri: /todo-vulnerable-endpoint?x=1
  pass:
    - name: TODO benign look-alike
      uri: /todo-other-endpoint?x=1
`;
}
