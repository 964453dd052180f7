import { Type } from '@sinclair/typebox';
import { errorResponses, OPEN, SuccessTrue } from './common.schema.js';

export const HealthzSchema = {
  tags: ['Operations'],
  summary: 'The process is alive',
  response: { 200: Type.Object({ success: SuccessTrue, status: Type.Unsafe<string>(Type.Literal('ok')) }, { ...OPEN, description: 'Alive.', examples: [{ success: true, status: 'ok' }] }) },
};

export const ReadyzSchema = {
  tags: ['Operations'],
  summary: 'The database is reachable',
  description: 'Answers 503 with `Retry-After` while the database cannot be reached.',
  response: {
    200: Type.Object({ success: SuccessTrue, status: Type.Unsafe<string>(Type.Literal('ready')) }, { ...OPEN, description: 'Ready to serve.', examples: [{ success: true, status: 'ready' }] }),
    ...errorResponses(503),
  },
};
