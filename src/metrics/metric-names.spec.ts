import { metricNamesInQuery } from './metric-names';

describe('metricNamesInQuery', () => {
  it('finds metric families, ignoring functions, labels, ranges and grouping', () => {
    expect(
      metricNamesInQuery(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_bucket{job="api", route=~"/api.*"}[5m])))',
      ),
    ).toEqual(['http_request_duration']);
    expect(
      metricNamesInQuery(
        'sum(rate(goal_completed_total[5m])) / clamp_min(sum(rate(goal_created_total[5m])), 1)',
      ),
    ).toEqual(['goal_completed_total', 'goal_created_total']);
    expect(metricNamesInQuery('max(goal_active) or vector(0)')).toEqual(['goal_active']);
  });
});
