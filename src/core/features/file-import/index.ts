/** Files sent to Keel in chat: CSV → dry-run preview → Import / Cancel, executed once. */
export { fileImportFeature } from "./feature.js";
export { type ChatFile, classifyFile, MAX_FILE_BYTES, OTHER_FILE_TEXT } from "./files.js";
export {
  cancelImport,
  chooseImportKind,
  confirmImport,
  PENDING_IMPORT_TTL_MS,
  previewChatFile,
} from "./pending.js";
