/**
 * The admin API's "send a test": one signed `ping` POSTed right away, through the same path as a
 * delivery (SSRF guard, pinned address, timeout, no redirects), answered with what the receiver
 * said and recorded in the tenant's delivery history. Not retried, not queued, and a 410 here does
 * not disable the endpoint (it is a test).
 */
import type { WebhookTestResult } from '@chat/shared';
import { liveSecrets, type WebhookConfig } from './config.js';
import { attemptDelivery, USER_AGENT } from './deliver.js';
import { newDeliveryId, type DeliveryStatus, type Outbox } from './outbox.js';
import type { Resolver } from './ssrf.js';

export interface PingOptions {
  outbox: Outbox;
  tenantId: string;
  webhook: WebhookConfig;
  timeoutMs: number;
  resolve?: Resolver;
}

/** The body of a test ping: `{type: 'ping', timestamp, data: {tenantId}}`. */
export function pingBody(tenantId: string, at = new Date()): string {
  return JSON.stringify({ type: 'ping', timestamp: at.toISOString(), data: { tenantId } });
}

export async function sendPing(o: PingOptions): Promise<WebhookTestResult> {
  const id = newDeliveryId();
  const at = Date.now();
  const body = pingBody(o.tenantId, new Date(at));
  const res = await attemptDelivery({
    url: o.webhook.url,
    secrets: liveSecrets(o.webhook, at),
    allowPrivateNetwork: o.webhook.allowPrivateNetwork,
    id,
    body,
    timeoutMs: o.timeoutMs,
    userAgent: USER_AGENT,
    ...(o.resolve ? { resolve: o.resolve } : {}),
  });
  let result: WebhookTestResult;
  let status: DeliveryStatus;
  switch (res.outcome) {
    case 'delivered':
      result = { delivered: true, status: res.status };
      status = 'delivered';
      break;
    case 'gone':
      result = { delivered: false, status: 410, error: 'HTTP 410' };
      status = 'failed';
      break;
    case 'refused':
      result = { delivered: false, error: res.error };
      status = 'refused';
      break;
    case 'failed':
      result = { delivered: false, ...(res.status !== undefined ? { status: res.status } : {}), error: res.error };
      status = 'failed';
      break;
  }
  await o.outbox.recordSettled(id, o.tenantId, 'ping', body, {
    status,
    attemptedAt: at,
    ...(result.status !== undefined ? { lastStatus: result.status } : {}),
    ...(result.error !== undefined ? { lastError: result.error } : {}),
  });
  return result;
}
