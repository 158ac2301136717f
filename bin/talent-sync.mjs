#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx talent-sync` works in a clone without a build step.
import { register } from 'tsx/esm/api';

// The pinned AWS SDK warns once per process that releases after January 2027 need Node.js 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
