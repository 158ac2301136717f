import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { buildApp, PROJECT_ROOT } from '../infra/build';
import { REPORT_STATES } from '../infra/constructs/report-delivery';
import { parseConfig } from '../lib/config/load';
import type { Config } from '../lib/config/schema';
import { type PollSettings, pollingPlan } from '../lib/reports/backoff';
import { pollReport } from '../lib/reports/poll';
import { requestReport } from '../lib/reports/request';
import type { ReportRun } from '../lib/reports/run';
import { definitionFromTemplate } from '../local/state-machine';
import { type Benchmark, type Cell, ratioTarget, round } from './harness';

/**
 * Counts the states a report execution enters on the state machine synthesized from the CDK app. The
 * reports become ready 1, 10 and 120 minutes after the request. The baseline is the same machine with its
 * Wait state replaced by a fixed 30-second wait (the job-poller loop: Wait 30 s, Poll, Choice).
 *
 * The executions run in aws-local-stepfunctions with every Wait state overridden to 0 ms and a clock the
 * benchmark controls: PollReport first advances the clock by the seconds the Wait state before it requested
 * for (read from the definition: `Seconds`, or `SecondsPath` on the state's input), then runs the product
 * poll step against a Talent stub that returns complete once the clock has reached the ready time.
 * RequestReport runs the product request step; SaveReport and the failure states are stubs. Lambda run
 * time is left out, so delays are those of instant steps.
 */

const READY_AFTER_MINUTES = [1, 10, 120] as const;
const BASELINE_WAIT_SECONDS = 30;
const REQUEST_ID = 'bench-polling-request';

/**
 * Settings in the trade-off table (initial wait, factor, cap). The first is the former default, the
 * second the current one, and the last is the fixed 30-second baseline, for its mean delay.
 */
const ALTERNATIVES: ReadonlyArray<
  Pick<PollSettings, 'initialWaitSeconds' | 'backoffFactor' | 'maxWaitSeconds'>
> = [
  { initialWaitSeconds: 15, backoffFactor: 2, maxWaitSeconds: 300 },
  { initialWaitSeconds: 30, backoffFactor: 2, maxWaitSeconds: 300 },
  { initialWaitSeconds: 60, backoffFactor: 2, maxWaitSeconds: 300 },
  { initialWaitSeconds: 30, backoffFactor: 1.5, maxWaitSeconds: 300 },
  { initialWaitSeconds: 30, backoffFactor: 2, maxWaitSeconds: 180 },
  { initialWaitSeconds: 30, backoffFactor: 2, maxWaitSeconds: 600 },
  { initialWaitSeconds: 30, backoffFactor: 1, maxWaitSeconds: 30 },
];

/** Ready times of the sweep that averages each setting over many reports: every 5 s up to 2 hours. */
const SWEEP_STEP_SECONDS = 5;

/** Returns the mean states entered, and the mean and worst detection delay, over ready times up to the timeout. */
function sweep(poll: PollSettings): { transitions: number; delay: number; worstDelay: number } {
  let runs = 0;
  let transitions = 0;
  let delay = 0;
  let worstDelay = 0;
  for (let ready = SWEEP_STEP_SECONDS; ready <= poll.timeoutSeconds; ready += SWEEP_STEP_SECONDS) {
    const plan = pollingPlan(ready, poll);
    runs += 1;
    transitions += plan.stateTransitions;
    delay += plan.detectionDelaySeconds ?? 0;
    worstDelay = Math.max(worstDelay, plan.detectionDelaySeconds ?? 0);
  }
  return { transitions: round(transitions / runs, 1), delay: Math.round(delay / runs), worstDelay };
}

export interface RunCount {
  /** States entered, from the execution's StateEntered events. */
  transitions: number;
  polls: number;
  /** Seconds from readiness to the poll that saw the report complete; undefined when it never did. */
  detectionDelaySeconds: number | undefined;
  finalState: string;
}

type Json = Record<string, unknown>;

/** Loads the example config without its `reports.poll`, so the schema's default poll settings apply. */
export async function defaultConfig(): Promise<Config> {
  const example = JSON.parse(await readFile(join(PROJECT_ROOT, 'examples/talent-sync.config.json'), 'utf8'));
  const { poll: _explicit, ...reports } = example.reports;
  return parseConfig({ ...example, reports }, 'polling benchmark config');
}

