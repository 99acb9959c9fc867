-- HAND-WRITTEN. pgvector where the server has it (PGlite bundles it; many Debian/apt Postgres installs do
-- not): deal embeddings are then stored in `embedding_vec vector` and compared with `<=>`; without it they
-- stay in the plain `real[]` column with cosine in SQL. Keel detects the column at run time. No typmod:
-- the dimension is the configured embedding model's, compared only between rows of the same model.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS vector;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pgvector is available but the migration role may not create it: embeddings use real[]';
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    ALTER TABLE deal_embeddings ADD COLUMN IF NOT EXISTS embedding_vec vector;
  END IF;
END $$;
