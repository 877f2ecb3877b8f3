import express, { Router } from 'express';
import { z } from 'zod';
import { ROUTES } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { tenantOf } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import { deleteDocument, listDocuments, upsertDocument } from '../knowledge/ingest.js';
import { searchPassages } from '../knowledge/search.js';
import { secretKeyAuth } from '../tenants/middleware.js';

/** Largest document accepted, in characters of Markdown. */
export const MAX_DOCUMENT_CHARS = 1_000_000;
/** The JSON around a 1 MB document (escapes, other fields) needs some room above it. */
const ADMIN_BODY_LIMIT = '2mb';

const documentBodySchema = z.strictObject({
  externalId: z
    .string()
    .trim()
    .min(1, 'externalId is empty')
    .max(200, 'externalId is longer than 200 characters')
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'externalId contains control characters'),
  title: z.string().trim().min(1, 'title is empty').max(300, 'title is longer than 300 characters'),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).optional(),
  content: z
    .string()
    .min(1, 'content is empty')
    .max(MAX_DOCUMENT_CHARS, `content is longer than ${MAX_DOCUMENT_CHARS} characters`)
    .refine((s) => !s.includes('\u0000'), 'content contains a NUL character'),
});

const searchQuerySchema = z.object({
  q: z.string().max(1000),
  limit: z.coerce.number().int().min(1).max(20).optional(),
});

/**
 * The tenant's knowledge base, for its own servers (secret key):
 * POST upserts a Markdown document, GET lists them, DELETE removes one, GET …/search tries retrieval.
 * Mounted before the app's JSON parser because documents are larger than chat bodies.
 */
export function createAdminRouter(db: Db): Router {
  const router = Router();
  const base = ROUTES.adminDocuments;
  router.use(base, secretKeyAuth(db), express.json({ limit: ADMIN_BODY_LIMIT, strict: true }));

  router.post(base, async (req, res) => {
    const input = parseJsonBody(documentBodySchema, req, 'document');
    const result = await upsertDocument(db, tenantOf(res).id, input);
    res.status(result.created ? 201 : 200).json({
      documentId: result.documentId,
      externalId: input.externalId,
      chunks: result.chunks,
      unchanged: result.unchanged,
    });
  });

  router.get(base, async (_req, res) => {
    const documents = await listDocuments(db, tenantOf(res).id);
    res.json({
      documents: documents.map((d) => ({
        documentId: d.id,
        externalId: d.externalId,
        title: d.title,
        url: d.url,
        chunks: d.chunks,
        createdAt: d.createdAt.toISOString(),
        updatedAt: d.updatedAt.toISOString(),
      })),
    });
  });

  router.get(`${base}/search`, async (req, res) => {
    const query = parseInput(searchQuerySchema, req.query, 'search query');
    const passages = await searchPassages(db, tenantOf(res).id, query.q, { limit: query.limit ?? 5 });
    res.json({ passages });
  });

  router.delete(`${base}/:externalId`, async (req, res) => {
    const externalId = req.params.externalId;
    if (!(await deleteDocument(db, tenantOf(res).id, externalId))) {
      throw notFound(`No document with externalId ${externalId}`);
    }
    res.status(204).end();
  });

  return router;
}
