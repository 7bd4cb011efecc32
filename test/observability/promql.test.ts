/** The PromQL metric-name reader the dashboard and alert check relies on. */
import { metricNames } from './promql';

describe('metricNames (the dashboard and alert check reads PromQL with it)', () => {
  it('finds metrics, not functions, labels, keywords or durations', () => {
    expect(metricNames('sum by (reason) (increase(recording_restarts_total{reason=~"a|b"}[$__rate_interval])) > 3')).toEqual(['recording_restarts_total']);
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(recording_restart_gap_bucket[5m])))')).toEqual(['recording_restart_gap_bucket']);
    expect(metricNames('sum(rate(vendor_requests_total[1m])) by (account) / on(account) sum(vendor_request_budget) by (account)')).toEqual(['vendor_requests_total', 'vendor_request_budget']);
    expect(metricNames('max(recordings{phase="degraded"}) > 0 and 1e3 < 2')).toEqual(['recordings']);
  });
});
