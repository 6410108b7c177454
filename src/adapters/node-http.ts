/**
 * The engine as `node:http` middleware.
 *
 *   const handler = wrapHandler(waf, (req, res) => { ... }, { onTransaction: (tx) => log(tx) });
 *   http.createServer(handler).listen(8080);
 *
 * Per request: a transaction; connection info; the request line with the raw `req.url`; the
 * headers in wire order from `req.rawHeaders`; phase 1; the body buffered and fed to the
 * engine when `tx.requestBodyAccess` (the handler then reads the same bytes from a replayed
 * request stream); phase 2; then the handler. Its response is held back while the engine
 * needs it: phase 3 sees status and headers, phase 4 the buffered body when
 * `tx.responseBodyAccess`. Phase 5 runs when the response is finished or the connection
 * closes. An interruption is answered with its status and a small page carrying the
 * transaction id (`drop` closes the connection, `redirect` answers with Location).
 *
 * Everything handed to the engine is a byte string: Node decodes the request line and header
 * bytes as latin1, so `req.url` and `req.rawHeaders` are already byte strings.
 *
 * The building blocks (`beginRequest`, `guardResponse`, `sendInterruption`) are exported for
 * adapters of other frameworks.
 */
import { IncomingMessage, type ServerResponse, type OutgoingHttpHeaders, type OutgoingHttpHeader } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Interruption, RuleEngineMode, TransactionOptions, MatchedRule } from '../engine/api-types.js';

/** What the adapter needs of a transaction (the engine's `Transaction` satisfies it). */
export interface AdapterTransaction {
  processConnection(clientIp: string, clientPort: number, serverIp: string, serverPort: number): void;
  processUri(uri: string, method: string, httpVersion: string): void;
  addRequestHeader(name: string, value: string): void;
  processRequestHeaders(): Interruption | null;
  readonly requestBodyAccess: boolean;
  appendRequestBody(chunk: Buffer): Interruption | null;
  processRequestBody(): Interruption | null;
  addResponseHeader(name: string, value: string): void;
  processResponseHeaders(status: number, protocol: string): Interruption | null;
  readonly responseBodyAccess: boolean;
  appendResponseBody(chunk: Buffer): Interruption | null;
  processResponseBody(): Interruption | null;
  processLogging(): void;
  readonly matchedRules: readonly MatchedRule[];
}

