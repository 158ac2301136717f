/**
 * Settings for every benchmark process, imported first by `bench/index.ts` so they hold before any AWS
 * SDK module loads; child processes inherit them. The SDK's Node.js version warning would otherwise
 * print between a heading and its table, once per process that loads the SDK.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
