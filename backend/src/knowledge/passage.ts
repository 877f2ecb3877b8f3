/** A retrieved piece of a tenant's knowledge base: what answering and citations need. */
export interface Passage {
  chunkId: string;
  documentId: string;
  /** The tenant's own id of the document (documents.external_id), e.g. its slug; search always fills it. */
  externalId?: string | undefined;
  title: string;
  url?: string | undefined;
  /** Heading path inside the document, e.g. "Billing › Refunds". */
  section?: string | undefined;
  /** The chunk's full text. */
  content: string;
  /** Short excerpt around the matched terms, plain text. */
  snippet: string;
  /** Confidence in [0, 1] that the passage answers the question, from searchPassages; at or above ANSWER_THRESHOLD it grounds an answer (knowledge/search/decision.ts). */
  score: number;
}
