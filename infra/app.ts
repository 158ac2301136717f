/**
 * The CDK app entry (`cdk.json` runs it with tsx). Reads the deployment config named by the `config`
 * context value (`npx cdk synth -c config=FILE`), validates it, and synthesizes the stack with the
 * cdk-nag checks. An invalid config prints every invalid field and exits with status 1.
 */
import { ConfigError } from '../lib/config/errors';
import { loadConfigFile } from '../lib/config/load';
import type { Config } from '../lib/config/schema';
import { addTalentSync, createApp, DEFAULT_CONFIG_PATH } from './build';

const app = createApp();
const configPath = String(app.node.tryGetContext('config') ?? DEFAULT_CONFIG_PATH);

let config: Config;
try {
  config = loadConfigFile(configPath);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

addTalentSync(app, { config, configPath });
app.synth();
