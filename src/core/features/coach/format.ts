/** Money in minor units → "$12,345" (no cents above 1,000, where they are noise in a chat answer). */
export function formatMoney(minor: number, currency: string): string {
  const major = minor / 100;
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      maximumFractionDigits: Math.abs(major) >= 1000 ? 0 : 2,
      minimumFractionDigits: 0,
    }).format(major);
  } catch {
    return `${major.toFixed(2)} ${currency}`;
  }
}

export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

export const shiftDays = (d: Date, days: number): Date => new Date(d.getTime() + days * 86_400_000);
