/**
 * The runner's webhook deliveries: each payload is taken as it is when the event happens, checked
 * against GitHub's webhook schema, and delivered in order, one at a time; every answer is recorded
 * and anything but a 2xx is an error.
 */
import type { GitHubEmulator } from '../github-emulator.js';
import type { PendingWork } from './pending-work.js';
import { sendWebhook, type WebhookDelivery } from './send-webhook.js';
import type { WorkflowRunnerOptions } from './types.js';

export class WebhookOutbox {
  readonly deliveries: WebhookDelivery[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly hook: WorkflowRunnerOptions['webhook'],
    private readonly emulator: GitHubEmulator,
    private readonly work: PendingWork,
    private readonly fail: (message: string) => void,
  ) {}

  /** Sends one signed delivery now (not queued) and records it. */
  async deliver(
    event: string,
    payload: Record<string, unknown>,
    deliveryId?: string,
  ): Promise<WebhookDelivery> {
    if (!this.hook) throw new Error('the workflow runner has no webhook option');
    const { url, secret, appId } = this.hook;
    const delivery = await sendWebhook({ url, secret, event, payload, deliveryId, appId });
    this.deliveries.push(delivery);
    if (delivery.status < 200 || delivery.status >= 300) {
      const answer = delivery.status === 0 ? (delivery.error ?? 'no answer') : String(delivery.status);
      this.fail(`webhook ${event}.${delivery.action ?? ''} (${delivery.id}) answered ${answer}`);
    }
    return delivery;
  }

  /** Queues a delivery of `payload` as it is now (no-op without a webhook). */
  emit(event: string, payload: Record<string, unknown>): void {
    if (!this.hook) return;
    const snapshot = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
    const offSpec = this.emulator.checkWebhook(event, snapshot);
    if (offSpec) this.fail(`off-spec ${event} payload: ${offSpec}`);
    this.chain = this.work.track(
      this.chain.then(() => this.deliver(event, snapshot)).catch((e: unknown) => this.fail(String(e))),
    );
  }
}
