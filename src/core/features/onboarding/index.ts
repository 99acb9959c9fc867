/** Getting a company and its people onto Keel from chat: the guided set-up. */

export { companyReady } from "../company/index.js";
export { type AdmissionRequest, admitMember, requestAdmission, type Stranger } from "./admission.js";
export { onboardingFeature } from "./feature.js";
export {
  CHAT_STEPS,
  continueChatSetup,
  isCancel,
  SETUP_TTL_MS,
  type SetupKey,
  type SetupOrigin,
  setupInProgress,
  startChatSetup,
} from "./setup-chat.js";
