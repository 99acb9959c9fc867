import type { LinearModel, Term } from "./model.js";

function expr(terms: Term[], names: string[]): string {
  // An empty row (e.g. a slot nobody can staff) still has to appear so the file stays infeasible.
  if (terms.length === 0) return `0 ${names[0] ?? "x"}`;
  const parts = terms.map((t, i) => {
    const sign = t.coef < 0 ? "-" : i === 0 ? "" : "+";
    return `${sign} ${Math.abs(t.coef)} ${names[t.v] ?? ""}`;
  });
  // Long rows are wrapped: LP readers limit line length.
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 8) lines.push(parts.slice(i, i + 8).join(" "));
  return lines.join("\n  ");
}

/** Writes the model as a CPLEX LP file (read by glpsol --lp, HiGHS, CPLEX, Gurobi). */
export function toCplexLp(model: LinearModel): string {
  const names = model.vars.map((v) => v.name);
  const out: string[] = [`\\ ${model.name}`, model.sense === "min" ? "Minimize" : "Maximize"];
  out.push(
    ` obj: ${expr(
      model.vars.map((v, i) => ({ v: i, coef: v.cost })).filter((t) => t.coef !== 0),
      names,
    )}`,
  );
  out.push("Subject To");
  for (const c of model.constraints) {
    const e = expr(c.terms, names);
    if (Number.isFinite(c.lb) && Number.isFinite(c.ub) && c.lb === c.ub)
      out.push(` ${c.name}: ${e} = ${c.ub}`);
    else {
      if (Number.isFinite(c.lb)) out.push(` ${c.name}${Number.isFinite(c.ub) ? "_lo" : ""}: ${e} >= ${c.lb}`);
      if (Number.isFinite(c.ub)) out.push(` ${c.name}: ${e} <= ${c.ub}`);
    }
  }
  out.push("Bounds");
  for (const v of model.vars) {
    if (v.type === "binary") continue;
    const lb = Number.isFinite(v.lb) ? String(v.lb) : "-inf";
    const ub = Number.isFinite(v.ub) ? String(v.ub) : "+inf";
    out.push(` ${lb} <= ${v.name} <= ${ub}`);
  }
  const gen = model.vars.filter((v) => v.type === "integer").map((v) => v.name);
  const bin = model.vars.filter((v) => v.type === "binary").map((v) => v.name);
  if (gen.length > 0) out.push("General", ...chunk(gen));
  if (bin.length > 0) out.push("Binary", ...chunk(bin));
  out.push("End", "");
  return out.join("\n");
}

function chunk(names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < names.length; i += 10) out.push(` ${names.slice(i, i + 10).join(" ")}`);
  return out;
}
