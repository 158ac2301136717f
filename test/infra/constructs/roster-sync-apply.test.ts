import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load';
import {
  describeResource,
  exampleConfigInput,
  logicalId,
  type SynthesizedStack,
  synthesize,
} from '../support';

function applyConcurrency(synthesized: SynthesizedStack): unknown {
  const mappings = Object.values(synthesized.template.findResources('AWS::Lambda::EventSourceMapping'));
  const applyId = logicalId(synthesized.stack.rosterSync.applyFunction);
  const found = mappings.find((entry) => describeResource(entry.Properties.FunctionName) === applyId);
  return (found?.Properties.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency;
}

describe('RosterSync apply concurrency', () => {
  it('sets the event source maximum from roster.apply.maxConcurrency', () => {
    const input = exampleConfigInput() as { roster: Record<string, unknown> };
    const config = parseConfig({ ...input, roster: { ...input.roster, apply: { maxConcurrency: 12 } } });

    expect(applyConcurrency(synthesize(config))).toBe(12);
  });
});
