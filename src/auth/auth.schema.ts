import { Type } from '@sinclair/typebox';
import { OPEN, SuccessTrue, Timestamp } from '../http/common.schema.js';

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false, examples: [{ email: 'admin@example.com', password: 'correct horse battery' }] },
);

export const LoginResponse = Type.Object(
  {
    success: SuccessTrue,
    token: Type.String({ description: 'Send as `Authorization: Bearer <token>`.' }),
    expires_at: Timestamp,
    admin: Type.Object({ id: Type.Integer(), email: Type.String(), name: Type.String() }, OPEN),
  },
  {
    ...OPEN,
    description: 'A bearer token and when it expires.',
    examples: [
      {
        success: true,
        token: 'wb_3f9c1e0a7d2b4c6e8f1a2b3c4d5e6f70',
        expires_at: '2025-06-02T08:00:00.000Z',
        admin: { id: 1, email: 'admin@example.com', name: 'Admin' },
      },
    ],
  },
);
