/** Similar past deals: k nearest closed deals by features and text (pg_trgm, full text, embeddings). */
export { similarHeadline, similarSection, similarSource } from "./describe.js";
export { ensureEmbeddings, hasVectorColumn } from "./embeddings.js";
export { loadDealDocs, POOL_LIMIT, queryTerms } from "./queries.js";
export {
  combine,
  type DealDoc,
  type Neighbour,
  type NeighbourStats,
  nearest,
  neighbourStats,
  shrinkWithNeighbours,
  similarityParts,
  WEIGHTS,
} from "./score.js";
export {
  DEFAULT_K,
  findSimilarDeals,
  MIN_HISTORY,
  type SimilarOptions,
  type SimilarResult,
  type SimilarSearch,
} from "./search.js";
