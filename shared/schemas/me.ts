// Query and body schemas of the user-facing and support routes.
import { z } from 'zod';
import { OUTCOMES } from '../catalog.js';

const isoTime = z.iso.datetime({ offset: true, message: 'not an ISO 8601 timestamp with a time zone' });

export const activityQuerySchema = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  event_type: z
    .string()
    .max(512)
    .regex(/^[a-z0-9_,]+$/, 'a comma-separated list of event types')
    .optional(),
  outcome: z.enum(OUTCOMES).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});
export type ActivityQuery = z.infer<typeof activityQuerySchema>;

export const exportQuerySchema = z.strictObject({
  format: z.enum(['json', 'csv']).default('json'),
});

export const reportBodySchema = z
  .strictObject({
    note: z.string().max(1000).optional(),
  })
  .default({});

export const supportReasonSchema = z
  .string({ message: 'X-Support-Reason is required: a ticket reference' })
  .trim()
  .min(3, 'X-Support-Reason is required: a ticket reference')
  .max(200, 'X-Support-Reason is too long')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'X-Support-Reason contains control characters');

export const adminEventsQuerySchema = z
  .strictObject({
    ip: z.string().max(64).optional(),
    cidr: z.string().max(64).optional(),
    user_id: z.string().max(256).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .refine((q) => [q.ip, q.cidr, q.user_id].filter(Boolean).length === 1, {
    message: 'exactly one of ip, cidr or user_id is required',
  });
