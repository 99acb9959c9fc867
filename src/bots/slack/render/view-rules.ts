import type { KnownBlock } from "@slack/web-api";
import { SLACK_LIMITS } from "./limits.js";

/**
 * Slack's structural rules for a view (Home tab or modal) that make `views.publish` fail with
 * `invalid_blocks`: at most 100 blocks, unique block_ids, unique action_ids within a block, and the
 * per-element limits. Returns the violations (empty: valid). Used before publishing and by the tests.
 */
export function viewViolations(blocks: readonly KnownBlock[]): string[] {
  const out: string[] = [];
  if (blocks.length > SLACK_LIMITS.blocksPerView)
    out.push(`${blocks.length} blocks (max ${SLACK_LIMITS.blocksPerView})`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    const id = (b as { block_id?: string }).block_id;
    if (id !== undefined) {
      if (ids.has(id)) out.push(`duplicate block_id "${id}" at block ${i}`);
      ids.add(id);
      if (id.length > 255) out.push(`block_id too long at block ${i}`);
    }
    if (b.type === "header" && b.text.text.length > SLACK_LIMITS.headerText)
      out.push(`header too long at block ${i}`);
    if (b.type === "section") {
      if ((b.text?.text.length ?? 0) > SLACK_LIMITS.sectionText)
        out.push(`section text too long at block ${i}`);
      if ((b.fields?.length ?? 0) > SLACK_LIMITS.fieldsPerSection) out.push(`too many fields at block ${i}`);
      for (const f of b.fields ?? [])
        if (f.text.length > SLACK_LIMITS.fieldText) out.push(`field text too long at block ${i}`);
    }
    if (b.type === "context" && b.elements.length > SLACK_LIMITS.contextElements)
      out.push(`too many context elements at block ${i}`);
    if (b.type === "actions") {
      if (b.elements.length > SLACK_LIMITS.actionsPerBlock) out.push(`too many actions at block ${i}`);
      const actionIds = new Set<string>();
      for (const e of b.elements) {
        const aid = (e as { action_id?: string }).action_id;
        if (aid) {
          if (actionIds.has(aid)) out.push(`duplicate action_id "${aid}" in block ${i}`);
          actionIds.add(aid);
        }
        if (e.type === "button") {
          if (e.text.text.length > SLACK_LIMITS.buttonText) out.push(`button text too long at block ${i}`);
          if ((e.value?.length ?? 0) > SLACK_LIMITS.buttonValue)
            out.push(`button value too long at block ${i}`);
        }
      }
    }
  });
  return out;
}
