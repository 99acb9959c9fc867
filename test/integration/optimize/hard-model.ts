import { type LinearModel, ModelBuilder } from "../../../src/core/features/optimize/index.js";
import { mulberry32 } from "../../../src/demo/random.js";

/**
 * A market-split instance (Cornuéjols & Dawande): a few equality rows over binaries, with slack
 * penalised. A plan is trivial to find, proving the best one is famously slow — ideal for the
 * time-limit path.
 */
export function marketSplit(seed: number, rows = 4, cols = 40): LinearModel {
  const rng = mulberry32(seed);
  const b = new ModelBuilder("market_split", "min");
  const x = Array.from({ length: cols }, (_, j) => b.addVar(`x${j}`, { type: "binary" }));
  for (let i = 0; i < rows; i++) {
    const coefs = x.map(() => Math.floor(rng() * 100));
    const rhs = Math.floor(coefs.reduce((s, c) => s + c, 0) / 2);
    const up = b.addVar(`sp${i}`, { cost: 1 });
    const down = b.addVar(`sm${i}`, { cost: 1 });
    b.addConstraint(
      `row${i}`,
      [...x.map((v, j) => ({ v, coef: coefs[j] ?? 0 })), { v: up, coef: 1 }, { v: down, coef: -1 }],
      { lb: rhs, ub: rhs },
    );
  }
  return b.build();
}