/** What the adapter needs of a compiled WAF (the engine's `Waf` satisfies it). */
export interface AdapterWaf<T extends AdapterTransaction = AdapterTransaction> {
  newTransaction(options?: TransactionOptions): T;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface WrapOptions<T extends AdapterTransaction = AdapterTransaction> {
  /** Called once per transaction after phase 5 (logging), e.g. to write the error log. */
  onTransaction?: (tx: T, info: TransactionInfo) => void;
  /**
   * Called when running the request through the engine failed (an engine exception or the
   * request stream breaking while its body is read); the client gets 500. `onTransaction`
   * still follows when a transaction had been created.
   */
  onError?: (err: unknown, req: IncomingMessage) => void;
  /** Transaction id (UNIQUE_ID); default: 24 random url-safe characters. */
  transactionId?: (req: IncomingMessage) => string;
  /** Per-request rule engine mode (overrides SecRuleEngine). */
  ruleEngine?: RuleEngineMode | ((req: IncomingMessage) => RuleEngineMode | undefined);
  /**
   * Most request-body bytes the adapter keeps in memory for the handler (default 64 MiB).
   * Larger bodies are answered with 413. The engine's own SecRequestBodyLimit applies first.
   */
  maxBufferedRequestBody?: number;
  /** Most response-body bytes held back for phase 4 (default 64 MiB); beyond, the rest streams. */
  maxBufferedResponseBody?: number;
  /** Custom page for an interruption. */
  interruptionPage?: (interruption: Interruption, transactionId: string) => { contentType: string; body: string | Buffer };
}

export interface TransactionInfo {
  id: string;
  req: IncomingMessage;
  res: ServerResponse;
  /** The interruption that ended the transaction, if any. */
  interruption: Interruption | null;
}

const transactions = new WeakMap<IncomingMessage, { tx: AdapterTransaction; id: string }>();

/** The transaction the adapter runs for this request (also on the replayed request). */
export function getTransaction<T extends AdapterTransaction = AdapterTransaction>(req: IncomingMessage): { tx: T; id: string } | undefined {
  return transactions.get(req) as { tx: T; id: string } | undefined;
}

/** A ModSecurity-like unique id: 24 url-safe random characters. */
export function newTransactionId(): string {
  return randomBytes(18).toString('base64url');
}

function plainIp(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 413: 'Payload Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

type PageFn = (interruption: Interruption, id: string) => { contentType: string; body: string | Buffer };

function defaultPage(interruption: Interruption, id: string): { contentType: string; body: string | Buffer } {
  const title = `${interruption.status} ${STATUS_TEXT[interruption.status] ?? 'Request Rejected'}`;
  return {
    contentType: 'text/html; charset=utf-8',
    body: `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1>` +
      `<p>The request was rejected by the web application firewall.</p><p>Transaction id: <code>${id}</code></p></body></html>\n`,
  };
}

/**
 * Answers an interruption on `res` (which must not have sent headers yet). Uses the
 * response's original methods when `guardResponse` has wrapped them.
 */
export function sendInterruption(res: ServerResponse, interruption: Interruption, id: string, page: PageFn = defaultPage): void {
  const raw = originals.get(res);
  const writeHead = raw?.writeHead ?? res.writeHead.bind(res);
  const end = raw?.end ?? res.end.bind(res);
  if (interruption.action === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (res.headersSent) {
    // Too late to answer differently: close the connection so the client sees a broken response.
    res.socket?.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const { contentType, body } = page(interruption, id);
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const headers: OutgoingHttpHeaders = { 'Content-Type': contentType, 'Content-Length': buf.length, 'Cache-Control': 'no-store' };
  let status = interruption.status;
  if (interruption.action === 'redirect') {
    status = interruption.status >= 300 && interruption.status < 400 ? interruption.status : 302;
    if (interruption.url) headers.Location = interruption.url;
  }
  writeHead(status, headers);
  end(buf);
}

export interface BeganRequest<T extends AdapterTransaction> {
  tx: T;
  id: string;
  interruption: Interruption | null;
  /** The request body when it was buffered (requestBodyAccess), else null (still unread on `req`). */
  body: Buffer | null;
}

/** Phases 1 and 2 for `req`: connection, request line, headers, body (buffered when inspected). */
export async function beginRequest<T extends AdapterTransaction>(waf: AdapterWaf<T>, req: IncomingMessage, options: WrapOptions<T> = {}): Promise<BeganRequest<T>> {
  const id = options.transactionId?.(req) ?? newTransactionId();
  const mode = typeof options.ruleEngine === 'function' ? options.ruleEngine(req) : options.ruleEngine;
  const txOptions: TransactionOptions = { id };
  if (mode) txOptions.ruleEngine = mode;
  const tx = waf.newTransaction(txOptions);
  transactions.set(req, { tx, id });

  const sock = req.socket;
  tx.processConnection(plainIp(sock.remoteAddress), sock.remotePort ?? 0, plainIp(sock.localAddress), sock.localPort ?? 0);
  tx.processUri(req.url ?? '', req.method ?? '', `HTTP/${req.httpVersion}`);
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) tx.addRequestHeader(raw[i]!, raw[i + 1]!);

  let interruption = tx.processRequestHeaders();
  if (interruption) return { tx, id, interruption, body: null };

  let body: Buffer | null = null;
  if (tx.requestBodyAccess) {
    const limit = options.maxBufferedRequestBody ?? 64 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        return { tx, id, interruption: { action: 'deny', status: 413, ruleId: 0, phase: 2 }, body: null };
      }
      chunks.push(chunk);
      // The engine applies SecRequestBodyLimit (and its action) itself.
      interruption = tx.appendRequestBody(chunk);
      if (interruption) {
        req.resume();
        return { tx, id, interruption, body: null };
      }
    }
    body = Buffer.concat(chunks, size);
  }
  interruption = tx.processRequestBody();
  return { tx, id, interruption, body };
}

/** A request stream that replays an already-read body, with the original's metadata. */
export function replayRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = new IncomingMessage(req.socket);
  replay.method = req.method;
  replay.url = req.url;
  replay.httpVersion = req.httpVersion;
  replay.httpVersionMajor = req.httpVersionMajor;
  replay.httpVersionMinor = req.httpVersionMinor;
  replay.headers = req.headers;
  replay.rawHeaders = req.rawHeaders;
  replay.trailers = req.trailers;
  replay.rawTrailers = req.rawTrailers;
  replay.complete = true;
  if (body.length > 0) replay.push(body);
  replay.push(null);
  const entry = transactions.get(req);
  if (entry) transactions.set(replay, entry);
  return replay;
}

