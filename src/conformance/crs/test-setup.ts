/**
 * The engine configuration CRS CI tests with, as SecLang text loaded before
 * `crs-setup.conf.example` and `rules/*.conf`:
 *
 * - the base configuration CRS assumes but does not ship (the rules of ModSecurity's
 *   recommended configuration: body processors chosen by Content-Type, 200002/200003 for
 *   body-parsing errors, plus Coraza's 200006 for `+json` types),
 * - request and response body access with CRS CI's response MIME types,
 * - `SecDefaultAction` for each phase the CRS setup file does not already set
 *   (CRS >= 4.28 sets all five; older ones only 1 and 2),
 * - rule 900005 from the CRS regression README: DetectionOnly, all four paranoia levels,
 *   UTF-8 validation and the argument/file limits the suite tests.
 *
 * In DetectionOnly nothing is blocked, so response statuses come from the backend or the
 * HTTP front end, as in CRS CI.
 */

const BASE = String.raw`# vpatch: CRS regression test configuration (what CRS CI's container settings amount to).
SecRuleEngine On

# --- Request bodies -------------------------------------------------------------------
SecRequestBodyAccess On
SecRequestBodyLimit 13107200
SecRequestBodyNoFilesLimit 131072
SecRequestBodyLimitAction Reject

# XML and JSON bodies get their processors from the Content-Type.
SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application(?:/soap\+|/)|text/)xml" \
    "id:200000,phase:1,pass,nolog,t:none,t:lowercase,ctl:requestBodyProcessor=XML"
SecRule REQUEST_HEADERS:Content-Type "@rx ^application/json" \
    "id:200001,phase:1,pass,nolog,t:none,t:lowercase,ctl:requestBodyProcessor=JSON"
SecRule REQUEST_HEADERS:Content-Type "@rx ^application/[a-z0-9.-]+[+]json" \
    "id:200006,phase:1,pass,nolog,t:none,t:lowercase,ctl:requestBodyProcessor=JSON"

# A body that does not parse, or a multipart body that fails strict checks, is an error.
SecRule REQBODY_ERROR "!@eq 0" \
    "id:200002,phase:2,deny,status:400,log,t:none,severity:2,\
    msg:'Failed to parse request body.',logdata:'%{reqbody_error_msg}'"
SecRule MULTIPART_STRICT_ERROR "!@eq 0" \
    "id:200003,phase:2,deny,status:400,log,t:none,severity:2,\
    msg:'Multipart request body failed strict validation.',\
    logdata:'body %{REQBODY_PROCESSOR_ERROR}, boundary quoted %{MULTIPART_BOUNDARY_QUOTED}, boundary whitespace %{MULTIPART_BOUNDARY_WHITESPACE}, data before %{MULTIPART_DATA_BEFORE}, data after %{MULTIPART_DATA_AFTER}, header folding %{MULTIPART_HEADER_FOLDING}, LF line %{MULTIPART_LF_LINE}, missing semicolon %{MULTIPART_MISSING_SEMICOLON}, invalid quoting %{MULTIPART_INVALID_QUOTING}, invalid part %{MULTIPART_INVALID_PART}, invalid header folding %{MULTIPART_INVALID_HEADER_FOLDING}, file limit exceeded %{MULTIPART_FILE_LIMIT_EXCEEDED}'"

# --- Response bodies ------------------------------------------------------------------
SecResponseBodyAccess On
SecResponseBodyMimeType text/plain text/html text/xml application/json
SecResponseBodyLimit 524288
SecResponseBodyLimitAction ProcessPartial
`;

const DEFAULT_ACTIONS = [1, 2, 3, 4, 5].map((p) => `SecDefaultAction "phase:${p},log,auditlog,pass"`);

const TEST_RULE = String.raw`# --- CRS regression settings (rule 900005 of the CRS regression README) ---------------
SecAction "id:900005,phase:1,nolog,pass,\
    ctl:ruleEngine=DetectionOnly,\
    ctl:ruleRemoveById=910000,\
    setvar:tx.blocking_paranoia_level=4,\
    setvar:tx.crs_validate_utf8_encoding=1,\
    setvar:tx.arg_name_length=100,\
    setvar:tx.arg_length=400,\
    setvar:tx.total_arg_length=64000,\
    setvar:tx.max_num_args=255,\
    setvar:tx.max_file_size=64100,\
    setvar:tx.combined_file_sizes=65535"
`;

/**
 * The test configuration text. `crsSetupText` is the content of the CRS setup file that
 * follows it; `SecDefaultAction` is added here only for phases that file leaves unset.
 */
export function testSetupConf(crsSetupText = ''): string {
  const defaults = DEFAULT_ACTIONS.filter((_, i) => !new RegExp(`^\\s*SecDefaultAction\\s+"?phase:${i + 1}\\b`, 'm').test(crsSetupText));
  const defaultBlock = defaults.length > 0 ? `\n# --- Default actions for phases the CRS setup file leaves unset ------------------------\n${defaults.join('\n')}\n` : '';
  return `${BASE}${defaultBlock}\n${TEST_RULE}`;
}

/** File name the configuration is given to the engine under (appears in errors). */
export const TEST_SETUP_NAME = 'crs-test-setup.conf';
