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
  createCompany,
  isCurrency,
  isTimezone,
  nameFromEmail,
  type SetupInput,
  setupSchema,
} from "./setup.js";
export { DEFAULT_TEMPLATE, PIPELINE_TEMPLATES, type PipelineTemplate, type StageSpec } from "./templates.js";
export {
  addUser,
  IDENTITY_FORMATS,
  linkIdentity,
  listUsers,
  removeUser,
  setUserRole,
  unlinkIdentity,
} from "./users.js";