interface OriginalMethods {
  writeHead: (...args: unknown[]) => ServerResponse;
  write: (...args: unknown[]) => boolean;
  end: (...args: unknown[]) => ServerResponse;
}
const originals = new WeakMap<ServerResponse, OriginalMethods>();

function headerPairs(res: ServerResponse): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  // getRawHeaderNames keeps the case the handler used (Node >= 15; missing from some typings).
  const withRaw = res as ServerResponse & { getRawHeaderNames?: () => string[] };
  const names = withRaw.getRawHeaderNames ? withRaw.getRawHeaderNames() : res.getHeaderNames();
  for (const name of names) {
    const v = res.getHeader(name);
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) pairs.push([name, String(item)]);
    else pairs.push([name, String(v)]);
  }
  return pairs;
}

function applyWriteHeadArgs(res: ServerResponse, args: unknown[]): void {
  const [status, second, third] = args;
  if (typeof status === 'number') res.statusCode = status;
  let headers: unknown = third;
  if (typeof second === 'string') res.statusMessage = second;
  else headers = second;
  if (Array.isArray(headers)) {
    // Either [[k, v], ...] or a flat [k, v, k, v].
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const [k, v] of headers as Array<[string, OutgoingHttpHeader]>) res.setHeader(k, v);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(String(headers[i]), headers[i + 1] as OutgoingHttpHeader);
    }
  } else if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers as OutgoingHttpHeaders)) if (v !== undefined) res.setHeader(k, v);
  }
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer | null {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return null;
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
}

/**
 * Wraps `res` so that phases 3 and 4 run before the client sees the response. At the
 * handler's first write (or end) the response headers go to the engine; if it then wants the
 * body (`tx.responseBodyAccess`: SecResponseBodyAccess and a listed MIME type) the response
 * is held until `end()`, phase 3 and phase 4 run, and only then is it sent; otherwise phase 3
 * runs at once and the body streams through. `onInterruption` is called (at most once) when
 * the engine interrupts before anything was sent; the handler's output is then discarded.
 */
