// Query and body schemas of the user-facing and support routes.
import { z } from 'zod';
import { OUTCOMES } from '../catalog.js';
import { text } from './event.js';

const isoTime = z.iso.datetime({ offset: true, message: 'not an ISO 8601 timestamp with a time zone' });

export const activityQuerySchema = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1).max(200).default(50),
  cursor: text().max(200).optional(),
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
    // Text the person typed: kept as personal data beside the chain, erased with them.
    note: text()
      .max(1000, 'longer than 1000 characters')
      .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'contains control characters')
      .optional(),
  })
  .default({});

/** A reason header staff must give (`X-Support-Reason`, `X-Access-Reason`): short, printable text. */
export function reasonHeaderSchema(header: string, required: string, max: number) {
  return z
    .string({ message: required })
    .refine((s) => !/\p{Cs}/u.test(s), `${header} is not well-formed Unicode`)
    .trim()
    .min(3, required)
    .max(max, `${header} is too long`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${header} contains control characters`);
}

export const supportReasonSchema = reasonHeaderSchema(
  'X-Support-Reason',
  'X-Support-Reason is required: a ticket reference',
  200,
);

export const accessReasonSchema = reasonHeaderSchema(
  'X-Access-Reason',
  'X-Access-Reason is required: why you are looking (a case or ticket).',
  500,
);

export const adminEventsQuerySchema = z
  .strictObject({
    ip: text().max(64).optional(),
    cidr: text().max(64).optional(),
    user_id: text().max(256).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    cursor: text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .refine((q) => [q.ip, q.cidr, q.user_id].filter(Boolean).length === 1, {
    message: 'exactly one of ip, cidr or user_id is required',
  });
