/**
 * The receiver's Prometheus metrics, on its own `/metrics` route. prom-client (the standard Node
 * client) because this service runs no Temporal worker runtime whose meter could export them;
 * its own Registry keeps them apart from anything else in the process.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What became of a callback: one label value per answer the receiver gives. */
export type CallbackOutcome = 'delivered' | 'duplicate' | 'unknown' | 'ignored' | 'unauthorized' | 'malformed' | 'too-large' | 'unavailable';

export class CallbackMetrics {
  readonly registry = new Registry();
  readonly callbacks = new Counter({
    name: 'callbacks_total',
    help: 'Vendor callbacks by provider and outcome (delivered, duplicate, unknown recorder, ignored, unauthorized, malformed, too-large, unavailable)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'callback_signature_failures_total',
    help: 'Callbacks refused with 401: unsigned, forged, or for an account without a configured secret',
    labelNames: ['provider', 'reason'] as const,
    registers: [this.registry],
  });
  readonly routed = new Histogram({
    name: 'callback_routing_seconds',
    help: 'Time from a verified callback to its answer, by how the recording was found (recorder-id, channel, none)',
    labelNames: ['provider', 'route'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 10],
    registers: [this.registry],
  });
  readonly remembered = new Gauge({
    name: 'callback_dedupe_entries',
    help: 'Event ids remembered by this replica for deduplication',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
