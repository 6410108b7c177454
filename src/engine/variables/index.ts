import * as bodyProcessors from '../body/index.js';
import type { Transaction } from '../transaction.js';
import type { VariableDefinition } from './types.js';
import { mapped, names, ordered, scalar, targetSelects } from './families.js';

/**
 * Every SecLang variable vpatch provides, by name. Collections are case-insensitive by key;
 * scalars are absent (the rule sees no value) until the transaction has set them, as in
 * ModSecurity v3.
 */
function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

const xml: VariableDefinition = {
  name: 'XML',
  isCollection: true,
  collect(tx, target, sink) {
    for (const v of xmlValues(tx, target.key ?? '/*')) sink.push(target.key ?? '/*', v);
  },
  count(tx, target) {
    return xmlValues(tx, target.key ?? '/*').length;
  },
  first(tx, lowerKey) {
    return xmlValues(tx, lowerKey ?? '/*')[0];
  },
};

function xmlValues(tx: Transaction, expression: string): string[] {
  const doc = tx.xmlDocument;
  if (doc === null) return [];
  const cached = tx.xpathCache.get(expression);
  if (cached !== undefined) return cached;
  let values: string[];
  try {
    values = bodyProcessors.evaluateXPath(doc, expression, tx.currentRule?.chainStarter.xmlNamespaces ?? undefined);
  } catch {
    values = [];
  }
  tx.xpathCache.set(expression, values);
  return values;
}

const rule: VariableDefinition = {
  name: 'RULE',
  isCollection: true,
  collect(tx, target, sink) {
    const r = tx.currentRule;
    if (r === null) return;
    for (const key of RULE_KEYS) {
      if (targetSelects(target, key, key)) {
        const v = ruleField(tx, key);
        if (v !== undefined) sink.push(key, v);
      }
    }
  },
  count(tx, target) {
    let n = 0;
    for (const key of RULE_KEYS) if (targetSelects(target, key, key) && ruleField(tx, key) !== undefined) n++;
    return n;
  },
  first(tx, lowerKey) {
    return lowerKey === null ? undefined : ruleField(tx, lowerKey);
  },
};

const RULE_KEYS = ['id', 'phase', 'msg', 'logdata', 'severity', 'rev', 'ver', 'maturity', 'accuracy', 'operator_value'];

function ruleField(tx: Transaction, key: string): string | undefined {
  const starter = tx.currentRule?.chainStarter;
  if (starter === undefined) return undefined;
  switch (key) {
    case 'id': return String(starter.id);
    case 'phase': return String(starter.phase);
    case 'msg': return starter.msg ? starter.msg.expand(tx) : undefined;
    case 'logdata': return starter.logdata ? starter.logdata.expand(tx) : undefined;
    case 'severity': return starter.severity === undefined ? undefined : String(starter.severity);
    case 'rev': return starter.rev;
    case 'ver': return starter.ver;
    case 'maturity': return starter.maturity === undefined ? undefined : String(starter.maturity);
    case 'accuracy': return starter.accuracy === undefined ? undefined : String(starter.accuracy);
    case 'operator_value': return tx.currentRule?.operatorParam;
    default: return undefined;
  }
}

const filesNames = names('FILES_NAMES', (tx) => tx.files);

