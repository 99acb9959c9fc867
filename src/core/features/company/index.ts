export {
  applyPipeline,
  insertPipeline,
  type PipelineChangeReport,
  pipelineWithCounts,
  readPipeline,
  recordStageChange,
  type StageRow,
} from "./pipeline.js";
export { type PipelineFile, parsePipelineFile, renderPipelineFile } from "./pipeline-spec.js";
export {
  checkSetup,
  companyReady,
  createCompany,
  freeSlug,
  isCurrency,
  isTimezone,
  nameFromEmail,
  type SetupInput,
  type SetupTarget,
  setupSchema,
  tenantExists,
} from "./setup.js";
export {
  type AnswerResult,
  plainText,
  readSetupAnswer,
  SETUP_PROMPTS,
  type SetupField,
  slugOf,
  templateChoices,
} from "./setup-answers.js";
export { DEFAULT_TEMPLATE, PIPELINE_TEMPLATES, type PipelineTemplate, type StageSpec } from "./templates.js";
export {
  addUser,
  IDENTITY_FORMATS,
  identityExternalId,
  linkIdentity,
  listUsers,
  removeUser,
  setUserRole,
  unlinkIdentity,
} from "./users.js";
