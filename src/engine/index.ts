/**
 * vpatch engine: ModSecurity SecLang with v3 semantics. See docs/engine.md.
 *
 *   const waf = Waf.compile([{ file: '/etc/crs/crs-setup.conf' }, { file: '/etc/crs/rules/*.conf' }]);
 *   const tx = waf.newTransaction();
 *   tx.processConnection('203.0.113.7', 51234, '127.0.0.1', 8080);
 *   tx.processUri('/search?q=1%27%20or%201=1--', 'GET', 'HTTP/1.1');
 *   tx.addRequestHeader('Host', 'example.com');
 *   const it = tx.processRequestHeaders() ?? tx.processRequestBody();
 *   tx.processLogging();
 */
import { nodeHost } from '../host/node-host.js';
import { CompiledWaf, type WafOptions } from './waf.js';
import type { RuleSource } from './seclang/compiler.js';

export type { Interruption, MatchedRule, RuleEngineMode, TransactionOptions } from './api-types.js';
export type { EngineHost, RuleSource } from './seclang/compiler.js';
export type { CollectionStore } from './collection-store.js';
export type { AuditLogEntry } from './audit-log.js';
export { MemoryCollectionStore } from './collection-store.js';
export { EngineError, SecLangError } from './errors.js';
export { Transaction } from './transaction.js';
export { CompiledWaf } from './waf.js';

export interface CompileOptions extends Partial<WafOptions> {}

/** Entry points that read rule files from disk (the compiled WAF itself does no I/O). */
export const Waf = {
  /** Compiles sources in order: `{file}` (globs allowed) or `{text, name?, baseDir?}`. Throws SecLangError with file:line. */
  compile(sources: RuleSource[], options: CompileOptions = {}): CompiledWaf {
    return new CompiledWaf(sources, {
      host: options.host ?? nodeHost,
      ...(options.collectionStore ? { collectionStore: options.collectionStore } : {}),
      ...(options.candidateIndex === false ? { candidateIndex: false } : {}),
    });
  },
  fromText(text: string, options: CompileOptions & { fileName?: string; baseDir?: string } = {}): CompiledWaf {
    return Waf.compile([{ text, name: options.fileName ?? '<inline>', baseDir: options.baseDir ?? process.cwd() }], options);
  },
  fromFiles(paths: string[], options: CompileOptions = {}): CompiledWaf {
    return Waf.compile(paths.map((file) => ({ file })), options);
  },
};