const definitions: VariableDefinition[] = [
  // Arguments
  ordered('ARGS', (tx) => tx.args),
  ordered('ARGS_GET', (tx) => tx.argsGet),
  ordered('ARGS_POST', (tx) => tx.argsPost),
  names('ARGS_NAMES', (tx) => tx.args),
  names('ARGS_GET_NAMES', (tx) => tx.argsGet),
  names('ARGS_POST_NAMES', (tx) => tx.argsPost),
  scalar('ARGS_COMBINED_SIZE', (tx) => String(tx.argsCombinedSize)),
  // Request line and URI
  scalar('REQUEST_LINE', (tx) => tx.requestLine),
  scalar('REQUEST_METHOD', (tx) => tx.requestMethod),
  scalar('REQUEST_PROTOCOL', (tx) => tx.requestProtocol),
  scalar('REQUEST_URI', (tx) => tx.requestUri),
  scalar('REQUEST_URI_RAW', (tx) => tx.requestUriRaw),
  scalar('REQUEST_FILENAME', (tx) => tx.requestFilename),
  scalar('REQUEST_BASENAME', (tx) => tx.requestBasename),
  scalar('PATH_INFO', (tx) => tx.requestFilename),
  scalar('QUERY_STRING', (tx) => tx.queryString),
  // Request headers and cookies
  ordered('REQUEST_HEADERS', (tx) => tx.requestHeaders),
  names('REQUEST_HEADERS_NAMES', (tx) => tx.requestHeaders),
  ordered('REQUEST_COOKIES', (tx) => tx.requestCookies),
  names('REQUEST_COOKIES_NAMES', (tx) => tx.requestCookies),
  scalar('AUTH_TYPE', (tx) => tx.authType),
  // Request body
  scalar('REQUEST_BODY', (tx) => tx.requestBodyVariable),
  scalar('REQUEST_BODY_LENGTH', (tx) => tx.requestBodyLengthVariable),
  scalar('FULL_REQUEST', (tx) => tx.fullRequest()),
  scalar('FULL_REQUEST_LENGTH', (tx) => String(tx.fullRequest().length)),
  scalar('REQBODY_PROCESSOR', (tx) => tx.requestBodyProcessor || undefined),
  scalar('REQBODY_ERROR', (tx) => tx.reqbodyError),
  scalar('REQBODY_ERROR_MSG', (tx) => tx.reqbodyErrorMsg),
  scalar('REQBODY_PROCESSOR_ERROR', (tx) => tx.reqbodyError),
  scalar('REQBODY_PROCESSOR_ERROR_MSG', (tx) => tx.reqbodyErrorMsg),
  scalar('INBOUND_DATA_ERROR', (tx) => tx.inboundDataError),
  scalar('OUTBOUND_DATA_ERROR', (tx) => tx.outboundDataError),
  scalar('URLENCODED_ERROR', (tx) => tx.urlencodedError),
  xml,
  // Multipart and files
  ordered('FILES', (tx) => tx.files),
  filesNames,
  ordered('FILES_SIZES', (tx) => tx.filesSizes),
  ordered('FILES_TMPNAMES', (tx) => tx.filesTmpNames),
  ordered('FILES_TMP_CONTENT', (tx) => tx.filesTmpContent),
  scalar('FILES_COMBINED_SIZE', (tx) => (tx.multipartFlags === null ? undefined : String(tx.filesCombinedSize))),
  ordered('MULTIPART_PART_HEADERS', (tx) => tx.multipartPartHeaders),
  scalar('MULTIPART_FILENAME', (tx) => tx.multipartFilename),
  scalar('MULTIPART_NAME', (tx) => tx.multipartName),
  ...[
    'MULTIPART_BOUNDARY_QUOTED', 'MULTIPART_BOUNDARY_WHITESPACE', 'MULTIPART_DATA_AFTER', 'MULTIPART_DATA_BEFORE',
    'MULTIPART_FILE_LIMIT_EXCEEDED', 'MULTIPART_HEADER_FOLDING', 'MULTIPART_INVALID_HEADER_FOLDING', 'MULTIPART_INVALID_PART',
    'MULTIPART_INVALID_QUOTING', 'MULTIPART_LF_LINE', 'MULTIPART_CRLF_LF_LINES', 'MULTIPART_MISSING_SEMICOLON',
    'MULTIPART_UNMATCHED_BOUNDARY', 'MULTIPART_STRICT_ERROR',
  ].map((flag) => scalar(flag, (tx) => {
    const flags = tx.multipartFlags;
    if (flags === null) return undefined;
    const v = flags[flag];
    return v === undefined ? '0' : String(v);
  })),
  // Connection
  scalar('REMOTE_ADDR', (tx) => tx.remoteAddr),
  scalar('REMOTE_HOST', (tx) => tx.remoteAddr),
  scalar('REMOTE_PORT', (tx) => tx.remotePort),
  scalar('REMOTE_USER', (tx) => tx.remoteUser),
  scalar('SERVER_ADDR', (tx) => tx.serverAddr),
  scalar('SERVER_PORT', (tx) => tx.serverPort),
  scalar('SERVER_NAME', (tx) => tx.serverName),
  scalar('UNIQUE_ID', (tx) => tx.id),
  // Response
  scalar('RESPONSE_STATUS', (tx) => tx.responseStatus),
  scalar('RESPONSE_PROTOCOL', (tx) => tx.responseProtocol),
  scalar('STATUS_LINE', (tx) => (tx.responseStatus === undefined ? undefined : `${tx.responseProtocol ?? 'HTTP/1.1'} ${tx.responseStatus}`)),
  ordered('RESPONSE_HEADERS', (tx) => tx.responseHeaders),
  names('RESPONSE_HEADERS_NAMES', (tx) => tx.responseHeaders),
  scalar('RESPONSE_BODY', (tx) => tx.responseBodyVariable),
  scalar('RESPONSE_CONTENT_TYPE', (tx) => tx.responseContentType),
  scalar('RESPONSE_CONTENT_LENGTH', (tx) => tx.responseContentLength),
  // Collections
  mapped('TX', (tx) => tx.txCollection),
  mapped('IP', (tx) => tx.persistent.get('IP')),
  mapped('GLOBAL', (tx) => tx.persistent.get('GLOBAL')),
  mapped('SESSION', (tx) => tx.persistent.get('SESSION')),
  mapped('USER', (tx) => tx.persistent.get('USER')),
  mapped('RESOURCE', (tx) => tx.persistent.get('RESOURCE')),
  mapped('ENV', (tx) => tx.env),
  // No GeoIP database is loaded, so GEO is always empty (the compiler warns where it is used).
  mapped('GEO', () => undefined),
  scalar('SESSIONID', (tx) => tx.sessionId),
  scalar('USERID', (tx) => tx.userId),
  scalar('WEBAPPID', (tx) => tx.waf.config.webAppId),
  // Matches
  scalar('MATCHED_VAR', (tx) => tx.matchedVar),
  scalar('MATCHED_VAR_NAME', (tx) => tx.matchedVarName),
  ordered('MATCHED_VARS', (tx) => tx.matchedVars),
  names('MATCHED_VARS_NAMES', (tx) => tx.matchedVars),
  scalar('HIGHEST_SEVERITY', (tx) => (tx.highestSeverity === 255 ? undefined : String(tx.highestSeverity))),
  rule,
  // Time
  scalar('DURATION', (tx) => String(Math.max(0, Date.now() - tx.startMs))),
  scalar('TIME', (tx) => { const d = tx.startDate; return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`; }),
  scalar('TIME_DAY', (tx) => String(tx.startDate.getDate())),
  scalar('TIME_EPOCH', (tx) => String(Math.floor(tx.startMs / 1000))),
  scalar('TIME_HOUR', (tx) => String(tx.startDate.getHours())),
  scalar('TIME_MIN', (tx) => String(tx.startDate.getMinutes())),
  scalar('TIME_MON', (tx) => String(tx.startDate.getMonth())),
  scalar('TIME_SEC', (tx) => String(tx.startDate.getSeconds())),
  scalar('TIME_WDAY', (tx) => String(tx.startDate.getDay())),
  scalar('TIME_YEAR', (tx) => String(tx.startDate.getFullYear())),
  scalar('MSC_PCRE_LIMITS_EXCEEDED', () => '0'),
  // The libmodsecurity build vpatch follows (3.0.9, what Debian 12 ships), for rules that check it.
  scalar('MODSEC_BUILD', () => '030009100'),
];

const byName = new Map<string, VariableDefinition>(definitions.map((d) => [d.name, d]));

/** The variable called `name` (case-insensitive), or undefined. */
export function getVariable(name: string): VariableDefinition | undefined {
  return byName.get(name.toUpperCase());
}

/**
 * Variables ModSecurity v3 knows but vpatch cannot provide, with why. Using one is a
 * load-time error naming the reason instead of a rule that silently never matches.
 */
export const UNSUPPORTED_VARIABLES: Record<string, string> = {
  STREAM_INPUT_BODY: 'stream modification is not supported',
  STREAM_OUTPUT_BODY: 'stream modification is not supported',
  WEBSERVER_ERROR_LOG: 'vpatch is not embedded in a web server',
};
