/**
 * A deliberately small front-matter reader (`---` fenced `key: value` lines, inline `[a, b]` lists
 * and `- item` block lists). Prompt metadata is flat, so a YAML dependency buys nothing; anything
 * this does not understand is a start-up error rather than a silent misread.
 */
export interface FrontMatterResult {
  data: Record<string, string | number | boolean | string[]>;
  body: string;
}

function scalar(v: string): string | number | boolean {
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s === "true" || s === "false") return s === "true";
  const q = s.match(/^(["'])(.*)\1$/);
  return q ? (q[2] ?? "") : s;
}

export function parseFrontMatter(source: string): FrontMatterResult {
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  if (!text.startsWith("---\n"))
    throw new Error("missing front matter (the file must start with a '---' line)");
  const end = text.indexOf("\n---", 4);
  if (end < 0) throw new Error("front matter is not closed by a '---' line");
  const head = text.slice(4, end);
  const body = text.slice(end + 4).replace(/^[^\n]*\n/, "");
  const data: FrontMatterResult["data"] = {};
  let listKey: string | null = null;
  for (const [i, line] of head.split("\n").entries()) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const item = line.match(/^\s+-\s+(.*)$/) ?? line.match(/^-\s+(.*)$/);
    if (item && listKey) {
      (data[listKey] as string[]).push(String(scalar(item[1] ?? "")));
      continue;
    }
    const kv = line.match(/^([A-Za-z_][\w-]*):\s*(.*)$/);
    if (!kv)
      throw new Error(`front matter line ${i + 2} is not "key: value": ${JSON.stringify(line.slice(0, 60))}`);
    const key = kv[1] ?? "";
    const value = (kv[2] ?? "").trim();
    listKey = null;
    if (value === "") {
      data[key] = [];
      listKey = key;
    } else if (value.startsWith("[")) {
      if (!value.endsWith("]")) throw new Error(`front matter "${key}" list is not closed`);
      const inner = value.slice(1, -1).trim();
      data[key] = inner ? inner.split(",").map((x) => String(scalar(x))) : [];
    } else data[key] = scalar(value);
  }
  return { data, body };
}
