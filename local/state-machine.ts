import './polyfills';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/** The account and region that placeholder ARNs use; the local runner never calls AWS. */
const LOCAL_ACCOUNT = '123456789012';
const LOCAL_REGION = 'us-east-1';

type Intrinsic = string | { 'Fn::GetAtt'?: [string, string]; Ref?: string; 'Fn::Join'?: [string, unknown[]] };

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/**
 * Extracts the state machine definition from a synthesized CloudFormation template. The definition
 * string is a `Fn::Join` over literal text and references to functions and topics; references become
 * placeholder ARNs, which is enough because the local runner binds task states to handlers by name.
 */
export function definitionFromTemplate(template: { Resources?: Record<string, TemplateResource> }): {
  logicalId: string;
  definition: StateMachineDefinition;
} {
  const machines = Object.entries(template.Resources ?? {}).filter(
    ([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (machines.length !== 1) {
    throw new Error(
      `Expected one AWS::StepFunctions::StateMachine in the template, found ${machines.length}.`,
    );
  }
  const [logicalId, resource] = machines[0] as [string, TemplateResource];
  const text = resolveIntrinsic(resource.Properties?.DefinitionString as Intrinsic, template.Resources ?? {});
  return { logicalId, definition: JSON.parse(text) as StateMachineDefinition };
}

function resolveIntrinsic(value: Intrinsic, resources: Record<string, TemplateResource>): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map((part) => resolveIntrinsic(part as Intrinsic, resources)).join(separator);
  }
  const logicalId = value['Fn::GetAtt']?.[0] ?? value.Ref;
  if (logicalId === 'AWS::Partition') return 'aws';
  if (logicalId === 'AWS::Region') return LOCAL_REGION;
  if (logicalId === 'AWS::AccountId') return LOCAL_ACCOUNT;
  if (logicalId && resources[logicalId]) return placeholderArn(logicalId, resources[logicalId].Type);
  throw new Error(`Cannot resolve ${JSON.stringify(value)} in the state machine definition.`);
}

function placeholderArn(logicalId: string, type: string): string {
  switch (type) {
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${logicalId}`;
    default:
      return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${logicalId}`;
  }
}

export type TaskHandler = (input: unknown) => Promise<unknown>;

export interface LocalRunOptions {
  /** Task state name to the function that runs in its place, for example `RequestReport`. */
  tasks: Record<string, TaskHandler>;
  /** Milliseconds each Wait state pauses locally, whatever seconds the definition asks for. */
  waitMs?: number;
  /** Milliseconds between retries of a failed task locally. */
  retryMs?: number;
}

/** Runs one execution of the definition with its task states bound to local functions. */
export async function runLocalExecution(
  definition: StateMachineDefinition,
  input: unknown,
  options: LocalRunOptions,
): Promise<unknown> {
  const machine = new StateMachine(definition);
  const waitStates = Object.entries(definition.States)
    .filter(([, state]) => state.Type === 'Wait')
    .map(([name]) => name);
  const taskStates = Object.entries(definition.States)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name]) => name);

  const unbound = taskStates.filter((name) => !options.tasks[name]);
  if (unbound.length > 0) {
    throw new Error(`No local handler for the task states ${unbound.join(', ')}.`);
  }

  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: options.tasks as never,
      waitTimeOverrides: Object.fromEntries(waitStates.map((name) => [name, options.waitMs ?? 200])),
      retryIntervalOverrides: Object.fromEntries(taskStates.map((name) => [name, options.retryMs ?? 50])),
    },
  });
  return execution.result;
}
