/** Core text is standard Markdown; this is its one parser, its builders and the shared renderer walk. */
export type { Block, Inline } from "./ast.js";
export { bold, code, italic } from "./build.js";
export { escapeMarkdown, parseInline, parseMarkdown } from "./parse.js";
export {
  type Dialect,
  markdownToPlain,
  plainDialect,
  plainInline,
  renderBlocks,
  renderInline,
  renderMarkdown,
} from "./render.js";
