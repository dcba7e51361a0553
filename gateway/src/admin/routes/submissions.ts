/** The tenant's webhook: where its leads are POSTed. Filled in below once the library lands. */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';

export default async function submissionRoutes(_app: FastifyInstance, _opts: { config: Config }) {}