/** Synthesizes the CDK app and returns the report state machine's definition. */
export function synthesizedDefinition(config: Config): StateMachineDefinition {
  const { app, stack } = buildApp({ config, bundling: false });
  return definitionFromTemplate(app.synth().getStackArtifact(stack.artifactId).template).definition;
}

/** Returns a copy of the machine with the job-poller loop: a Wait state of a fixed number of seconds. */
export function fixedWaitDefinition(
  definition: StateMachineDefinition,
  seconds: number,
): StateMachineDefinition {
  const copy = structuredClone(definition);
  const wait = copy.States[REPORT_STATES.wait] as unknown as Json;
  copy.States[REPORT_STATES.wait] = { Type: 'Wait', Seconds: seconds, Next: wait.Next } as never;
  return copy;
}

/** Returns the seconds a Wait state waits with `input`: its `Seconds`, or the value at its `SecondsPath`. */
function waitSecondsOf(state: Json, input: unknown): number {
  if (typeof state.Seconds === 'number') return state.Seconds;
  const path = String(state.SecondsPath ?? '');
  if (!path.startsWith('$.')) throw new Error(`Wait state has neither Seconds nor a $. SecondsPath: ${path}`);
  const value = path
    .slice(2)
    .split('.')
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], input);
  if (typeof value !== 'number') throw new Error(`The Wait state's ${path} is not a number.`);
  return value;
}

/**
 * Runs one execution of `definition` for a report ready `readyAfterSeconds` after the request. With
 * `poll`, PollReport is the product step with those settings; without, it only reports the status, as
 * the job-poller sample's task does.
 */
export async function countRun(
  definition: StateMachineDefinition,
  config: Config,
  readyAfterSeconds: number,
  poll: PollSettings | undefined,
): Promise<RunCount> {
  const waitState = definition.States[REPORT_STATES.wait] as unknown as Json;
  let clock = 0;
  let polls = 0;
  let detectedAt: number | undefined;
  const status = () =>
    clock >= readyAfterSeconds
      ? ({ status: 'complete', csvDownloadUrl: 'https://talent.invalid/report.csv' } as const)
      : ({ status: 'pending' } as const);

  const tasks: Record<string, (input: unknown) => Promise<unknown>> = {
    [REPORT_STATES.request]: (input) =>
      requestReport({
        execution: input as never,
        reports: { ...config.reports, ...(poll ? { poll } : {}) },
        client: { requestReport: async () => ({ insightsReportRequestId: REQUEST_ID }) as never },
        now: () => new Date(0),
      }),
    [REPORT_STATES.poll]: async (input) => {
      clock += waitSecondsOf(waitState, input);
      polls += 1;
      const run = input as ReportRun;
      const next = poll
        ? await pollReport({ run, poll, client: { getReport: async () => status() as never } })
        : { ...run, status: status().status };
      if (next.status === 'complete') detectedAt = clock;
      return next;
    },
    [REPORT_STATES.save]: async (input) => ({ ...(input as Json), status: 'saved' }),
    [REPORT_STATES.describe]: async () => ({ subject: 'Report failed', message: 'The run timed out.' }),
    [REPORT_STATES.notify]: async () => ({}),
  };

  const waitStates = Object.entries(definition.States).filter(([, state]) => state.Type === 'Wait');
  const execution = new StateMachine(definition).run(
    { schedule: config.reports.schedules[0]?.name ?? '', scheduledTime: '2026-12-01T06:00:00Z' },
    {
      overrides: {
        taskResourceLocalHandlers: tasks as never,
        waitTimeOverrides: Object.fromEntries(waitStates.map(([name]) => [name, 0])),
      },
    },
  );

  let transitions = 0;
  let finalState = '';
  const counting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') {
        transitions += 1;
        finalState = event.state.name;
      }
    }
  })();
  await execution.result.catch(() => undefined);
  await counting;
  return {
    transitions,
    polls,
    detectionDelaySeconds: detectedAt === undefined ? undefined : detectedAt - readyAfterSeconds,
    finalState,
  };
}

function delayCell(seconds: number | undefined): Cell {
  return seconds === undefined ? 'never' : seconds;
}

