/**
 * Express (4 and 5) middleware running every request through the engine, built on the
 * node:http adapter (phases 1-2 with `beginRequest`, phases 3-4 with `guardResponse`, phase 5
 * when the response closes). Express is not imported at run time; only its types are.
 *
 *   import express from 'express';
 *   import { Waf } from 'vpatch/engine';
 *   import { vpatchExpress } from 'vpatch/adapters/express';
 *
 *   const waf = Waf.compile([{ file: '/usr/share/modsecurity-crs/rules/*.conf' }]);
 *   const app = express();
 *   app.use(vpatchExpress(waf));           // first, before body parsers
 *   app.use(express.json());
 *   app.post('/api', (req, res) => res.json(req.body));
 *   app.listen(3000);
 *
 * Put it before any body parser: when the engine inspects the body, the middleware reads it
 * and then rewinds the request stream so the parsers downstream read the same bytes.
 */
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import type { Interruption } from '../engine/api-types.js';
import { randomBytes } from 'node:crypto';
import { guardResponse, sendInterruption, type AdapterTransaction, type AdapterWaf, type WrapOptions } from './node-http.js';

export type ExpressOptions<T extends AdapterTransaction = AdapterTransaction> = WrapOptions<T>;

/**
 * Makes a fully-read request readable again with `body` as its content, keeping the object
 * (Express hands the same `req` to every middleware). The stream's read state is replaced by
 * that of a fresh stream holding the body; listeners and every other property are kept.
 */
export function rewindRequest(req: IncomingMessage, body: Buffer): void {
  const fresh = new Readable({ read() {} });
  // Not "sync": pushing then schedules no 'readable'/flow ticks bound to `fresh`, which would
  // otherwise drain the shared state into the throw-away stream.
  (fresh as unknown as { _readableState: { sync: boolean } })._readableState.sync = false;
  if (body.length) fresh.push(body);
  fresh.push(null);
  const r = req as unknown as { _readableState: unknown; _read: () => void };
  r._readableState = (fresh as unknown as { _readableState: unknown })._readableState;
  r._read = () => undefined;

}

function plainIp(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

interface Began<T> {
  tx: T;
  id: string;
  interruption: Interruption | null;
  body: Buffer | null;
}

/**
 * Phases 1 and 2. The body is read with 'data'/'end' listeners (not an async iterator, which
 * would destroy the stream at the end) so that the request can be rewound afterwards.
 */
function begin<T extends AdapterTransaction>(waf: AdapterWaf<T>, req: IncomingMessage, options: ExpressOptions<T>): Promise<Began<T>> {
  const id = options.transactionId?.(req) ?? randomBytes(18).toString('base64url');
  const mode = typeof options.ruleEngine === 'function' ? options.ruleEngine(req) : options.ruleEngine;
  const tx = waf.newTransaction(mode ? { id, ruleEngine: mode } : { id });
  const sock = req.socket;
  tx.processConnection(plainIp(sock.remoteAddress), sock.remotePort ?? 0, plainIp(sock.localAddress), sock.localPort ?? 0);
  tx.processUri(req.url ?? '', req.method ?? '', `HTTP/${req.httpVersion}`);
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) tx.addRequestHeader(raw[i]!, raw[i + 1]!);
  const it = tx.processRequestHeaders();
  if (it) return Promise.resolve({ tx, id, interruption: it, body: null });
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  if (!tx.requestBodyAccess || !hasBody) return Promise.resolve({ tx, id, interruption: tx.processRequestBody(), body: null });
  const limit = options.maxBufferedRequestBody ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        return resolve({ tx, id, interruption: { action: 'deny', status: 413, ruleId: 0, phase: 2 }, body: null });
      }
      chunks.push(chunk);
      const i = tx.appendRequestBody(chunk);
      if (i) {
        cleanup();
        req.resume();
        resolve({ tx, id, interruption: i, body: null });
      }
    };
    const onEnd = (): void => {
      cleanup();
      const body = Buffer.concat(chunks, size);
      const proceed = (): void => {
        try {
          resolve({ tx, id, interruption: tx.processRequestBody(), body });
        } catch (err) {
          reject(err);
        }
      };
      // Let the end-of-stream ticks of the original stream run before it is rewound.
      setImmediate(proceed);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

export function vpatchExpress<T extends AdapterTransaction>(waf: AdapterWaf<T>, options: ExpressOptions<T> = {}): RequestHandler {
  const page = options.interruptionPage;
  return function vpatch(req: Request, res: Response, next: NextFunction): void {
    const rawReq = req as unknown as IncomingMessage;
    const rawRes = res as unknown as ServerResponse;
    let tx: T | undefined;
    let id = '';
    let final: Interruption | null = null;
    let settled = false;
    let closed = false;
    let logged = false;
    const finish = (): void => {
      if (logged || !settled || !closed || !tx) return;
      logged = true;
      try {
        tx.processLogging();
      } finally {
        options.onTransaction?.(tx, { id, req: rawReq, res: rawRes, interruption: final });
      }
    };
    rawRes.once('close', () => {
      closed = true;
      finish();
    });
    const answer = (i: Interruption): void => {
      final = i;
      sendInterruption(rawRes, i, id, page);
    };
    begin(waf, rawReq, options).then(
      (began) => {
        tx = began.tx;
        id = began.id;
        settled = true;
        if (began.interruption) {
          answer(began.interruption);
        } else if (!rawRes.destroyed) {
          const go = (): void => {
            guardResponse(began.tx, rawRes, rawReq, answer, options);
            next();
          };
          if (began.body !== null) rewindRequest(rawReq, began.body);
          go();
        }
        finish();
      },
      (err: unknown) => {
        settled = true;
        options.onError?.(err, rawReq);
        next(err);
        finish();
      },
    );
  };
}

export default vpatchExpress;
