/**
 * tfscale-plugin-webhook: registers the `webhook` callback. Written from tfscale's plugin guide
 * (docs/plugins/README.md, docs/plugins/callbacks.md) alone.
 */
import { definePlugin } from '@tfscale/sdk';
import { webhookCallback } from './webhook';

export { parseOptions, type WebhookMessage, type WebhookOptions, webhookCallback } from './webhook';

/** Kept equal to package.json's version. */
export const PLUGIN_VERSION = '1.0.0';

export default definePlugin(() => ({
  meta: { name: 'tfscale-plugin-webhook', version: PLUGIN_VERSION, sdk: '^0.1.0' },
  register(_container, ctx) {
    ctx.registries.callback.register('webhook', webhookCallback);
  },
}));
