import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { countRun, defaultConfig, fixedWaitDefinition, synthesizedDefinition } from '../../bench/polling';
import type { Config } from '../../lib/config/schema';
import { pollingPlan } from '../../lib/reports/backoff';

let config: Config;
let definition: StateMachineDefinition;

beforeAll(async () => {
  config = await defaultConfig();
  definition = synthesizedDefinition(config);
}, 120_000);

describe('countRun', () => {
  it('enters the states pollingPlan counts for a 10-minute report', async () => {
    const count = await countRun(definition, config, 600, config.reports.poll);
    expect(count.transitions).toBe(pollingPlan(600, config.reports.poll).stateTransitions);
  });

  it('measures the detection delay pollingPlan computes', async () => {
    const count = await countRun(definition, config, 600, config.reports.poll);
    expect(count.detectionDelaySeconds).toBe(pollingPlan(600, config.reports.poll).detectionDelaySeconds);
  });

  it('enters the states pollingPlan counts for a run that times out', async () => {
    const poll = { ...config.reports.poll, timeoutSeconds: 900 };
    const count = await countRun(definition, config, Number.POSITIVE_INFINITY, poll);
    expect(count.transitions).toBe(pollingPlan(Number.POSITIVE_INFINITY, poll).stateTransitions);
  });

  it('ends a timed-out run in the failure state', async () => {
    const poll = { ...config.reports.poll, timeoutSeconds: 900 };
    const count = await countRun(definition, config, Number.POSITIVE_INFINITY, poll);
    expect(count.finalState).toBe('ReportFailed');
  });

  it('polls every 30 seconds on the fixed-wait machine', async () => {
    const count = await countRun(fixedWaitDefinition(definition, 30), config, 600, undefined);
    expect(count.polls).toBe(20);
  });
});
