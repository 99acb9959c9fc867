import { escapeMarkdown } from "./parse.js";

/*
 * Builders for core text: features write `${bold(deal.name)}`, never `*${deal.name}*` (which is
 * italic in Markdown, and breaks on a name containing a marker). Values are escaped.
 */

/** **value**, with Markdown markers inside the value kept literal. */
export const bold = (value: string): string => `**${escapeMarkdown(value)}**`;

/** *value* (emphasis). */
export const italic = (value: string): string => `*${escapeMarkdown(value)}*`;

/** `value` as inline code (a command to type); backticks inside are dropped, code spans cannot escape them. */
export const code = (value: string): string => `\`${value.replaceAll("`", "")}\``;
