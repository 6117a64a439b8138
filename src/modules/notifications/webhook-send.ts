import { performance } from 'node:perf_hooks';
import type { OutgoingMessage, WebhookTarget } from './webhook-formats.js';
import { buildWebhookRequest, judgeResponse } from './webhook-formats.js';

/** The one place that talks to webhook receivers. */

export const defaultWebhookTimeoutMs = 10_000;

/** Receivers answer with a short JSON; more than this is not read. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_ERROR_LENGTH = 300;

export type SendOutcome = {
  ok: boolean;
  /** The HTTP status, or null when no answer came (refused, timed out). */
  statusCode: number | null;
  /** Why it failed: bounded, never the URL or the secret. */
  error: string | null;
  durationMs: number;
};

const readBounded = async (response: Response): Promise<string> => {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * Describes a transport failure by its kind only. fetch's own messages may quote the URL, and
 * robot URLs carry their access key.
 */
const describeFailure = (error: unknown, timeoutMs: number): string => {
  const name = error instanceof Error ? error.name : 'Error';
  if (name === 'TimeoutError' || name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  return `network error (${code ?? name})`;
};

/** Removes the secret and every URL credential from a text the receiver may have echoed. */
const scrub = (text: string, target: WebhookTarget): string => {
  const secrets = [target.secret ?? ''];
  try {
    const url = new URL(target.url);
    secrets.push(...url.searchParams.values(), ...url.pathname.split('/'), url.password);
  } catch {
    // An unparsable URL never got this far.
  }
  let out = text;
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out.slice(0, MAX_ERROR_LENGTH);
};

/**
 * POSTs one message to one endpoint and judges the answer. Never throws: every failure becomes
 * an outcome. Redirects are not followed (a POST would turn into a GET); a 3xx is a failure.
 */
export const sendWebhook = async (
  target: WebhookTarget,
  message: OutgoingMessage,
  { now, timeoutMs = defaultWebhookTimeoutMs }: { now: Date; timeoutMs?: number },
): Promise<SendOutcome> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let request;
  try {
    request = buildWebhookRequest(target, message, now);
  } catch {
    return { ok: false, statusCode: null, error: 'invalid endpoint URL', durationMs: elapsed() };
  }
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readBounded(response);
    const verdict = judgeResponse(target.kind, response.status, text);
    return {
      ok: verdict.ok,
      statusCode: response.status,
      error: verdict.ok ? null : scrub(verdict.error, target),
      durationMs: elapsed(),
    };
  } catch (error) {
    return { ok: false, statusCode: null, error: describeFailure(error, timeoutMs), durationMs: elapsed() };
  }
};
