/**
 * What each whatsapp-web.js connection state means, read from the installed library (1.34,
 * `Client.js` `onAppStateChangedEvent`, `util/Constants.js` `WAState`): the library accepts
 * CONNECTED, OPENING, PAIRING and TIMEOUT (and CONFLICT when `takeoverOnConflict` is set) and keeps
 * running; for every other state it calls `authStrategy.disconnect()` — RemoteAuth deletes the
 * session from the store and the profile from disk — and only then emits `disconnected` and destroys
 * the client. On `LOGOUT` it emits first and calls `authStrategy.logout()` (the same deletion).
 *
 * So a `disconnected` with one of those states is never "transient": the session is gone and only a
 * new QR scan brings WhatsApp back.
 */

/** What a disconnect means for the supervisor. */
export type DisconnectClass =
  /** The library deleted the session: alert the owner once and show a new QR code. */
  | "session_lost"
  /** The session is gone and a new scan of this number will not help (ban, outdated Web): alert and stop. */
  | "fatal"
  /** Nothing was deleted (a failed launch, a QR nobody scanned): restart with backoff. */
  | "transient";

export interface StateInfo {
  /** How the library treats the state when it arrives as `change_state`. */
  library: "accepted" | "accepted_with_takeover" | "session_deleted";
  /** What the supervisor does when `disconnected` carries it. */
  cls: DisconnectClass;
  /** For the owner: what happened, in plain words. */
  why: string;
}

/** Every `WAState` of the installed library, classified; a state missing here fails the test that reads `Constants`. */
export const WEBJS_STATES: Readonly<Record<string, StateInfo>> = {
  CONNECTED: { library: "accepted", cls: "transient", why: "connected" },
  OPENING: { library: "accepted", cls: "transient", why: "connecting" },
  PAIRING: { library: "accepted", cls: "transient", why: "pairing" },
  TIMEOUT: { library: "accepted", cls: "transient", why: "the phone did not answer in time" },
  CONFLICT: {
    library: "accepted_with_takeover",
    cls: "session_lost",
    why: "the same WhatsApp session was opened somewhere else (another Keel replica or browser) and WhatsApp logged this server out",
  },
  UNPAIRED: { library: "session_deleted", cls: "session_lost", why: "the phone unlinked this device" },
  UNPAIRED_IDLE: {
    library: "session_deleted",
    cls: "session_lost",
    why: "the link expired after the phone was offline too long",
  },
  PROXYBLOCK: {
    library: "session_deleted",
    cls: "session_lost",
    why: "WhatsApp blocked the connection from this server's network or proxy",
  },
  UNLAUNCHED: {
    library: "session_deleted",
    cls: "session_lost",
    why: "WhatsApp Web could not launch the session",
  },
  TOS_BLOCK: { library: "session_deleted", cls: "fatal", why: "WhatsApp banned this number" },
  SMB_TOS_BLOCK: { library: "session_deleted", cls: "fatal", why: "WhatsApp banned this business number" },
  DEPRECATED_VERSION: {
    library: "session_deleted",
    cls: "fatal",
    why: "the pinned WhatsApp Web version is no longer accepted (change WHATSAPP_WEB_VERSION)",
  },
};

/** Reasons the library emits that are not `WAState`s, plus the supervisor's own. */
const OTHER_REASONS: Readonly<Record<string, { cls: DisconnectClass; why: string }>> = {
  /** Emitted before `authStrategy.logout()` deletes the session. */
  LOGOUT: { cls: "session_lost", why: "WhatsApp was logged out on the phone" },
  /** `auth_failure`: the stored session was refused. */
  AUTH_FAILURE: { cls: "session_lost", why: "WhatsApp refused the stored session" },
  /** `qrMaxRetries` exceeded: nobody scanned; nothing was deleted. */
  "Max qrcode retries reached": { cls: "transient", why: "nobody scanned the QR code" },
  INIT_FAILED: { cls: "transient", why: "the browser failed to start" },
  RESTART_CAP: { cls: "fatal", why: "too many restarts in an hour" },
};

/** The class of a `disconnected` reason; unknown reasons restart (nothing says the session is gone). */
export function classifyDisconnect(reason: string): DisconnectClass {
  return WEBJS_STATES[reason]?.cls ?? OTHER_REASONS[reason]?.cls ?? "transient";
}

/** Plain words for a reason, for the owner alert. */
export function disconnectWhy(reason: string): string {
  return WEBJS_STATES[reason]?.why ?? OTHER_REASONS[reason]?.why ?? `disconnected (${reason})`;
}
