-- The language of the execution's `${…}` (the pipeline version's expressionLanguage when it launched):
-- 'cel', or 'spel' for pipelines written for Spinnaker. Executions from before the column are CEL.
ALTER TABLE "executions" ADD COLUMN "expression_language" TEXT NOT NULL DEFAULT 'cel';
