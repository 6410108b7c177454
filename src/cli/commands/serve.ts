/**
 * `vpatch serve`: the reverse-proxy data plane. Options come from the YAML file (--config or
 * VPATCH_CONFIG), environment variables and flags (highest precedence); every option in
 * src/proxy/config.ts OPTIONS has a flag and a variable. See docs/configuration.md.
 */
import { Command, Option } from 'commander';
import cluster from 'node:cluster';
import { ConfigError, OPTIONS, loadConfig, type ProxyConfig } from '../../proxy/config.js';
import { ProxyServer } from '../../proxy/server.js';
import { attachWorker, isClusterWorker, runPrimary } from '../../proxy/cluster.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Run the reverse proxy that inspects every request with the rules (CRS and/or virtual patches)')
    .addOption(new Option('-c, --config <FILE>', 'YAML configuration file (env VPATCH_CONFIG)'))
    .addHelpText('after', '\nEvery flag also has an environment variable (VPATCH_...); see docs/configuration.md.\nExample: vpatch serve --upstream http://127.0.0.1:3000 --crs-dir /usr/share/modsecurity-crs');
  const attr = new Map<string, string>();
  for (const spec of OPTIONS) {
    const help = `${spec.doc} [env ${spec.env}; default ${spec.defaultText}]`;
    let opt: Option;
    if (spec.kind === 'bool') opt = new Option(`--${spec.flag} [BOOL]`, help);
    else {
      const arg = spec.arg ?? (spec.kind === 'enum' ? spec.values!.join('|') : spec.kind === 'duration' ? 'DURATION' : spec.kind === 'size' ? 'SIZE' : spec.kind === 'int' ? 'N' : 'VALUE');
      opt = new Option(`--${spec.flag} <${arg}>`, help);
      if (spec.repeatable) opt.argParser(collect);
    }
    attr.set(opt.attributeName(), spec.path);
    cmd.addOption(opt);
  }
  cmd.action(async (opts: Record<string, unknown>) => {
    const flags: Record<string, unknown> = {};
    for (const [name, path] of attr) {
      const v = opts[name];
      if (v === undefined) continue;
      flags[path] = v === true ? 'true' : v;
    }
    const file = (opts.config as string | undefined) ?? process.env.VPATCH_CONFIG ?? null;
    const load = (): ProxyConfig => loadConfig({ file, flags, env: process.env });
    let config: ProxyConfig;
    try {
      config = load();
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`vpatch serve: ${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
    await serve(config, load);
  });
}

async function serve(config: ProxyConfig, load: () => ProxyConfig): Promise<void> {
  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary({ config, reloadConfig: load });
    return;
  }
  const worker = isClusterWorker();
  let server: ProxyServer;
  try {
    server = await ProxyServer.start({ config, reloadConfig: load, admin: !worker });
  } catch (err) {
    process.stderr.write(`vpatch serve: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (worker) {
    attachWorker(server);
    return;
  }
  process.on('SIGHUP', () => {
    server.reopenLogs();
    void server.reload();
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    server.log.info('shutting down: draining connections');
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
