/**
 * What the decider made of a provider's report, for the audit trail:
 * - `moved`: it moved the payment to the status it reported;
 * - `repeat`: the payment already had that status;
 * - `late`: the payment is already past that status;
 * - `awaiting-confirmation`: a hint of a move, waiting for the status endpoint;
 * - `confirmed`: the status endpoint confirmed a hint, or what payrec held;
 * - `contradicted`: it disagrees with what payrec holds, and `discrepancyId` names the
 *   discrepancy it opened (or found already open);
 * - `corrected`: the status endpoint corrected a final status payrec held.
 */
export const reportEffects = [
  'moved',
  'repeat',
  'late',
  'awaiting-confirmation',
  'confirmed',
  'contradicted',
  'corrected',
] as const;

export type ReportEffect = (typeof reportEffects)[number];

export type ReportJudgement = Readonly<{ effect: ReportEffect; discrepancyId?: string }>;
