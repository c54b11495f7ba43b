// The webhook delivery log of the admin API: `GET /v1/admin/webhooks` and its retry. Server-side only.
import { z } from 'zod';

export const DELIVERY_STATUSES = ['pending', 'failed', 'delivered'] as const;

export const webhookListQuerySchema = z.strictObject({
  status: z.enum(DELIVERY_STATUSES, { message: `must be one of ${DELIVERY_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const webhookIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a webhook id');

export const webhookDeliverySchema = z.object({
  id: z.string().describe('The webhook-id header, the same on every attempt.'),
  type: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  created_at: z.iso.datetime(),
  attempts: z.number().int(),
  next_attempt_at: z.iso.datetime().nullable(),
  delivered_at: z.iso.datetime().nullable(),
  last_error: z.string().nullable().describe('Why the last attempt failed, e.g. "HTTP 500".'),
  payload: z.unknown().describe('The message exactly as signed and sent.'),
});

export const webhookPageSchema = z.object({
  items: z.array(webhookDeliverySchema),
  next_cursor: z.string().nullable(),
});

export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
