/**
 * Block Kit limits (docs.slack.dev/reference/block-kit): 50 blocks per message (100 in modals and
 * Home tabs), section text 3,000 characters, 10 fields of 2,000, 25 elements per actions block,
 * 10 context elements, button text 75, button value 2,000. Messages whose blocks add up to more than
 * ~13k characters are refused (msg_blocks_too_long), so one message carries at most 12,000.
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  actionsPerBlock: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  headerText: 150,
  messageTextBudget: 12_000,
} as const;

/** Cuts `s` to `max` characters with an ellipsis. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}
