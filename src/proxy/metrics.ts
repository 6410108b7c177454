/**
 * Prometheus metrics (prom-client), one registry per proxy instance so several instances
 * (tests, embedding) never share counters. Label sets are bounded: routes and upstreams
 * come from the config, rule ids and tags from the loaded rules, reasons from fixed lists.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { expiredNow, modeCounts, type PatchState } from './patch-state.js';

export class ProxyMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'action' | 'status_class'>;
  readonly blocks: Counter<'rule_id'>;
  readonly blocksByTag: Counter<'tag'>;
  readonly detections: Counter<'rule_id'>;
  readonly detectionsByTag: Counter<'tag'>;
  readonly engineSeconds: Histogram<'route'>;
  readonly upstreamSeconds: Histogram<'upstream'>;
  readonly upstreamErrors: Counter<'upstream' | 'reason'>;
  readonly bodyLimit: Counter<'direction' | 'action'>;
  readonly engineFailures: Counter<'kind' | 'policy'>;
  readonly rejected: Counter<'reason'>;
  readonly errors: Counter<'kind'>;
  readonly inflight: Gauge;
  readonly reloads: Counter<'result'>;
  readonly rulesetInfo: Gauge<'generation'>;
  readonly websockets: Counter<'result'>;
  readonly patchBlocks: Counter<'patch'>;
  readonly patchDetections: Counter<'patch'>;
  readonly patchesExpired: Gauge<'patch'>;
  readonly patchesEnabled: Gauge<'mode'>;
  readonly bundleInfo: Gauge<'env' | 'version' | 'hash'>;
  /** The patches of the active rule set, read when metrics are collected (set by the server). */
  patchState: () => PatchState | null = () => null;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const r = (this.registry = new Registry());
    const registers = [r];
    this.requests = new Counter({ name: 'vpatch_requests_total', help: 'Requests handled, by route, outcome (forwarded, blocked, detected, rejected, error) and status class', labelNames: ['route', 'action', 'status_class'], registers });
    this.blocks = new Counter({ name: 'vpatch_blocks_total', help: 'Requests blocked, by the id of the rule that interrupted (0 = engine limit)', labelNames: ['rule_id'], registers });
    this.blocksByTag = new Counter({ name: 'vpatch_blocks_by_tag_total', help: 'Blocked requests, by tag of the rules that matched in them', labelNames: ['tag'], registers });
    this.detections = new Counter({ name: 'vpatch_detection_only_hits_total', help: 'Requests detection-only mode would have blocked, by rule id', labelNames: ['rule_id'], registers });
    this.detectionsByTag = new Counter({ name: 'vpatch_detection_only_hits_by_tag_total', help: 'Requests detection-only mode would have blocked, by tag of the rules that matched', labelNames: ['tag'], registers });
    this.engineSeconds = new Histogram({ name: 'vpatch_engine_duration_seconds', help: 'Engine time per request (all phases)', labelNames: ['route'], buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers });
    this.upstreamSeconds = new Histogram({ name: 'vpatch_upstream_duration_seconds', help: 'Time from dispatch to the upstream response head', labelNames: ['upstream'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers });
    this.upstreamErrors = new Counter({ name: 'vpatch_upstream_errors_total', help: 'Upstream failures, by upstream and reason', labelNames: ['upstream', 'reason'], registers });
    this.bodyLimit = new Counter({ name: 'vpatch_body_limit_events_total', help: 'Bodies over the inspection limit, by direction and what was done (rejected, partial)', labelNames: ['direction', 'action'], registers });
    this.engineFailures = new Counter({ name: 'vpatch_engine_failures_total', help: 'Engine errors and time-budget overruns, by kind and the policy applied', labelNames: ['kind', 'policy'], registers });
    this.rejected = new Counter({ name: 'vpatch_rejected_requests_total', help: 'Requests rejected by the HTTP front end before inspection, by reason', labelNames: ['reason'], registers });
    this.errors = new Counter({ name: 'vpatch_errors_total', help: 'Other errors, by kind', labelNames: ['kind'], registers });
    this.inflight = new Gauge({ name: 'vpatch_inflight_requests', help: 'Requests in progress', registers });
    this.reloads = new Counter({ name: 'vpatch_reloads_total', help: 'Configuration/rule reloads, by result', labelNames: ['result'], registers });
    this.rulesetInfo = new Gauge({ name: 'vpatch_ruleset_generation', help: 'Generation number of the active rule set (1 at start, +1 per successful reload)', registers, aggregator: 'max' });
    this.websockets = new Counter({ name: 'vpatch_websocket_upgrades_total', help: 'WebSocket upgrades, by result', labelNames: ['result'], registers });
    this.patchBlocks = new Counter({ name: 'vpatch_patch_blocks_total', help: 'Requests blocked by a virtual patch (its rule interrupted the request), by patch id', labelNames: ['patch'], registers });
    this.patchDetections = new Counter({ name: 'vpatch_patch_detection_only_hits_total', help: 'Requests a virtual patch matched without blocking them (patch in detect mode, or a detection-only route), by patch id', labelNames: ['patch'], registers });
    // Gauges describing the loaded rule set: computed when scraped (an expiry date can pass while
    // the rule set runs); across cluster workers the maximum is reported, not the sum.
    const self = this;
    this.patchesExpired = new Gauge({
      name: 'vpatch_patches_expired', help: 'Enabled virtual patches that are expired (expiry date passed, or the fix recorded as deployed with vpatch patch retire): 1 per patch id', labelNames: ['patch'], registers, aggregator: 'max',
      collect() {
        this.reset();
        const s = self.patchState();
        if (s) for (const e of expiredNow(s)) this.set({ patch: e.id }, 1);
      },
    });
    this.patchesEnabled = new Gauge({
      name: 'vpatch_patches_enabled', help: 'Enabled virtual patches, by mode (block, detect)', labelNames: ['mode'], registers, aggregator: 'max',
      collect() {
        this.reset();
        const s = self.patchState();
        if (!s) return;
        const c = modeCounts(s);
        this.set({ mode: 'block' }, c.block);
        this.set({ mode: 'detect' }, c.detect);
      },
    });
    this.bundleInfo = new Gauge({
      name: 'vpatch_bundle_info', help: 'The active bundle served (1); absent when no bundle is active in the environment and rules.patches is served in default modes', labelNames: ['env', 'version', 'hash'], registers, aggregator: 'max',
      collect() {
        this.reset();
        const b = self.patchState()?.bundle;
        if (b) this.set({ env: b.env, version: String(b.version), hash: b.hash }, 1);
      },
    });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: r, prefix: 'vpatch_process_' });
  }
}
