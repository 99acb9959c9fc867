import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { openCsv, parseCsv, sniffDelimiter } from "../../src/core/kernel/csv/index.js";

/** The separators real exports use: Excel in Germany/Spain/France writes ";", TSV uses tabs. */
describe("CSV separators", () => {
  it.each([
    ["name,stage,value", ","],
    ["name;stage;value", ";"],
    ["name\tstage\tvalue", "\t"],
    ['"name;x",stage,value', ","], // a separator inside quotes does not count
    ['"a,b";"c,d";e', ";"],
    ["name", ","],
    ["", ","],
    ["\uFEFFname;stage;value", ";"],
  ])("%j → %j", (line, want) => {
    expect(sniffDelimiter(line.replace(/^\uFEFF/, ""))).toBe(want);
  });

  it("a semicolon file keeps decimal commas inside cells", () => {
    const t = parseCsv('\uFEFFName;Value;Due\r\nKiel;12.500,00;31.01.2027\r\n"Bremen; Port";8400,50;\r\n');
    expect(t.header).toEqual(["name", "value", "due"]);
    expect(t.records.map((r) => r.fields)).toEqual([
      { name: "Kiel", value: "12.500,00", due: "31.01.2027" },
      { name: "Bremen; Port", value: "8400,50", due: "" },
    ]);
  });

  it("streams a semicolon file whose header arrives in pieces, with line numbers", async () => {
    const pieces = ["na", "me;sta", "ge;value\nKiel;Lead;1", "2,50\n", "Bremen;Proposal;7\n"];
    const f = await openCsv(Readable.from(pieces.map((p) => Buffer.from(p))));
    expect(f.header).toEqual(["name", "stage", "value"]);
    const rows = [];
    for await (const r of f.records) rows.push(r);
    expect(rows).toEqual([
      { line: 2, fields: { name: "Kiel", stage: "Lead", value: "12,50" }, cells: 3 },
      { line: 3, fields: { name: "Bremen", stage: "Proposal", value: "7" }, cells: 3 },
    ]);
  });

  it("a tab-separated string and a file with only a header", async () => {
    const f = await openCsv("name\tvalue\nKiel\t1,5\n");
    const rows = [];
    for await (const r of f.records) rows.push(r.fields);
    expect(rows).toEqual([{ name: "Kiel", value: "1,5" }]);
    const empty = await openCsv("name;value");
    expect(empty.header).toEqual(["name", "value"]);
    for await (const _ of empty.records) throw new Error("no rows expected");
  });

  it("a comma file is read as before, a broken quote is a clear error", async () => {
    expect(parseCsv('a,b\n"x, y",2\n').records[0]!.fields).toEqual({ a: "x, y", b: "2" });
    const f = await openCsv('a;b\n"unterminated;2\n');
    await expect(
      (async () => {
        for await (const _ of f.records);
      })(),
    ).rejects.toMatchObject({ code: "bad_input", userMessage: expect.stringMatching(/not valid CSV/) });
  });
});
