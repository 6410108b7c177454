import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import * as conformanceCommand from './commands/conformance.js';
import * as serveCommand from './commands/serve.js';
import * as patchCommand from './commands/patch.js';
import * as bundleCommand from './commands/bundle.js';

/**
 * The `vpatch` command line. Each subcommand lives in src/cli/commands/<name>.ts and
 * exports `register(program)`; add new ones to the list below.
 */
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command();
program
  .name('vpatch')
  .description('Virtual patching: a ModSecurity SecLang / OWASP CRS engine, reverse proxy and CVE patch catalog')
  .version(pkg.version);

const commandModules: Array<{ register(program: Command): void }> = [conformanceCommand, serveCommand, patchCommand, bundleCommand];

for (const mod of commandModules) mod.register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`vpatch: ${message}\n`);
  process.exitCode = 1;
});