export function guardResponse(tx: AdapterTransaction, res: ServerResponse, req: IncomingMessage, onInterruption: (i: Interruption) => void, options: { maxBufferedResponseBody?: number } = {}): void {
  const orig: OriginalMethods = {
    writeHead: res.writeHead.bind(res) as OriginalMethods['writeHead'],
    write: res.write.bind(res) as OriginalMethods['write'],
    end: res.end.bind(res) as OriginalMethods['end'],
  };
  originals.set(res, orig);
  const limit = options.maxBufferedResponseBody ?? 64 * 1024 * 1024;
  const protocol = `HTTP/${req.httpVersion}`;
  let started = false; // headers handed to the engine
  let phase3Done = false;
  let interrupted = false;
  let streaming = false; // headers sent, body passes through
  let buffering = false;
  const held: Buffer[] = [];
  let heldSize = 0;

  const interrupt = (i: Interruption): void => {
    interrupted = true;
    onInterruption(i);
  };

  /** First output: headers to the engine, then decide whether the body is held. */
  const start = (): void => {
    if (started) return;
    started = true;
    for (const [name, value] of headerPairs(res)) tx.addResponseHeader(name, value);
    buffering = tx.responseBodyAccess;
  };

  /** Phase 3; false when it interrupted. */
  const phase3 = (): boolean => {
    if (!phase3Done) {
      phase3Done = true;
      const i = tx.processResponseHeaders(res.statusCode, protocol);
      if (i) interrupt(i);
    }
    return !interrupted;
  };

  const startStreaming = (): void => {
    if (streaming) return;
    streaming = true;
    orig.writeHead(res.statusCode);
    for (const chunk of held) orig.write(chunk);
    held.length = 0;
    heldSize = 0;
  };

  res.writeHead = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (!interrupted && !started) applyWriteHeadArgs(res, args);
    return res;
  } as typeof res.writeHead;

  res.write = function (this: ServerResponse, chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    if (interrupted) return true;
    const callback = typeof encoding === 'function' ? encoding : cb;
    const buf = toBuffer(chunk, encoding);
    start();
    if (!buffering && !streaming) {
      if (!phase3()) return true;
      startStreaming();
    }
    if (buf && buf.length > 0) {
      if (streaming) return orig.write(buf, callback);
      held.push(buf);
      heldSize += buf.length;
      if (heldSize > limit) {
        // Too large to hold: inspect what we have and stream the rest.
        if (!phase3()) return true;
        const i = tx.appendResponseBody(Buffer.concat(held, heldSize));
        if (i) {
          interrupt(i);
          return true;
        }
        startStreaming();
      }
    }
    if (typeof callback === 'function') process.nextTick(callback as () => void);
    return true;
  } as typeof res.write;

  res.end = function (this: ServerResponse, chunk?: unknown, encoding?: unknown, cb?: unknown): ServerResponse {
    if (interrupted) return res;
    const callback = typeof chunk === 'function' ? chunk : typeof encoding === 'function' ? encoding : cb;
    const buf = toBuffer(chunk, encoding);
    if (streaming) {
      const i = tx.processResponseBody();
      if (i) {
        // Headers are out: the best we can do is to cut the response short.
        interrupt(i);
        return res;
      }
      if (buf) orig.end(buf, callback);
      else orig.end(callback);
      return res;
    }
    if (buf && buf.length > 0) {
      held.push(buf);
      heldSize += buf.length;
    }
    const body = Buffer.concat(held, heldSize);
    if (!started && !res.hasHeader('content-length') && !res.hasHeader('transfer-encoding') && req.method !== 'HEAD' && res.statusCode !== 204 && res.statusCode !== 304) {
      res.setHeader('Content-Length', body.length);
    }
    start();
    if (!phase3()) return res;
    if (buffering && body.length > 0) {
      const i = tx.appendResponseBody(body);
      if (i) {
        interrupt(i);
        return res;
      }
    }
    const i = tx.processResponseBody();
    if (i) {
      interrupt(i);
      return res;
    }
    if (!res.hasHeader('content-length') && !res.hasHeader('transfer-encoding') && req.method !== 'HEAD' && res.statusCode !== 204 && res.statusCode !== 304) {
      res.setHeader('Content-Length', body.length);
    }
    orig.writeHead(res.statusCode);
    if (body.length > 0) orig.end(body, callback);
    else orig.end(callback);
    return res;
  } as typeof res.end;
}

/**
 * Wraps `handler`: each request runs through a transaction first. See the module comment.
 */
export function wrapHandler<T extends AdapterTransaction>(waf: AdapterWaf<T>, handler: Handler, options: WrapOptions<T> = {}): Handler {
  const page = options.interruptionPage ?? defaultPage;
  return (req, res) => {
    let tx: T | undefined;
    let id = '';
    let finalInterruption: Interruption | null = null;
    let ready = false; // phases 1-2 settled (or failed)
    let closed = false; // response finished or connection gone
    let logged = false;
    const maybeFinish = (): void => {
      if (logged || !ready || !closed) return;
      logged = true;
      if (!tx) return;
      try {
        tx.processLogging();
      } finally {
        options.onTransaction?.(tx, { id, req, res, interruption: finalInterruption });
      }
    };
    res.once('close', () => {
      closed = true;
      maybeFinish();
    });

    const answer = (i: Interruption): void => {
      finalInterruption = i;
      sendInterruption(res, i, id, page);
    };

    beginRequest(waf, req, options).then(
      (began) => {
        tx = began.tx;
        id = began.id;
        ready = true;
        if (began.interruption) {
          answer(began.interruption);
        } else if (!res.destroyed) {
          guardResponse(began.tx, res, req, answer, options);
          const target = began.body !== null ? replayRequest(req, began.body) : req;
          handler(target, res);
        }
        maybeFinish();
      },
      (err: unknown) => {
        const entry = transactions.get(req);
        if (entry) {
          tx = entry.tx as T;
          id = entry.id;
        }
        ready = true;
        options.onError?.(err, req);
        if (!res.headersSent && !res.destroyed) {
          res.statusCode = 500;
          res.end();
        } else {
          res.destroy();
        }
        maybeFinish();
      },
    );
  };
}
