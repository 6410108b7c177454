/**
 * The settings both sides run with: ModSecurity's recommended request-body settings and base
 * rules 200000-200003, CRS v4 from `crsDir` (crs-setup.conf.example, then rules/*.conf),
 * anomaly blocking (SecRuleEngine On, CRS's default thresholds 5 inbound / 4 outbound) at
 * the chosen paranoia level. Response bodies are not inspected (the upstream is trivial).
 */
import { existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Settings {
  crsDir: string;
  paranoia: number;
}

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found');
    dir = parent;
  }
  return dir;
}

/** CRS from --crs-dir, else $VPATCH_CRS_DIR, else ../shared/crs beside the repository. */
export function defaultCrsDir(): string {
  return process.env.VPATCH_CRS_DIR ?? resolve(repoRoot(), '../shared/crs');
}

export function crsSetupFile(crsDir: string): string {
  for (const name of ['crs-setup.conf.example', 'crs-setup.conf']) {
    const f = join(crsDir, name);
    if (existsSync(f)) return f;
  }
  throw new Error(`${crsDir}: neither crs-setup.conf.example nor crs-setup.conf found`);
}

/** The base configuration (before CRS), identical on both sides. */
export function baseConf(): string {
  return String.raw`# vpatch fidelity check: base settings (shared by ModSecurity v3 and vpatch)
SecRuleEngine On
SecRequestBodyAccess On
SecRequestBodyLimit 13107200
SecRequestBodyNoFilesLimit 131072
SecRequestBodyLimitAction Reject
SecResponseBodyAccess Off

SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application(?:/soap\+|/)|text/)xml" \
    "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
SecRule REQUEST_HEADERS:Content-Type "@rx ^application/json" \
    "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule REQBODY_ERROR "!@eq 0" \
    "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body.',logdata:'%{reqbody_error_msg}',severity:2"
SecRule MULTIPART_STRICT_ERROR "!@eq 0" \
    "id:200003,phase:2,t:none,log,deny,status:400,\
    msg:'Multipart request body failed strict validation: PE %{REQBODY_PROCESSOR_ERROR}, BQ %{MULTIPART_BOUNDARY_QUOTED}, BW %{MULTIPART_BOUNDARY_WHITESPACE}, DB %{MULTIPART_DATA_BEFORE}, DA %{MULTIPART_DATA_AFTER}, HF %{MULTIPART_HEADER_FOLDING}, LF %{MULTIPART_LF_LINE}, SM %{MULTIPART_MISSING_SEMICOLON}, IQ %{MULTIPART_INVALID_QUOTING}, IP %{MULTIPART_INVALID_PART}, IH %{MULTIPART_INVALID_HEADER_FOLDING}, FL %{MULTIPART_FILE_LIMIT_EXCEEDED}'"
`;
}

/** Set between crs-setup and the rules: the paranoia level (CRS defaults everything else). */
export function paranoiaConf(paranoia: number): string {
  return `# vpatch fidelity check: paranoia level
SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=${paranoia}"
`;
}