export const polling: Benchmark = {
  name: 'polling',
  title: 'Polling cost',
  async run() {
    const config = await defaultConfig();
    const poll = config.reports.poll;
    const definition = synthesizedDefinition(config);
    const baseline = fixedWaitDefinition(definition, BASELINE_WAIT_SECONDS);

    const rows: Record<string, Cell>[] = [];
    const targets = [];
    const mismatches: string[] = [];
    for (const minutes of READY_AFTER_MINUTES) {
      const readyAfter = minutes * 60;
      const product = await countRun(definition, config, readyAfter, poll);
      const fixed = await countRun(baseline, config, readyAfter, undefined);
      const plan = pollingPlan(readyAfter, poll);
      if (
        plan.stateTransitions !== product.transitions ||
        plan.detectionDelaySeconds !== product.detectionDelaySeconds
      ) {
        mismatches.push(
          `${minutes} min: pollingPlan gives ${plan.stateTransitions} transitions and ` +
            `${plan.detectionDelaySeconds} s delay, the machine ${product.transitions} and ${product.detectionDelaySeconds} s`,
        );
      }
      for (const [name, count] of [
        [`backoff ${poll.initialWaitSeconds} s ×${poll.backoffFactor} ≤ ${poll.maxWaitSeconds} s`, product],
        [`fixed ${BASELINE_WAIT_SECONDS} s`, fixed],
      ] as const) {
        rows.push({
          'ready after': `${minutes} min`,
          polling: name,
          polls: count.polls,
          'states entered': count.transitions,
          'detection delay s': delayCell(count.detectionDelaySeconds),
          'last state': count.finalState,
        });
      }
      if (minutes === 10)
        targets.push(
          ratioTarget('transitions at 10 min / fixed 30 s', product.transitions, fixed.transitions, 0.5),
        );
      if (minutes === 120)
        targets.push(
          ratioTarget('transitions at 120 min / fixed 30 s', product.transitions, fixed.transitions, 0.2),
        );
      targets.push({
        name: `detection delay at ${minutes} min`,
        measured: `${delayCell(product.detectionDelaySeconds)} s`,
        target: `≤ ${poll.maxWaitSeconds} s (maxWaitSeconds)`,
        met:
          product.detectionDelaySeconds !== undefined && product.detectionDelaySeconds <= poll.maxWaitSeconds,
      });
    }
    targets.push({
      name: 'pollingPlan agrees with the machine',
      measured: mismatches.length === 0 ? 'all cases' : mismatches.join('; '),
      target: 'same transitions and delay',
      met: mismatches.length === 0,
    });

    const tradeOff: string[] = [];
    for (const settings of ALTERNATIVES) {
      const candidate = { ...poll, ...settings };
      const cells: string[] = [];
      for (const minutes of READY_AFTER_MINUTES) {
        const count = await countRun(definition, config, minutes * 60, candidate);
        cells.push(`${count.transitions} / ${delayCell(count.detectionDelaySeconds)} s`);
      }
      const mean = sweep(candidate);
      cells.push(`${mean.transitions} / ${mean.delay} s / ${mean.worstDelay} s`);
      tradeOff.push(
        `| ${settings.initialWaitSeconds} s, ×${settings.backoffFactor}, ≤ ${settings.maxWaitSeconds} s` +
          `${settings.backoffFactor === 1 ? ' (fixed)' : ''} | ${cells.join(' | ')} |`,
      );
    }

    return {
      rows,
      targets,
      notes: [
        `Poll settings are the schema defaults: ${JSON.stringify(poll)}. States are counted on the ` +
          'synthesized state machine; the baseline is the same machine with WaitForReport fixed at 30 s. ' +
          `A report ready at ${poll.timeoutSeconds / 60} min is ready at the poll timeout, and the last wait is ` +
          'shortened to end on the timeout, so that poll finds it with no delay.',
        [
          'Trade-off on the same machine: states entered / detection delay for each ready time, and the ' +
            `mean states / mean delay / worst delay over ready times every ${SWEEP_STEP_SECONDS} s up to ` +
            `${poll.timeoutSeconds / 3600} h (from pollingPlan, which the rows above check against the machine):`,
          '',
          `| initial, factor, cap | ${READY_AFTER_MINUTES.map((minutes) => `${minutes} min`).join(' | ')} | sweep |`,
          `| --- | ${READY_AFTER_MINUTES.map(() => '---').join(' | ')} | --- |`,
          ...tradeOff,
        ].join('\n'),
      ],
    };
  },
};
