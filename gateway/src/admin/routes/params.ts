/** Path and query schemas shared by the admin routes. */
import { ADMIN_ID_PATTERN } from '@chat/shared';

const id = { type: 'string', pattern: ADMIN_ID_PATTERN } as const;
const templateId = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' } as const;

export const tidParams = { type: 'object', required: ['tid'], properties: { tid: id } } as const;
export const keyParams = {
  type: 'object',
  required: ['tid', 'keyId'],
  properties: { tid: id, keyId: { type: 'string', pattern: '^key_[0-9a-f]{12}$' } },
} as const;
export const siteParams = { type: 'object', required: ['tid', 'siteId'], properties: { tid: id, siteId: id } } as const;
export const templateParams = { type: 'object', required: ['tid', 'templateId'], properties: { tid: id, templateId } } as const;
export const submissionParams = {
  type: 'object',
  required: ['tid', 'id'],
  properties: { tid: id, id: { type: 'string', pattern: '^sub_[A-Za-z0-9_-]{10,64}$' } },
} as const;
export const auditQuery = { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } } as const;
