/**
 * The `vpatch` package: the SecLang engine and the Node middleware. The data plane
 * (`vpatch serve`) and the patch catalog are reached through the CLI.
 */
export * from './engine/index.js';
export { wrapHandler, getTransaction } from './adapters/node-http.js';
