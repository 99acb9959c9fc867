export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

export const shiftDays = (d: Date, days: number): Date => new Date(d.getTime() + days * 86_400_000);
