import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import {
  checkSetup,
  createCompany,
  DEFAULT_TEMPLATE,
  PIPELINE_TEMPLATES,
  readSetupAnswer,
  type SetupInput,
  slugOf,
  templateChoices,
} from "../core/features/company/index.js";
import { plural } from "../core/kernel/text.js";
import { printErrors, withDeps } from "./context.js";
import type { CliContext, Io } from "./io.js";

const USAGE = `Usage: keel setup                      (interactive: asks each question)
       keel setup --company NAME --slug SLUG --currency ISO --timezone IANA --owner EMAIL
                  [--owner-name NAME] [--locale de-DE] [--pipeline ${Object.keys(PIPELINE_TEMPLATES).join("|")}]
`;

type Field = Exclude<keyof SetupInput, "locale">;

/** Reads answers line by line; a line piped in before its question is asked is kept, not lost. */
function lineReader(input: NodeJS.ReadableStream) {
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    next: async () => {
      const r = await lines.next();
      return r.done ? undefined : String(r.value);
    },
    close: () => rl.close(),
  };
}

/**
 * The terminal wizard: asks for each missing field, checks the answer with the same schema the
 * flags go through and asks again on a bad answer. Returns undefined when input ends early.
 */
export async function askSetup(
  given: Partial<SetupInput>,
  input: NodeJS.ReadableStream,
  out: NodeJS.WritableStream,
): Promise<SetupInput | undefined> {
  const reader = lineReader(input);
  const answers: Partial<SetupInput> = { ...given };
  const questions: { field: Field; text: () => string; fallback?: () => string }[] = [
    { field: "company", text: () => "Company name" },
    {
      field: "slug",
      text: () => "Short name for commands (slug)",
      fallback: () => slugOf(answers.company ?? ""),
    },
    { field: "currency", text: () => "Currency (ISO code)", fallback: () => "USD" },
    {
      field: "timezone",
      text: () => "Time zone (IANA)",
      fallback: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    },
    { field: "owner", text: () => "Owner's e-mail" },
    { field: "ownerName", text: () => "Owner's name", fallback: () => "" },
    {
      field: "pipeline",
      text: () => `Pipeline template:\n${templateChoices().replace(/^/gm, "  ")}\nChoose`,
      fallback: () => DEFAULT_TEMPLATE,
    },
  ];
  try {
    let suggestion: string | undefined;
    for (const q of questions) {
      if (answers[q.field] !== undefined) continue;
      for (;;) {
        const def = q.fallback?.();
        out.write(`${q.text()}${def ? ` [${def}]` : ""}: `);
        const line = await reader.next();
        if (line === undefined) {
          out.write("\n");
          return undefined;
        }
        let value = line.trim() || def || "";
        // "yes" takes the suggestion of the last re-ask ("dollars" → "Did you mean USD?").
        if (suggestion && /^(y|yes|yeah|ok|ja|si|sí|oui)$/i.test(value)) value = suggestion;
        suggestion = undefined;
        // The same reading as the chat set-up: "dollars", "EST", "2" mean the same everywhere.
        const check =
          value === "" && q.field === "ownerName"
            ? { ok: true as const, value: "" }
            : readSetupAnswer(q.field, value);
        if (check.ok) {
          (answers as Record<string, string | undefined>)[q.field] = check.value || undefined;
          break;
        }
        suggestion = check.suggestion;
        out.write(`  ✗ ${check.message}\n`);
      }
    }
    return answers as SetupInput;
  } finally {
    reader.close();
  }
}

export async function setupCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      company: { type: "string" },
      slug: { type: "string" },
      currency: { type: "string" },
      timezone: { type: "string" },
      owner: { type: "string" },
      "owner-name": { type: "string" },
      locale: { type: "string" },
      pipeline: { type: "string" },
      interactive: { type: "boolean", short: "i" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const given: Partial<SetupInput> = {
    company: values.company,
    slug: values.slug,
    currency: values.currency,
    timezone: values.timezone,
    owner: values.owner,
    ownerName: values["owner-name"],
    locale: values.locale,
    pipeline: values.pipeline,
  };
  const required: Field[] = ["company", "slug", "currency", "timezone", "owner"];
  const missing = required.filter((f) => given[f] === undefined);
  let input: SetupInput | undefined;
  if (missing.length === 0 && !values.interactive) input = given as SetupInput;
  else if (values.interactive || process.stdin.isTTY) {
    input = await askSetup(given, process.stdin, io.stdout);
    if (!input) {
      io.stderr.write("keel setup: input ended before every question was answered; nothing was created.\n");
      return 2;
    }
  } else {
    io.stderr.write(
      `keel setup: missing --${missing.join(", --")} (or run it in a terminal to be asked).\n${USAGE}`,
    );
    return 2;
  }
  const checked = checkSetup(input);
  if (!checked.ok) {
    printErrors(io, "keel setup: nothing was created; fix these:", checked.errors);
    return 2;
  }
  return withDeps(ctx, async (deps) => {
    const { tenant, owner, template } = await createCompany(deps, input);
    io.stdout.write(
      `Set up ${tenant.name} (${tenant.slug}): ${tenant.currency}, ${tenant.timezone}${input.locale ? `, ${input.locale}` : ""}, owner ${owner.email}, ` +
        `pipeline "${template.pipelineName}" with ${plural(template.stages.length, "stage")} (${template.id}).\n` +
        `Next:\n  keel users add EMAIL --role rep --tenant ${tenant.slug}\n` +
        `  keel import deals deals.csv --tenant ${tenant.slug}\n  keel say --tenant ${tenant.slug} "deals"\n`,
    );
    return 0;
  });
}
