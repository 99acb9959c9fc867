/**
 * A tiny typed Markdown AST: the subset core text and model answers use (CommonMark emphasis, code,
 * links, headings, bullets, quotes, fences, rules). Own types rather than mdast: no dependency, a
 * dozen node kinds, and line-oriented blocks that match how chat platforms render text.
 */
export type Inline =
  | { type: "text"; value: string }
  | { type: "strong"; children: Inline[] }
  | { type: "emphasis"; children: Inline[] }
  | { type: "delete"; children: Inline[] }
  | { type: "code"; value: string }
  | { type: "link"; url: string; children: Inline[] };

export type Block =
  | { type: "line"; children: Inline[] }
  | { type: "heading"; children: Inline[] }
  | { type: "bullet"; indent: string; children: Inline[] }
  | { type: "quote"; children: Inline[] }
  | { type: "code-block"; lines: string[] }
  | { type: "rule" };
